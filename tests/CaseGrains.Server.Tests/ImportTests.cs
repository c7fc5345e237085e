using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CaseGrains.Domain.Reports;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Reports;
using CaseGrains.Testing;

namespace CaseGrains.Server.Tests;

/// <summary>
/// Imports of existing ledgers through the real service: an exported ledger (csv and xlsx) imports into
/// another township and gives the same rollup, a second import of the same file creates nothing, a bad
/// row rejects the whole file with row, column and reason and writes no case, and a process killed in the
/// middle of an import completes it, without a duplicate, once restarted.
/// </summary>
public sealed class ImportTests
{
    private const string County = "county-imp";
    private static readonly string[] Leaders = ["wang", "li"];

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task An_exported_ledger_imports_into_another_township_with_the_same_rollup_and_a_second_import_creates_nothing(StoreKind kind)
    {
        await using var app = await CaseGrainsApp.StartAsync(kind);
        foreach (var t in new[] { "origin", "by-csv", "by-xlsx" })
        {
            await app.CreateTownshipAsync(t, County, Leaders);
        }
        using var admin = app.Client(Roles.Admin);
        await EnterVariedCaseloadAsync(admin, "origin");

        var csv = await ReportKit.GetBytesAsync(admin, "/api/townships/origin/reports/2024?format=csv", "text/csv");
        var xlsx = await ReportKit.GetBytesAsync(admin, "/api/townships/origin/reports/2024?format=xlsx", ReportKit.Xlsx);
        using var officer = app.Client(Roles.Officer, ["by-csv", "by-xlsx"]);
        var rows = Encoding.UTF8.GetString(csv).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length - 1;

        var viaCsv = await ReportKit.ImportAsync(officer, "by-csv", csv, "text/csv");
        Assert.True(viaCsv.GetProperty("status").GetString() == "done", viaCsv.ToString());
        Assert.Equal(rows, viaCsv.GetProperty("imported").GetInt32());
        var viaXlsx = await ReportKit.ImportAsync(officer, "by-xlsx", xlsx, ReportKit.Xlsx);
        Assert.True(viaXlsx.GetProperty("status").GetString() == "done", viaXlsx.ToString());

        foreach (var asOf in new[] { "2024-03-31", "2024-06-30", "2024-12-31", "2026-01-01" })
        {
            var expected = await RollupAsync(admin, "origin", asOf);
            Assert.Equal(expected, await RollupAsync(admin, "by-csv", asOf));
            Assert.Equal(expected, await RollupAsync(admin, "by-xlsx", asOf));
        }
        // The imported township's own export is the same ledger, case for case, numbers aside.
        var again = await ReportKit.GetBytesAsync(admin, "/api/townships/by-csv/reports/2024?format=csv", "text/csv");
        Assert.Equal(WithoutNumbers(csv), WithoutNumbers(again));

        // The same file again: every row is recognised by its ledger number, and nothing is created.
        var before = await RollupAsync(admin, "by-csv", "2026-01-01");
        var second = await ReportKit.ImportAsync(officer, "by-csv", csv, "text/csv");
        Assert.Equal("done", second.GetProperty("status").GetString());
        Assert.Equal(rows, second.GetProperty("alreadyImported").GetInt32());
        Assert.Equal(before, await RollupAsync(admin, "by-csv", "2026-01-01"));
        var cases = await admin.GetFromJsonAsync<JsonElement>("/api/townships/by-csv/petitions?pageSize=200");
        Assert.Equal(cases.GetProperty("total").GetInt32(), (await admin.GetFromJsonAsync<JsonElement>("/api/townships/origin/petitions?pageSize=1")).GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task One_bad_row_rejects_the_whole_file_with_row_column_and_reason_and_no_case_is_written(StoreKind kind)
    {
        await using var app = await CaseGrainsApp.StartAsync(kind);
        await app.CreateTownshipAsync("t1", County, Leaders);
        using var officer = app.Client(Roles.Officer, ["t1"]);
        var good = Row("L-1", "信访件", "来信", "2024-03-01 09:00");
        var file = ReportKit.Csv(
            good,
            Row("L-2", "信访件", "飞鸽", "2024-03-02"),
            Row("L-3", "信访件", "来访", "2024-03-05", ("受理日期", "2024-03-04")),
            Row("L-4", "矛盾纠纷", "排查发现", "2024-04-01", ("类别", "不存在的类别")),
            Row("L-5", "信访件", "来访", "2024-04-01", ("包案领导", "外人")),
            Row("L-6", "信访件", "来访", "2024-04-01", ("受理日期", "2024-04-02"), ("办结日期", "2099-01-01"), ("结果", "予以支持")),
            Row("L-1", "信访件", "来访", "2024-05-01"),
            Row("L-8", "信访件", "来访", "2024-05-01", ("办结日期", "2024-05-03"), ("结果", "予以支持")),
            Row("L-9", "信访件", "12345热线", "2024-05-01"));
        var before = await StoreSnapshot.TakeAsync(app, events: true);
        var status = await ReportKit.ImportAsync(officer, "t1", file, "text/csv");

        Assert.Equal("rejected", status.GetProperty("status").GetString());
        var errors = status.GetProperty("errors").EnumerateArray()
            .Select(e => (Row: e.GetProperty("row").GetInt32(), Column: e.GetProperty("column").GetString()!, Zh: e.GetProperty("reasonZh").GetString()!, En: e.GetProperty("reasonEn").GetString()!))
            .ToList();
        Assert.Contains(errors, e => e.Row == 3 && e.Column == "来源渠道" && e.Zh.Contains("飞鸽", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Row == 4 && e.Column == "受理日期");
        Assert.Contains(errors, e => e.Row == 5 && e.Column == "类别");
        Assert.Contains(errors, e => e.Row == 6 && e.Column == "包案领导" && e.En.Contains("roster", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Row == 7 && e.Column == "办结日期");
        Assert.Contains(errors, e => e.Row == 8 && e.Column == "案件编号" && e.Zh.Contains("第2行", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Row == 9 && e.Column == "办结日期");
        Assert.Contains(errors, e => e.Row == 10 && e.Column is "12345工单号" or "平台期限");
        Assert.DoesNotContain(errors, e => e.Row == 2);
        Assert.All(status.GetProperty("errors").EnumerateArray(), e => Assert.Contains("（", e.GetProperty("reason").GetString(), StringComparison.Ordinal));
        Assert.Equal(0, status.GetProperty("imported").GetInt32());

        // Nothing but the import's own progress was written.
        var after = await StoreSnapshot.TakeAsync(app, events: true);
        var added = after.Lines.Except(before.Lines).ToList();
        Assert.All(added, line => Assert.StartsWith("grain-state ", line, StringComparison.Ordinal));
        Assert.Equal(0, (await officer.GetFromJsonAsync<JsonElement>("/api/townships/t1/petitions")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await officer.GetFromJsonAsync<JsonElement>("/api/townships/t1/disputes")).GetProperty("total").GetInt32());

        // Files that are not ledgers, and templates.
        using var content = new ByteArrayContent([1, 2, 3]);
        content.Headers.ContentType = new MediaTypeHeaderValue(ReportKit.Xlsx);
        Assert.Equal(HttpStatusCode.BadRequest, (await officer.PostAsync("/api/townships/t1/imports", content)).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await officer.PostAsync("/api/townships/t1/imports", new StringContent("{}", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync("/api/townships/t1/imports/0123456789abcdef")).StatusCode);
        using var stranger = app.Client(Roles.Officer, ["t9"]);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync("/api/townships/t1/imports", new ByteArrayContent(file) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } })).StatusCode);
        var template = await ReportKit.GetBytesAsync(officer, "/api/imports/template?format=csv", "text/csv");
        Assert.Equal([0xEF, 0xBB, 0xBF], template[..3]);
        Assert.Equal(string.Join(",", LedgerColumns.All.Select(c => c.Header)), Encoding.UTF8.GetString(template[3..]).TrimEnd());
        var xlsxTemplate = await ReportKit.GetBytesAsync(officer, "/api/imports/template?format=xlsx", ReportKit.Xlsx);
        Assert.Empty(OfficeFiles.Validate(xlsxTemplate, word: false));
        Assert.Equal(LedgerColumns.All.Count + 1, ReportKit.Sheet(xlsxTemplate, "填写说明").Count);
        // The empty template imports as nothing at all.
        Assert.Equal("done", (await ReportKit.ImportAsync(officer, "t1", template, "text/csv")).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task A_process_killed_in_the_middle_of_an_import_completes_it_without_duplicates_once_restarted(StoreKind kind)
    {
        var folder = ServerProcess.NewWorkingDirectory();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ServerProcess.FreePort()}",
            ["Auth__SigningKey"] = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 5 + 3)).ToArray()),
            ["Orleans__SiloPort"] = ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (kind == StoreKind.PostgreSql)
        {
            environment["Storage__Provider"] = "PostgreSql";
            environment["Storage__ConnectionString"] = await TestStores.NewConnectionStringAsync(kind);
        }
        var address = new Uri(environment["ASPNETCORE_URLS"]);
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenMinter.Mint(Convert.FromBase64String(environment["Auth__SigningKey"]), Roles.Admin));
        const int rows = 600;
        var ledger = ReportKit.Csv([.. Enumerable.Range(1, rows).Select(i => Row($"TJ-{i:D4}", "信访件", "来信", $"2024-{1 + i % 12:D2}-{1 + i % 28:D2} 09:00",
            ("受理日期", $"2024-{1 + i % 12:D2}-{1 + i % 28:D2} 15:00"), ("包案领导", "wang")))]);

