using System.Globalization;
using System.Text;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Reports;
using CaseGrains.Domain.Rollups;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Imports;
using CaseGrains.Server.Infrastructure;
using CaseGrains.Server.Townships;
using CaseGrains.Storage;

namespace CaseGrains.Server.Reports;

/// <summary>
/// 年度报告: <c>/api/townships/{t}/reports/{year}</c> and <c>/api/counties/{c}/reports/{year}</c>, as
/// <c>json</c> (the document and the rollup), <c>md</c> and <c>docx</c> (the Chinese narrative),
/// <c>csv</c> and <c>xlsx</c> (a township's ledger, one row per case, masked, and in the xlsx a second
/// sheet with the figures; a county's table of townships). Figures come from the live rollups.
/// </summary>
internal static class ReportsApi
{
    /// <summary>The formats a report comes in.</summary>
    public static readonly IReadOnlyList<string> Formats = ["json", "md", "docx", "csv", "xlsx"];

    private const string Tag = "年度报告 — the caseload section of the 法治政府建设 report and the ledger (台账), per township and per county, from the live rollups.";

    public static void MapReports(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/townships/{townshipId}/reports/{year:int}", TownshipReportAsync)
            .RequireAuthorization(Policies.ReadRollups)
            .WithTag("Report", Tag)
            .WithName("GetTownshipReport")
            .Documented("A township's year-end report section: json, md, docx, csv or xlsx (format=)",
                "The caseload lines of the township's year (信访件 received, concluded, in progress; 12345 referrals; 矛盾纠纷 and 化解率), every rate with its basis, "
                + "as of asOf (default today, or the year's end once it is over). format=json (default) gives the figures and the narrative; md and docx the section in Chinese; "
                + "csv (UTF-8 with BOM) and xlsx the ledger, one row per case, personal data masked for every role (the xlsx has the rollup on a second sheet). "
                + "Supervisors and admins of the township's scope.")
            .Produces<TownshipReportView>()
            .AlsoServedAs("text/markdown", "text/csv", LedgerFiles.XlsxType, OfficeFiles.DocxType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        routes.MapGet("/api/counties/{countyId}/reports/{year:int}", CountyReportAsync)
            .RequireAuthorization(Policies.ReadRollups)
            .WithTag("Report", Tag)
            .WithName("GetCountyReport")
            .Documented("A county's year-end report section, one part per township: json, md, docx, csv or xlsx (format=)",
                "The county's totals and one section per township, computed from the townships' live rollups (never a scan of cases). "
                + "Formats as for a township's report; the ledger formats hold every township's cases. Supervisors and admins of the county's scope.")
            .Produces<CountyReportView>()
            .AlsoServedAs("text/markdown", "text/csv", LedgerFiles.XlsxType, OfficeFiles.DocxType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> TownshipReportAsync(string townshipId, int year, Caller caller, TownshipScope scope, IGrainFactory grains, ICaseStore store,
        DeadlinePolicy policy, TimeProvider time, string? format = null, string? asOf = null)
    {
        var source = new ReportSource(grains, store, policy);
        if (await scope.FindAsync(caller, townshipId) is not { } township)
        {
            return Problems.NotFound("township");
        }
        if (Validate(year, asOf, format) is { } problem)
        {
            return problem;
        }
        var date = AsOf(asOf, policy, time);
        var rollup = await source.TownshipRollupAsync(townshipId, year, date);
        var name = township.State.Name;
        var document = AnnualReport.Township(rollup, name);
        var fileName = $"{name}{year}年";
        switch (format ?? "json")
        {
            case "md":
                return TypedResults.Text(MarkdownReport.Render(document), "text/markdown; charset=utf-8", Encoding.UTF8);
            case "docx":
                return TypedResults.File(OfficeFiles.Document(document), OfficeFiles.DocxType, fileName + "报告.docx");
            case "csv":
            case "xlsx":
                var ledger = await source.LedgerAsync(township.State, year, date, time.GetUtcNow());
                var header = LedgerColumns.Exported.Select(c => c.Header).ToList();
                var rows = ledger.Select(r => (IReadOnlyList<string>)LedgerExport.Cells(r, LedgerColumns.Exported)).ToList();
                if (format == "csv")
                {
                    return TypedResults.File(LedgerFiles.Csv(rows.Prepend(header)), "text/csv; charset=utf-8", fileName + "台账.csv");
                }
                return TypedResults.File(OfficeFiles.Workbook(
                [
                    new WorkbookSheet("台账", header, rows),
                    FiguresSheet("统计", AnnualReport.FiguresTable(rollup), date),
                ]), LedgerFiles.XlsxType, fileName + "台账.xlsx");
            default:
                return TypedResults.Ok(new TownshipReportView(townshipId, name, year, date, document, rollup));
        }
    }

    private static async Task<IResult> CountyReportAsync(string countyId, int year, Caller caller, IGrainFactory grains, ICaseStore store,
        DeadlinePolicy policy, TimeProvider time, string? format = null, string? asOf = null)
    {
        var source = new ReportSource(grains, store, policy);
        if (!Ids.IsValidTownshipId(countyId) || !TownshipScope.SeesCounty(caller, countyId))
        {
            return Problems.NotFound("county");
        }
        if (Validate(year, asOf, format) is { } problem)
        {
            return problem;
        }
        var townships = await source.CountyTownshipsAsync(countyId);
        if (townships.Count == 0)
        {
            // A county is known only through its townships.
            return Problems.NotFound("county");
        }
        var date = AsOf(asOf, policy, time);
        var county = await source.CountyRollupAsync(countyId, townships, year, date);
        var names = townships.ToDictionary(t => t.Id, t => t.Name, StringComparer.Ordinal);
        string NameOf(string id) => names.GetValueOrDefault(id, id);
        var document = AnnualReport.County(county, countyId, NameOf);
        var fileName = $"{countyId}-{year}";
        switch (format ?? "json")
        {
            case "md":
                return TypedResults.Text(MarkdownReport.Render(document), "text/markdown; charset=utf-8", Encoding.UTF8);
            case "docx":
                return TypedResults.File(OfficeFiles.Document(document), OfficeFiles.DocxType, fileName + "-report.docx");
            case "csv":
                var table = AnnualReport.CountyTable(county, NameOf);
                return TypedResults.File(LedgerFiles.Csv(table.Rows.Prepend(table.Header)), "text/csv; charset=utf-8", fileName + "-townships.csv");
            case "xlsx":
                var byTownship = AnnualReport.CountyTable(county, NameOf);
                return TypedResults.File(OfficeFiles.Workbook(
                [
                    new WorkbookSheet("各乡镇", byTownship.Header, byTownship.Rows),
                    FiguresSheet("全县合计", AnnualReport.FiguresTable(new TownshipRollup(countyId, year, date, county.Petitions, county.Disputes, county.Hotline12345)), date),
                ]), LedgerFiles.XlsxType, fileName + "-townships.xlsx");
            default:
                return TypedResults.Ok(new CountyReportView(countyId, year, date, document, county));
        }
    }

    /// <summary>The figures of a rollup as a sheet, its first row saying as of when.</summary>
    private static WorkbookSheet FiguresSheet(string name, ReportTable figures, DateOnly asOf)
        => new(name, figures.Header,
            [.. figures.Rows.Prepend(["数据截至", asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "", "", ""])]);

    private static IResult? Validate(int year, string? asOf, string? format)
    {
        var errors = new FieldErrors();
        errors.Year("year", year);
        if (asOf is not null && !DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors.Add("asOf", "must be a date yyyy-MM-dd");
        }
        if (format is not null && !Formats.Contains(format))
        {
            errors.Add("format", "must be one of: " + string.Join(", ", Formats));
        }
        return errors.Any ? Problems.Validation(errors.ToDictionary()) : null;
    }

    private static DateOnly AsOf(string? asOf, DeadlinePolicy policy, TimeProvider time)
        => asOf is null ? policy.LocalDate(time.GetUtcNow()) : DateOnly.ParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>A township's report: the document the narrative formats render, and the figures it was written from.</summary>
public sealed record TownshipReportView(string Scope, string Name, int Year, DateOnly AsOf, ReportDocument Document, TownshipRollup Rollup);

/// <summary>A county's report: the document, and the county's rollup with each township's.</summary>
public sealed record CountyReportView(string Scope, int Year, DateOnly AsOf, ReportDocument Document, CountyRollup Rollup);
