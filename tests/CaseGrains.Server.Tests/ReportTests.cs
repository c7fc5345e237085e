using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Reports;
using CaseGrains.Testing;

namespace CaseGrains.Server.Tests;

/// <summary>
/// Year-end reports through the real service: 田家寨镇's 2024 entered through the API comes out in the
/// Markdown, the .docx (read back through LibreOffice's PDF) and the .xlsx as the township's own report
/// says it, both files pass the Open XML validator, the ledger is masked for every role, and the county
/// report is its townships' sections and their sum.
/// </summary>
public sealed class ReportTests
{
    private const string Township = "tianjiazhai";
    private const string County = "county-tj";

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task Tianjiazhai_2024_entered_through_the_api_reads_189_173_16_52_and_100_percent_in_md_docx_and_xlsx(StoreKind kind)
    {
        await using var app = await CaseGrainsApp.StartAsync(kind);
        await app.CreateTownshipAsync(Township, County, "wang");
        await app.CreateTownshipAsync("beipo", County, "zhou");
        using (var admin = app.Client(Roles.Admin))
        {
            (await admin.PutAsJsonAsync($"/api/townships/{Township}", new { name = "田家寨镇", countyId = County })).EnsureSuccessStatusCode();
        }
        using var officer = app.Client(Roles.Officer, [Township]);
        await ReportKit.EnterTianjiazhai2024Async(officer, Township);
        using var reporter = app.Client(Roles.Reporter, [Township]);
        const string report = $"/api/townships/{Township}/reports/2024?asOf=2024-12-31";

        // Markdown: the narrative in the township's words, every rate with its basis, the small category folded.
        var md = Encoding.UTF8.GetString(await ReportKit.GetBytesAsync(reporter, report + "&format=md", "text/markdown"));
        foreach (var line in new[]
        {
            "# 田家寨镇2024年信访工作和矛盾纠纷化解情况", "数据截至2024年12月31日",
            "全年共受理信访件189件，其中已办结173件，正在办理16件；按期办结173件，按期办结率100%（173/173）",
            "全年共排查受理矛盾纠纷52件，共化解矛盾纠纷52件，正在调处0件，化解率100%（52/52）",
            "简易程序化解30件，一般程序化解22件；签订书面调解协议22件", "参评率0%（0/173）", "满意率—（0/0）",
            "受理12345热线转办工单27件", "其他1件",
        })
        {
            Assert.Contains(line, md, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("医疗卫生", md, StringComparison.Ordinal);

        // .docx: valid Open XML, and LibreOffice renders the same figures.
        var docx = await ReportKit.GetBytesAsync(reporter, report + "&format=docx", OfficeFiles.DocxType);
        Assert.Empty(OfficeFiles.Validate(docx, word: true));
        var pdf = await ReportKit.PdfTextOfDocxAsync(docx);
        foreach (var text in new[] { "189", "173", "16", "52", "100%", "共受理信访件189件", "已办结173件", "正在办理16件", "共化解矛盾纠纷52件", "化解率100%（52/52）" })
        {
            Assert.Contains(text, pdf, StringComparison.Ordinal);
        }

        // .xlsx: the ledger (one row per case, masked) and the figures sheet.
        var xlsx = await ReportKit.GetBytesAsync(reporter, report + "&format=xlsx", ReportKit.Xlsx);
        Assert.Empty(OfficeFiles.Validate(xlsx, word: false));
        var ledger = ReportKit.Sheet(xlsx, "台账");
        Assert.Equal(1 + 189 + 52, ledger.Count);
        Assert.Equal("案件编号", ledger[0][0]);
        Assert.Contains("包案领导", ledger[0]);
        var figures = ReportKit.Sheet(xlsx, "统计").ToDictionary(r => r[0], r => r);
        Assert.Equal("189", figures["受理信访件"][1]);
        Assert.Equal("173", figures["已办结"][1]);
        Assert.Equal("16", figures["正在办理"][1]);
        Assert.Equal("52", figures["化解矛盾纠纷"][1]);
        Assert.Equal(["化解率", "100%", "52", "52"], figures["化解率"][..4]);
        var cells = string.Join("|", ledger.SelectMany(r => r));
        Assert.Contains("张**", cells, StringComparison.Ordinal);
        Assert.Contains("138****5678", cells, StringComparison.Ordinal);
        Assert.DoesNotContain(Secrets.Fragments, secret => cells.Contains(secret, StringComparison.Ordinal));

        // CSV: the same ledger, UTF-8 with a BOM, masked even for the officer who sees the cases in full.
        var csv = await ReportKit.GetBytesAsync(app.Client(Roles.Admin), report + "&format=csv", "text/csv");
        Assert.Equal([0xEF, 0xBB, 0xBF], csv[..3]);
        var csvText = Encoding.UTF8.GetString(csv);
        Assert.Equal(1 + 189 + 52, csvText.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain(Secrets.Fragments, secret => csvText.Contains(secret, StringComparison.Ordinal));

        // JSON: the document and the figures it was written from.
        var json = JsonDocument.Parse(await reporter.GetStringAsync(report)).RootElement;
        Assert.Equal(173, json.GetProperty("rollup").GetProperty("petitions").GetProperty("concluded").GetInt32());
        Assert.Equal("一、信访工作", json.GetProperty("document").GetProperty("sections")[0].GetProperty("heading").GetString());

        // The county: each township's section from its own rollup, and the sum.
        using var supervisor = app.Client(Roles.Supervisor, counties: [County]);
        var countyMd = Encoding.UTF8.GetString(await ReportKit.GetBytesAsync(supervisor, $"/api/counties/{County}/reports/2024?asOf=2024-12-31&format=md", "text/markdown"));
        Assert.Contains("（一）beipo镇", countyMd, StringComparison.Ordinal);
        Assert.Contains("（二）田家寨镇", countyMd, StringComparison.Ordinal);
        Assert.Contains("| 合计 | 189 | 173 | 16 |", countyMd, StringComparison.Ordinal);
        Assert.Contains("| beipo镇 | 0 | 0 | 0 | —（0/0） |", countyMd, StringComparison.Ordinal);
        var countyDocx = await ReportKit.GetBytesAsync(supervisor, $"/api/counties/{County}/reports/2024?asOf=2024-12-31&format=docx", OfficeFiles.DocxType);
        Assert.Empty(OfficeFiles.Validate(countyDocx, word: true));
        var countyXlsx = await ReportKit.GetBytesAsync(supervisor, $"/api/counties/{County}/reports/2024?format=xlsx", ReportKit.Xlsx);
        Assert.Empty(OfficeFiles.Validate(countyXlsx, word: false));
        Assert.Equal(["合计", "189", "173", "16"], ReportKit.Sheet(countyXlsx, "各乡镇")[^1][..4]);
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task Reports_refuse_bad_queries_and_hide_townships_outside_the_scope(StoreKind kind)
    {
        await using var app = await CaseGrainsApp.StartAsync(kind);
        await app.CreateTownshipAsync(Township, County);
        using var reporter = app.Client(Roles.Reporter, [Township]);
        Assert.Equal(HttpStatusCode.BadRequest, (await reporter.GetAsync($"/api/townships/{Township}/reports/2024?format=pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reporter.GetAsync($"/api/townships/{Township}/reports/2024?asOf=2024-13-01")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reporter.GetAsync($"/api/townships/{Township}/reports/1989")).StatusCode);
        using var stranger = app.Client(Roles.Reporter, ["elsewhere"]);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/townships/{Township}/reports/2024?format=csv")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/counties/{County}/reports/2024")).StatusCode);
        using var officer = app.Client(Roles.Officer, [Township]);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync($"/api/townships/{Township}/reports/2024")).StatusCode);

        // An empty year: every rate over an empty base is «—», never 100%.
        var md = Encoding.UTF8.GetString(await ReportKit.GetBytesAsync(reporter, $"/api/townships/{Township}/reports/2024?asOf=2024-12-14&format=md", "text/markdown"));
        Assert.Contains("截至12月14日，共受理信访件0件", md, StringComparison.Ordinal);
        Assert.Contains("化解率—（0/0）", md, StringComparison.Ordinal);
        Assert.DoesNotContain("100%", md, StringComparison.Ordinal);
    }
}
