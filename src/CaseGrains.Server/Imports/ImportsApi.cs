using System.Security.Cryptography;
using CaseGrains.Domain.Reports;
using CaseGrains.Grains.Imports;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Infrastructure;
using CaseGrains.Server.Townships;
using Microsoft.AspNetCore.Http.Features;

namespace CaseGrains.Server.Imports;

/// <summary>
/// 台账导入: <c>POST /api/townships/{t}/imports</c> takes a CSV or XLSX ledger in the template's columns
/// and answers 202 at once; <c>GET …/imports/{id}</c> shows the rows validated and imported and every
/// refused row; <c>GET /api/imports/template</c> is the template (the export's columns). The import
/// itself is an <see cref="IImportGrain"/>: all rows or none, and the same file again creates nothing.
/// </summary>
internal static class ImportsApi
{
    /// <summary>The formats of the template.</summary>
    public static readonly IReadOnlyList<string> TemplateFormats = ["csv", "xlsx", "json"];

    private const string Tag = "台账导入 — importing the ledgers townships already keep: validate every row, then import all or nothing.";

    public static void MapImports(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/townships/{townshipId}/imports", StartAsync)
            .RequireAuthorization(Policies.WriteCases)
            .WithTag("Import", Tag)
            .WithName("StartImport")
            .Documented("Import an existing ledger (CSV or XLSX in the template's columns); 202, then poll the Location",
                "The body is the file (text/csv in UTF-8, or xlsx). Every row is validated first (dates, channels, categories, roster, order of steps, the statutory rules); "
                + "one bad row rejects the whole file and the import's errors list row, column and reason in Chinese and English. A valid file imports every case "
                + "with its historical dates through the same commands as the API; the same file again creates nothing (rows are keyed by their ledger number). "
                + "Officers, supervisors and admins of the township's scope.")
            .AcceptsWorkAt()
            .TakesFile(LedgerFiles.CsvType, LedgerFiles.XlsxType)
            .Produces<ImportView>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        routes.MapGet("/api/townships/{townshipId}/imports/{importId}", GetAsync)
            .RequireAuthorization(Policies.WriteCases)
            .WithTag("Import", Tag)
            .WithName("GetImport")
            .Documented("Follow an import: rows validated and imported, and its errors",
                "The import's state (validating, rejected, importing, done, failed), how many rows were validated and imported, and for a rejected file the list of "
                + "row, column and reason. Read the Location the import's 202 gave.")
            .Produces<ImportView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        routes.MapGet("/api/imports/template", Template)
            .RequireAuthorization(Policies.WriteCases)
            .WithTag("Import", Tag)
            .WithName("GetImportTemplate")
            .Documented("The ledger template with Chinese headers: csv (default), xlsx (with a guide sheet) or json (the columns described)",
                "The same columns as the ledger export (案件编号, 来源渠道, 登记日期, 受理日期, 包案领导, 办理期限, 状态, 办结日期, 结果, 满意度 …), "
                + "so an exported ledger imports as it is. format=json describes each column and the values it takes.")
            .Produces<LedgerTemplateView>()
            .AlsoServedAs(LedgerFiles.CsvType, LedgerFiles.XlsxType)
            .ProducesValidationProblem();
    }

