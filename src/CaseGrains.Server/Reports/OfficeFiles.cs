using CaseGrains.Domain.Reports;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace CaseGrains.Server.Reports;

/// <summary>One sheet of a workbook: its name, header row and data rows (text; whole numbers are written as numbers).</summary>
internal sealed record WorkbookSheet(string Name, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// .xlsx and .docx files written with the Open XML SDK, as plain as Office and LibreOffice open without
/// complaint: inline strings, one bold header style, Chinese text in a font every Chinese Office has
/// (宋体/黑体, with the machine's fallback elsewhere). Both pass <see cref="OpenXmlValidator"/>.
/// </summary>
internal static class OfficeFiles
{
    /// <summary>The docx media type.</summary>
    public const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private const string BodyFont = "宋体";
    private const string HeadingFont = "黑体";

    /// <summary>A workbook with these sheets.</summary>
    public static byte[] Workbook(IReadOnlyList<WorkbookSheet> sheets)
    {
        ArgumentNullException.ThrowIfNull(sheets);
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            var styles = workbookPart.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = new Stylesheet(
                new Fonts(new Font(), new Font(new Bold())) { Count = 2 },
                new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
                new Borders(new Border()) { Count = 1 },
                new CellStyleFormats(new CellFormat()) { Count = 1 },
                new CellFormats(new CellFormat(), new CellFormat { FontId = 1, ApplyFont = true }) { Count = 2 });
            var sheetList = workbookPart.Workbook.AppendChild(new Sheets());
            uint id = 1;
            foreach (var sheet in sheets)
            {
                var worksheetPart = workbookPart.AddNewPart<WorksheetPart>();
                var data = new SheetData();
                uint rowIndex = 1;
                data.Append(Row(rowIndex++, sheet.Header, header: true));
                foreach (var row in sheet.Rows)
                {
                    data.Append(Row(rowIndex++, row, header: false));
                }
                var width = Math.Max(1, sheet.Header.Count);
                worksheetPart.Worksheet = new Worksheet(
                    new SheetViews(new SheetView(new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen })
                    { WorkbookViewId = 0 }),
                    new Columns(new Column { Min = 1, Max = (uint)width, Width = 16, CustomWidth = true }),
                    data);
                sheetList.Append(new Sheet { Id = workbookPart.GetIdOfPart(worksheetPart), SheetId = id++, Name = sheet.Name });
            }
            workbookPart.Workbook.Save();
        }
        return stream.ToArray();
    }

    /// <summary>A Word document of a report: title, as-of line, headings, paragraphs and bordered tables.</summary>
    public static byte[] Document(ReportDocument report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = Styles();
            var body = new W.Body();
            body.Append(StyledParagraph("Title", report.Title));
            body.Append(StyledParagraph("Subtitle", report.Subtitle));
            foreach (var section in report.Sections)
            {
                body.Append(StyledParagraph(section.Level <= 1 ? "Heading1" : "Heading2", section.Heading));
                foreach (var paragraph in section.Paragraphs)
                {
                    body.Append(StyledParagraph(null, paragraph));
                }
                if (section.Table is { } table)
                {
                    body.Append(Table(table));
                    // Word wants a paragraph between a table and what follows.
                    body.Append(StyledParagraph(null, string.Empty));
                }
            }
            body.Append(new W.SectionProperties(
                new W.PageSize { Width = 11906, Height = 16838 },
                new W.PageMargin { Top = 1440, Right = 1304, Bottom = 1440, Left = 1304, Header = 851, Footer = 992, Gutter = 0 }));
            main.Document = new W.Document(body);
            main.Document.Save();
        }
        return stream.ToArray();
    }

    /// <summary>The validator's complaints about a package (empty when it is well formed); for tests and checks.</summary>
    public static IReadOnlyList<string> Validate(byte[] file, bool word)
    {
        using var stream = new MemoryStream(file);
        using OpenXmlPackage package = word ? WordprocessingDocument.Open(stream, false) : SpreadsheetDocument.Open(stream, false);
        return [.. new OpenXmlValidator(FileFormatVersions.Office2019).Validate(package).Select(e => $"{e.Path?.XPath}: {e.Description}")];
    }

    private static Row Row(uint index, IReadOnlyList<string> cells, bool header)
    {
        var row = new Row { RowIndex = index };
        for (var i = 0; i < cells.Count; i++)
        {
            var reference = ColumnName(i) + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var text = cells[i] ?? string.Empty;
            Cell cell;
            if (!header && IsWholeNumber(text))
            {
                cell = new Cell { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue(text) };
            }
            else
            {
                cell = new Cell(new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve }))
                {
                    CellReference = reference,
                    DataType = CellValues.InlineString,
                };
            }
            if (header)
            {
                cell.StyleIndex = 1;
            }
            row.Append(cell);
        }
        return row;
    }

    /// <summary>Counts are numbers in a sheet (sums work); ids such as 2024-XF-0001 and leading zeros stay text.</summary>
    private static bool IsWholeNumber(string text)
        => text.Length is > 0 and <= 9 && text.All(char.IsAsciiDigit) && (text == "0" || text[0] != '0');

    private static string ColumnName(int index)
    {
        var name = string.Empty;
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + (n - 1) % 26) + name;
        }
        return name;
    }

    private static W.Paragraph StyledParagraph(string? style, string text)
    {
        var paragraph = new W.Paragraph();
        if (style is not null)
        {
            paragraph.Append(new W.ParagraphProperties(new W.ParagraphStyleId { Val = style }));
        }
        if (text.Length > 0)
        {
            paragraph.Append(new W.Run(new W.Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        }
        return paragraph;
    }

    private static W.Table Table(ReportTable table)
    {
        var result = new W.Table();
        var border = () => new W.TableBorders(
            new W.TopBorder { Val = W.BorderValues.Single, Size = 4 },
            new W.LeftBorder { Val = W.BorderValues.Single, Size = 4 },
            new W.BottomBorder { Val = W.BorderValues.Single, Size = 4 },
            new W.RightBorder { Val = W.BorderValues.Single, Size = 4 },
            new W.InsideHorizontalBorder { Val = W.BorderValues.Single, Size = 4 },
            new W.InsideVerticalBorder { Val = W.BorderValues.Single, Size = 4 });
        result.Append(new W.TableProperties(
            new W.TableStyle { Val = "TableGrid" },
            new W.TableWidth { Width = "5000", Type = W.TableWidthUnitValues.Pct },
            border()));
        var grid = new W.TableGrid();
        foreach (var _ in table.Header)
        {
            grid.Append(new W.GridColumn { Width = (9298 / Math.Max(1, table.Header.Count)).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        result.Append(grid);
        result.Append(TableRow(table.Header, bold: true));
        foreach (var row in table.Rows)
        {
            result.Append(TableRow(row, bold: false));
        }
        return result;
    }

    private static W.TableRow TableRow(IReadOnlyList<string> cells, bool bold)
    {
        var row = new W.TableRow();
        if (bold)
        {
            row.Append(new W.TableRowProperties(new W.TableHeader()));
        }
        foreach (var text in cells)
        {
            var run = new W.Run();
            if (bold)
            {
                run.Append(new W.RunProperties(new W.Bold()));
            }
            run.Append(new W.Text(text) { Space = SpaceProcessingModeValues.Preserve });
            row.Append(new W.TableCell(
                new W.TableCellProperties(new W.TableCellWidth { Type = W.TableWidthUnitValues.Auto }),
                new W.Paragraph(new W.ParagraphProperties(new W.ParagraphStyleId { Val = "TableText" }), run)));
        }
        return row;
    }

    private static W.Styles Styles()
    {
        static W.RunFonts Fonts(string font) => new() { Ascii = font, HighAnsi = font, EastAsia = font, ComplexScript = font };

        static W.Style Paragraph(string id, string name, string font, int halfPoints, bool bold, W.JustificationValues? justify = null, int before = 0, int after = 120, int? outline = null)
        {
            // The schema fixes the order: spacing, indentation, justification, outline level.
            var paragraphProperties = new W.StyleParagraphProperties(
                new W.SpacingBetweenLines { Before = before.ToString(System.Globalization.CultureInfo.InvariantCulture), After = after.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                new W.Indentation { FirstLineChars = 0, FirstLine = "0" });
            if (justify is { } j)
            {
                paragraphProperties.Append(new W.Justification { Val = j });
            }
            if (outline is { } level)
            {
                paragraphProperties.Append(new W.OutlineLevel { Val = level });
            }
            var runProperties = new W.StyleRunProperties(Fonts(font));
            if (bold)
            {
                runProperties.Append(new W.Bold());
            }
            runProperties.Append(new W.FontSize { Val = halfPoints.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            return new W.Style(new W.StyleName { Val = name }, new W.BasedOn { Val = "Normal" }, new W.NextParagraphStyle { Val = "Normal" }, new W.PrimaryStyle(),
                paragraphProperties, runProperties)
            {
                Type = W.StyleValues.Paragraph,
                StyleId = id,
            };
        }

        var normal = new W.Style(
            new W.StyleName { Val = "Normal" },
            new W.PrimaryStyle(),
            new W.StyleParagraphProperties(new W.SpacingBetweenLines { After = "120", Line = "360", LineRule = W.LineSpacingRuleValues.Auto }, new W.Indentation { FirstLineChars = 200 }),
            new W.StyleRunProperties(Fonts(BodyFont), new W.FontSize { Val = "24" }, new W.Languages { Val = "zh-CN", EastAsia = "zh-CN" }))
        {
            Type = W.StyleValues.Paragraph,
            StyleId = "Normal",
            Default = true,
        };
        var tableText = new W.Style(
            new W.StyleName { Val = "Table Text" },
            new W.BasedOn { Val = "Normal" },
            new W.StyleParagraphProperties(new W.SpacingBetweenLines { After = "0", Line = "240", LineRule = W.LineSpacingRuleValues.Auto }, new W.Indentation { FirstLineChars = 0, FirstLine = "0" }),
            new W.StyleRunProperties(new W.FontSize { Val = "21" }))
        {
            Type = W.StyleValues.Paragraph,
            StyleId = "TableText",
        };
        var tableGrid = new W.Style(
            new W.StyleName { Val = "Table Grid" },
            new W.StyleTableProperties(new W.TableBorders(
                new W.TopBorder { Val = W.BorderValues.Single, Size = 4 },
                new W.LeftBorder { Val = W.BorderValues.Single, Size = 4 },
                new W.BottomBorder { Val = W.BorderValues.Single, Size = 4 },
                new W.RightBorder { Val = W.BorderValues.Single, Size = 4 },
                new W.InsideHorizontalBorder { Val = W.BorderValues.Single, Size = 4 },
                new W.InsideVerticalBorder { Val = W.BorderValues.Single, Size = 4 })))
        {
            Type = W.StyleValues.Table,
            StyleId = "TableGrid",
        };
        var title = Paragraph("Title", "Title", HeadingFont, 36, true, W.JustificationValues.Center, after: 240);
        var subtitle = Paragraph("Subtitle", "Subtitle", BodyFont, 24, false, W.JustificationValues.Center, after: 240);
        var heading1 = Paragraph("Heading1", "heading 1", HeadingFont, 32, false, before: 240, after: 120, outline: 0);
        var heading2 = Paragraph("Heading2", "heading 2", HeadingFont, 28, false, before: 120, after: 120, outline: 1);
        return new W.Styles(
            new W.DocDefaults(
                new W.RunPropertiesDefault(new W.RunPropertiesBaseStyle(Fonts(BodyFont), new W.FontSize { Val = "24" }, new W.Languages { Val = "zh-CN", EastAsia = "zh-CN" })),
                new W.ParagraphPropertiesDefault()),
            normal, title, subtitle, heading1, heading2, tableText, tableGrid);
    }
}