        string location;
        await using (var server = ServerProcess.Start(folder, environment))
        {
            await server.WaitUntilUpAsync(address);
            (await client.PutAsJsonAsync("/api/townships/t1", new { name = "一镇", countyId = County })).EnsureSuccessStatusCode();
            (await client.PutAsJsonAsync("/api/townships/t1/leaders/wang", new { name = "王书记", title = "党委书记", active = true })).EnsureSuccessStatusCode();
            var posted = await client.PostAsync("/api/townships/t1/imports", new ByteArrayContent(ledger) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } });
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
            location = posted.Headers.Location!.OriginalString;
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (true)
            {
                var status = await client.GetFromJsonAsync<JsonElement>(location);
                if (status.GetProperty("imported").GetInt32() > 0)
                {
                    Assert.Equal("importing", status.GetProperty("status").GetString());
                    break;
                }
                Assert.True(DateTime.UtcNow < deadline, "the import did not start: " + status);
                await Task.Delay(20);
            }
            // Mid-import: some cases are in, some are half-way through their steps, the rest not begun.
            server.Kill();
        }

        await using var restarted = ServerProcess.Start(folder, environment);
        await restarted.WaitUntilUpAsync(address);
        // Reading the import wakes it; it goes on from its last saved batch.
        var done = await ReportKit.WaitForImportAsync(client, location);
        Assert.True(done.GetProperty("status").GetString() == "done", done.ToString());
        Assert.Equal(rows, done.GetProperty("imported").GetInt32());
        var rollup = await client.GetFromJsonAsync<JsonElement>("/api/townships/t1/rollups/2024");
        Assert.Equal(rows, rollup.GetProperty("petitions").GetProperty("registered").GetInt32());
        Assert.Equal(rows, rollup.GetProperty("petitions").GetProperty("accepted").GetInt32());
        Assert.Equal(rows, (await client.GetFromJsonAsync<JsonElement>("/api/townships/t1/petitions?pageSize=1")).GetProperty("total").GetInt32());
        var assigned = await client.GetFromJsonAsync<JsonElement>($"/api/townships/t1/petitions?leaderId=wang&pageSize=1");
        Assert.Equal(rows, assigned.GetProperty("total").GetInt32());
    }

    /// <summary>A ledger row with the required cells and any others.</summary>
    private static Dictionary<string, string> Row(string number, string kind, string channel, string registered, params (string Column, string Value)[] more)
    {
        var row = new Dictionary<string, string>
        {
            ["案件编号"] = number,
            ["案件类型"] = kind,
            ["来源渠道"] = channel,
            ["登记日期"] = registered,
            ["事由"] = "反映问题",
            ["类别"] = kind == "信访件" ? "城乡建设" : "邻里",
            ["信访人/当事人"] = "张三、李四",
            ["联系电话"] = "13812345678、",
        };
        foreach (var (column, value) in more)
        {
            row[column] = value;
        }
        return row;
    }

    private static async Task<string> RollupAsync(HttpClient client, string township, string asOf)
    {
        var rollup = JsonDocument.Parse(await client.GetStringAsync($"/api/townships/{township}/rollups/2024?asOf={asOf}")).RootElement;
        return JsonSerializer.Serialize(new { rollup = rollup.EnumerateObject().Where(p => p.Name != "scope").ToDictionary(p => p.Name, p => p.Value) });
    }

    /// <summary>A ledger without its case-number columns (an import numbers the cases its own way).</summary>
    private static string WithoutNumbers(byte[] csv) => string.Join("\n", Encoding.UTF8.GetString(csv)
        .Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line[(line.IndexOf(',', StringComparison.Ordinal) + 1)..]).Order(StringComparer.Ordinal));

    /// <summary>Every lifecycle a ledger carries: accepted, declined, withdrawn, extended, concluded, rated, reviewed, re-checked, 12345; disputes resolved both ways, failed, followed up, in mediation.</summary>
    private static async Task EnterVariedCaseloadAsync(HttpClient admin, string t)
    {
        var day = new DateTime(2024, 2, 1);
        async Task<string> Petition(string channel, int offset, object? extra = null)
        {
            var received = day.AddDays(offset);
            return await ReportKit.RegisterAsync(admin, $"/api/townships/{t}/petitions", new
            {
                channel,
                receivedAt = ReportKit.At(received, 9),
                subject = "反映问题",
                summary = "请求解决",
                category = offset % 2 == 0 ? "城乡建设" : "劳动保障",
                petitioners = new object[] { new { name = "张三丰", phone = "13812345678", idNumber = "610102199001011234" }, new { name = "王五" } },
                headcount = offset == 9 ? 6 : (int?)null,
                village = "南堡村",
                externalOrderId = channel == "hotline12345" ? "GD0001" : null,
                platformDueOn = channel == "hotline12345" ? received.AddDays(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null,
            });
        }
        string P(string id) => $"/api/townships/{t}/petitions/{id}";
        var concluded = await Petition("visit", 1);
        await ReportKit.PostAsync(admin, P(concluded) + "/accept", new { at = ReportKit.At(day.AddDays(2)) });
        await ReportKit.PostAsync(admin, P(concluded) + "/assign", new { leaderId = "wang", handlers = new[] { "officer-1" } });
        await ReportKit.PostAsync(admin, P(concluded) + "/conclude", new { at = ReportKit.At(day.AddDays(20)), outcome = "partiallySupported", reply = "已答复" });
        await ReportKit.PostAsync(admin, P(concluded) + "/evaluate", new { rating = "basicallySatisfied" });
        await ReportKit.PostAsync(admin, P(concluded) + "/review", new { at = ReportKit.At(day.AddDays(30)) });
        await ReportKit.PostAsync(admin, P(concluded) + "/review/conclude", new { at = ReportKit.At(day.AddDays(45)), decision = "upheld" });
        await ReportKit.PostAsync(admin, P(concluded) + "/recheck", new { at = ReportKit.At(day.AddDays(50)) });
        await ReportKit.PostAsync(admin, P(concluded) + "/recheck/conclude", new { at = ReportKit.At(day.AddDays(70)), decision = "upheld" });
        var late = await Petition("letter", 3);
        await ReportKit.PostAsync(admin, P(late) + "/accept", new { at = ReportKit.At(day.AddDays(4)) });
        await ReportKit.PostAsync(admin, P(late) + "/extend", new { days = 20, reason = "案情复杂", approvedBy = "王书记" });
        await ReportKit.PostAsync(admin, P(late) + "/conclude", new { at = ReportKit.At(day.AddDays(90)), outcome = "explained", reply = "已答复" });
        await ReportKit.PostAsync(admin, P(late) + "/evaluate", new { rating = "dissatisfied" });
        var declined = await Petition("online", 5);
        await ReportKit.PostAsync(admin, P(declined) + "/decline", new { at = ReportKit.At(day.AddDays(6)), reason = "属于诉讼事项", route = "litigation" });
        var withdrawn = await Petition("phone", 7);
        await ReportKit.PostAsync(admin, P(withdrawn) + "/accept", new { at = ReportKit.At(day.AddDays(7), 15) });
        await ReportKit.PostAsync(admin, P(withdrawn) + "/withdraw", new { at = ReportKit.At(day.AddDays(9)), reason = "已自行解决" });
        var open = await Petition("visit", 9);
        await ReportKit.PostAsync(admin, P(open) + "/accept", new { at = ReportKit.At(day.AddDays(9), 16) });
        await ReportKit.PostAsync(admin, P(open) + "/assign", new { leaderId = "li" });
        await Petition("fax", 11);
        var hotline = await Petition("hotline12345", 13);
        await ReportKit.PostAsync(admin, P(hotline) + "/accept", new { at = ReportKit.At(day.AddDays(13), 11) });
        await ReportKit.PostAsync(admin, P(hotline) + "/conclude", new { at = ReportKit.At(day.AddDays(16)), outcome = "supported", reply = "已办结" });
        var repeat = await ReportKit.RegisterAsync(admin, $"/api/townships/{t}/petitions", new
        {
            channel = "visit", receivedAt = ReportKit.At(day.AddDays(40), 9), subject = "再次反映", summary = "同一事项", category = "城乡建设",
            petitioners = new[] { new { name = "张三丰" } }, repeatOf = concluded,
        });
        Assert.NotNull(repeat);

        string D(string id) => $"/api/townships/{t}/disputes/{id}";
        async Task<string> Dispute(int offset, string category) => await ReportKit.RegisterAsync(admin, $"/api/townships/{t}/disputes", new
        {
            source = offset % 2 == 0 ? "gridReport" : "application", reportedAt = ReportKit.At(day.AddDays(offset), 9), category, subject = "纠纷",
            summary = "争执", parties = new object[] { new { name = "李四光", phone = "13987654321" }, new { name = "王五" } }, riskLevel = "medium",
        });
        var simple = await Dispute(2, "邻里");
        await ReportKit.PostAsync(admin, D(simple) + "/accept", new { at = ReportKit.At(day.AddDays(2), 11), procedure = "simple" });
        await ReportKit.PostAsync(admin, D(simple) + "/resolve", new { at = ReportKit.At(day.AddDays(3)), procedure = "simple", agreement = "oral" });
        var general = await Dispute(4, "劳动争议/欠薪");
        await ReportKit.PostAsync(admin, D(general) + "/accept", new { at = ReportKit.At(day.AddDays(4), 11), procedure = "general" });
        await ReportKit.PostAsync(admin, D(general) + "/assign", new { leaderId = "li", mediators = new[] { "mediator-1" } });
        await ReportKit.PostAsync(admin, D(general) + "/extend", new { days = 10, reason = "当事人同意", approvedBy = "双方当事人" });
        await ReportKit.PostAsync(admin, D(general) + "/resolve", new { at = ReportKit.At(day.AddDays(36)), procedure = "general", agreement = "written" });
        await ReportKit.PostAsync(admin, D(general) + "/followUp", new { at = ReportKit.At(day.AddDays(60)), fulfilled = "partly" });
        var refused = await Dispute(6, "婚姻家庭");
        await ReportKit.PostAsync(admin, D(refused) + "/fail", new { at = ReportKit.At(day.AddDays(6), 15), referral = "litigation", note = "一方拒绝调解" });
        var failed = await Dispute(8, "合同债务");
        await ReportKit.PostAsync(admin, D(failed) + "/accept", new { at = ReportKit.At(day.AddDays(8), 11) });
        await ReportKit.PostAsync(admin, D(failed) + "/fail", new { at = ReportKit.At(day.AddDays(20)), referral = "arbitration", note = "调解不成" });
        var mediating = await Dispute(10, "邻里");
        await ReportKit.PostAsync(admin, D(mediating) + "/accept", new { at = ReportKit.At(day.AddDays(10), 11) });
        await Dispute(12, "山林水利");
    }
}
