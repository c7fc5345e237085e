using System.Globalization;
using System.Text;
using CaseGrains.Domain.Reports;
using CaseGrains.Server.Reports;
using CsvHelper;
using CsvHelper.Configuration;
using MiniExcelLibs;

namespace CaseGrains.Server.Imports;

/// <summary>
/// Ledger files: reading a CSV or XLSX ledger into a <see cref="LedgerTable"/> of text cells (what the
/// import checks), and writing the import template. CSV is read as UTF-8 (with or without a BOM) or,
/// when it is not valid UTF-8, as GB18030, the encoding Excel uses for CSV on Chinese Windows.
/// </summary>
internal static class LedgerFiles
{
    /// <summary>The xlsx media type.</summary>
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The csv media type.</summary>
    public const string CsvType = "text/csv";

    /// <summary>Largest ledger file accepted (a 50,000-row ledger is well under this).</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static LedgerFiles() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Reads a ledger; null and a reason when the bytes are not a readable file of that format.</summary>
    public static LedgerTable? Read(byte[] bytes, string format, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        problem = null;
        try
        {
            var rows = format == "xlsx" ? ReadXlsx(bytes) : ReadCsv(bytes);
            if (rows.Count == 0)
            {
                problem = "The file has no header row.";
                return null;
            }
            return new LedgerTable(rows[0], rows.Skip(1).ToList());
        }
        catch (Exception ex) when (ex is InvalidDataException or CsvHelperException or IOException or InvalidOperationException or FormatException
            or System.Xml.XmlException or ArgumentException or NotSupportedException)
        {
            // Only the kind of failure: the message may quote the file's content.
            problem = $"The file cannot be read as {format} ({ex.GetType().Name}).";
            return null;
        }
    }

    /// <summary>The import template: the header row only (csv), or the header row and a sheet that explains each column (xlsx).</summary>
    public static byte[] Template(string format)
    {
        var header = LedgerColumns.All.Select(c => c.Header).ToArray();
        if (format == "csv")
        {
            return Csv([header]);
        }
        var guide = new List<IReadOnlyList<string>>();
        foreach (var c in LedgerColumns.All)
        {
            guide.Add([c.Header, c.Required ? "必填" : "选填", ScopeName(c.Scope), c.Description, c.Values is null ? "" : string.Join("、", c.Values)]);
        }
        return OfficeFiles.Workbook(
        [
            new WorkbookSheet("台账", header, []),
            new WorkbookSheet("填写说明", ["列名", "是否必填", "适用", "说明", "可选值"], guide),
        ]);
    }

    /// <summary>CSV in UTF-8 with a BOM (so that Excel reads the Chinese right), CRLF line ends, fields quoted where needed.</summary>
    public static byte[] Csv(IEnumerable<IReadOnlyList<string>> rows)
    {
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
        using (var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\r\n" }))
        {
            foreach (var row in rows)
            {
                foreach (var cell in row)
                {
                    csv.WriteField(cell);
                }
                csv.NextRecord();
            }
        }
        return stream.ToArray();
    }

    /// <summary>What a column applies to, as the template's guide writes it.</summary>
    public static string ScopeName(LedgerScope scope) => scope switch
    {
        LedgerScope.Petition => "信访件",
        LedgerScope.Dispute => "矛盾纠纷",
        _ => "信访件、矛盾纠纷",
    };

    private static List<IReadOnlyList<string>> ReadCsv(byte[] bytes)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            text = Encoding.GetEncoding("GB18030").GetString(bytes);
        }
        text = text.TrimStart('\uFEFF');
        var rows = new List<IReadOnlyList<string>>();
        using var reader = new StringReader(text);
        using var parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            BadDataFound = null,
            DetectDelimiter = true,
            DetectDelimiterValues = [",", ";", "\t"],
        });
        while (parser.Read())
        {
            rows.Add(parser.Record ?? []);
            if (rows.Count > LedgerColumns.MaxRows + 2)
            {
                break;
            }
        }
        return rows;
    }

    private static List<IReadOnlyList<string>> ReadXlsx(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var rows = new List<IReadOnlyList<string>>();
        // The ledger is the first sheet; an exported ledger's rollup sheet comes after it.
        foreach (var item in MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX))
        {
            var cells = (IDictionary<string, object?>)item;
            rows.Add([.. cells.OrderBy(c => ColumnNumber(c.Key)).Select(c => Text(c.Value))]);
            if (rows.Count > LedgerColumns.MaxRows + 2)
            {
                break;
            }
        }
        return rows;
    }

    /// <summary>A cell's text: dates as the ledger writes them, whole numbers without a decimal point.</summary>
    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        DateTime d when d.TimeOfDay == TimeSpan.Zero => d.ToString(LedgerColumns.DateFormat, CultureInfo.InvariantCulture),
        DateTime d => d.ToString(LedgerColumns.InstantFormat, CultureInfo.InvariantCulture),
        double n when n == Math.Floor(n) && Math.Abs(n) < 1e15 => n.ToString("0", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>A, B, …, Z, AA, … as 1, 2, ….</summary>
    private static int ColumnNumber(string letters)
    {
        var n = 0;
        foreach (var c in letters)
        {
            n = n * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
        }
        return n;
    }
}