    private static async Task<IResult> StartAsync(string townshipId, HttpContext http, Caller caller, TownshipScope scope, IGrainFactory grains)
    {
        if (await scope.FindAsync(caller, townshipId) is null)
        {
            return Problems.NotFound("township");
        }
        var format = FormatOf(http.Request.ContentType);
        if (format is null)
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, GatewayErrors.UnsupportedLedgerType, "Unsupported media type",
                $"Send the ledger as {LedgerFiles.CsvType} or {LedgerFiles.XlsxType}; GET /api/imports/template has the columns.");
        }
        // A ledger is larger than any JSON body: this endpoint alone takes up to the ledger limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = LedgerFiles.MaxFileBytes;
        }
        byte[] bytes;
        try
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            bytes = buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TypedResults.Problem(title: "Too large", statusCode: StatusCodes.Status413PayloadTooLarge, type: "https://httpstatuses.io/413",
                detail: $"A ledger file may be at most {LedgerFiles.MaxFileBytes / (1024 * 1024)} MiB; split it into several imports.");
        }
        if (bytes.Length == 0)
        {
            return Problems.Field("body", "is empty: send the ledger file");
        }
        if (LedgerFiles.Read(bytes, format, out var unreadable) is not { } table)
        {
            return Problems.Field("body", unreadable!);
        }
        if (table.Rows.Count > LedgerColumns.MaxRows)
        {
            return Problems.Field("body", $"has more than {LedgerColumns.MaxRows} rows; split it into several imports");
        }
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        var status = await grains.GetGrain<IImportGrain>($"{townshipId}/{id}").Start(new ImportRequest(
            [.. table.Header], [.. table.Rows.Select(r => r.ToArray())], format, caller.Subject, caller.Role));
        return TypedResults.Accepted($"/api/townships/{townshipId}/imports/{id}", ImportView.From(status));
    }

    private static async Task<IResult> GetAsync(string townshipId, string importId, Caller caller, TownshipScope scope, IGrainFactory grains)
    {
        // A malformed id is "not found" and never activates a grain.
        if (importId.Length != 16 || !importId.All(char.IsAsciiHexDigitLower) || await scope.FindAsync(caller, townshipId) is null)
        {
            return Problems.NotFound("import");
        }
        return await grains.GetGrain<IImportGrain>($"{townshipId}/{importId}").Status() is { } status
            ? TypedResults.Ok(ImportView.From(status))
            : Problems.NotFound("import");
    }

    private static IResult Template(string? format = null)
    {
        if (format is not null && !TemplateFormats.Contains(format))
        {
            return Problems.Field("format", "must be one of: " + string.Join(", ", TemplateFormats));
        }
        return (format ?? "csv") switch
        {
            "json" => TypedResults.Ok(LedgerTemplateView.Create()),
            "xlsx" => TypedResults.File(LedgerFiles.Template("xlsx"), LedgerFiles.XlsxType, "台账导入模板.xlsx"),
            _ => TypedResults.File(LedgerFiles.Template("csv"), "text/csv; charset=utf-8", "台账导入模板.csv"),
        };
    }

    private static string? FormatOf(string? contentType)
    {
        var media = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return media switch
        {
            "text/csv" or "application/csv" => "csv",
            LedgerFiles.XlsxType => "xlsx",
            _ => null,
        };
    }
}

/// <summary>
/// An import as the API shows it. <c>status</c>: <c>validating</c>, <c>rejected</c> (nothing imported),
/// <c>importing</c>, <c>done</c>, or <c>failed</c> (see <see cref="ImportStatuses.Failed"/>);
/// <c>alreadyImported</c>: rows an earlier import had brought in (recognised by ledger number, not created
/// again); <c>errorCount</c>: all errors, of which <c>errors</c> holds the first 1000.
/// </summary>
public sealed record ImportView(
    string Id,
    string TownshipId,
    string Status,
    int Rows,
    int Validated,
    int Imported,
    int AlreadyImported,
    int ErrorCount,
    IReadOnlyList<ImportErrorView> Errors,
    string Format,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt)
{
    internal static ImportView From(ImportStatus s) => new(
        s.Id, s.TownshipId, s.Status, s.Rows, s.Validated, s.Imported, s.AlreadyImported, s.ErrorCount,
        [.. s.Errors.Select(e => new ImportErrorView(e.Row, e.Column, $"{e.ReasonZh}（{e.ReasonEn}）", e.ReasonZh, e.ReasonEn))],
        s.Format, s.CreatedAt, s.FinishedAt);
}

/// <summary>One refused row: spreadsheet row (the header is row 1), the column's header, the reason in Chinese and English.</summary>
public sealed record ImportErrorView(int Row, string Column, string Reason, string ReasonZh, string ReasonEn);

/// <summary>The template's columns described: what the csv and xlsx templates hold.</summary>
public sealed record LedgerTemplateView(IReadOnlyList<LedgerColumnView> Columns)
{
    internal static LedgerTemplateView Create() => new([.. LedgerColumns.All.Select(c => new LedgerColumnView(
        c.Header, LedgerFiles.ScopeName(c.Scope), c.Required, c.Exported, c.Computed, c.Description, c.Values))]);
}

/// <summary>One column of the ledger; <c>exported</c>: the ledger export writes it; <c>computed</c>: the export writes it and an import recomputes it (状态 is checked against the dates).</summary>
public sealed record LedgerColumnView(string Header, string AppliesTo, bool Required, bool Exported, bool Computed, string Description, IReadOnlyList<string>? Values);
