using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseGrains.Server.Auth;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CaseGrains.Server.Tests.Dashboard;

/// <summary>
/// 督办看板 in headless Chromium against the real service: sign in with a pasted token, an alert arriving
/// live as a deadline passes, a case's timeline in words, the year's charts against the API's figures,
/// and nothing of it for a user of another township. Every test leaves a screenshot in
/// <c>artifacts/screenshots/</c>.
/// </summary>
public abstract class DashboardTests(DashboardFixture fixture, ITestOutputHelper output)
{
    private ApiWorld World => fixture.World;

    /// <summary>A county supervisor: one token per test, as one pasted token is one session.</summary>
    private readonly string _supervisor = fixture.World.Token(Roles.Supervisor, counties: [ApiWorld.County], subject: "督办-刘");

    private string Supervisor => _supervisor;

    private static string Township(string id) => $"/api/townships/{id}";

    [Fact]
    public async Task Signing_in_takes_a_pasted_token_by_keyboard_keeps_it_for_the_tab_and_the_page_loads_in_under_a_second()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "登录" })).ToBeVisibleAsync();
        // The page explains how to mint a token with the server's own verb.
        await Expect(page.Locator("#token-help")).ToContainTextAsync("-- token --role supervisor");

        // Something that is not a token is refused with a reason, and nothing is kept.
        await page.GetByLabel("访问令牌", new() { Exact = true }).FillAsync("not-a-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.Locator("#token-error")).ToContainTextAsync("不是一个有效的令牌");
        // A token signed with another key is refused by the server.
        var forged = TokenMinter.Mint(new byte[32], Roles.Supervisor, counties: [ApiWorld.County]);
        await page.GetByLabel("访问令牌", new() { Exact = true }).FillAsync(forged);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.Locator("#token-error")).ToContainTextAsync("未通过验证");
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('casegrains.dashboard.token')"));

        // Keyboard only: paste, Tab to the button, Enter.
        await page.GetByLabel("访问令牌", new() { Exact = true }).FillAsync(Supervisor);
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "登录" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "超期与即将到期" })).ToBeVisibleAsync();
        await Expect(page.Locator("#who-text")).ToContainTextAsync("督办人员");
        await Expect(page.Locator("#who-text")).ToContainTextAsync(ApiWorld.County);
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "on");
        Assert.Equal(Supervisor, await page.EvaluateAsync<string>("sessionStorage.getItem('casegrains.dashboard.token')"));

        // A reload keeps the session (same tab) and is quick: the page and its two files, then the list from the API.
        var watch = Stopwatch.StartNew();
        await page.ReloadAsync();
        await Expect(page.Locator("#alerts-summary")).ToContainTextAsync("共");
        var shown = watch.Elapsed;
        var load = await page.EvaluateAsync<double>("performance.getEntriesByType('navigation')[0].loadEventEnd");
        var listed = await page.EvaluateAsync<double>("performance.getEntriesByName('alerts-listed')[0].startTime");
        output.WriteLine($"page loaded (load event) in {load:F0} ms; alerts on screen {listed:F0} ms after navigation began ({shown.TotalMilliseconds:F0} ms seen from the test)");
        // The page itself (HTML, CSS, script from the binary) in under a second; the list also waits on the API and the
        // stream, which on a loaded 2-core test box may take longer, so it has a looser bound.
        Assert.True(load < 1000, $"load event after {load:F0} ms");
        Assert.True(listed < 2000, $"alerts on screen after {listed:F0} ms");
        await ScreenshotAsync(page, "signed-in");

        // Nothing from outside the binary: every request the page made went to the service itself.
        var hosts = await page.EvaluateAsync<string[]>("[...new Set(performance.getEntriesByType('resource').filter(r => !r.name.startsWith('data:')).map(r => new URL(r.name).host))]");
        Assert.All(hosts, h => Assert.Equal(fixture.BaseAddress.Authority, h));

        await page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "登录" })).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('casegrains.dashboard.token')"));
    }

    [Fact]
    public async Task An_overdue_case_appears_live_when_its_deadline_passes_and_its_timeline_records_it()
    {
        var page = await SignedInAsync(Supervisor);
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "on");

        // Seconds before the end of the day on which a petition's 15-day acceptance notice falls due.
        fixture.Clock.MoveTo(new DateTimeOffset(DashboardFixture.Day.ToDateTime(new TimeOnly(23, 59, 45)), DashboardFixture.Shanghai));
        var receivedAt = new DateTimeOffset(DashboardFixture.Day.AddDays(-15).ToDateTime(new TimeOnly(9, 0)), DashboardFixture.Shanghai);
        var registered = await World.AdminAsync(HttpMethod.Post, Township(ApiWorld.Township) + "/petitions", Bodies.RegisterPetition(receivedAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)));
        var caseId = registered.Json.GetProperty("id").GetString()!;
        Assert.Equal(DashboardFixture.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), registered.Json.GetProperty("acceptanceDueOn").GetString());

        // No reload: the row comes in on the stream as due today, then turns overdue once midnight has passed.
        var row = page.Locator($"#alerts-body tr[data-case='{caseId}']");
        await Expect(row).ToHaveAttributeAsync("data-alert", "dueSoon", new() { Timeout = 12_000 });
        await Expect(row).ToContainTextAsync("今日到期");
        await Expect(row).ToHaveAttributeAsync("data-alert", "overdue", new() { Timeout = 40_000 });
        await Expect(row).ToContainTextAsync("已超期");
        await Expect(row).ToContainTextAsync("超期 1 天");
        await Expect(page.Locator("#announcer")).ToContainTextAsync(caseId);
        // What the page shows is what the API lists.
        var listed = (await World.SendAsync(HttpMethod.Get, "/api/alerts", Supervisor)).Json.EnumerateArray().Single(a => a.GetProperty("caseId").GetString() == caseId);
        Assert.Equal("overdue", listed.GetProperty("alert").GetString());
        await ScreenshotAsync(page, "overdue-live");

        // Its page: the audit trail in words, with the alerts the clock recorded.
        await row.GetByRole(AriaRole.Link, new() { Name = caseId }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "信访件 " + caseId })).ToBeVisibleAsync();
        var timeline = page.Locator("#timeline");
        await Expect(timeline.Locator("li").First).ToContainTextAsync(receivedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 登记（来访）");
        await Expect(timeline).ToContainTextAsync("即将到期（受理告知期限 2024-06-20）");
        await Expect(timeline).ToContainTextAsync("已超期（受理告知期限 2024-06-20）");
        // A supervisor reads personal data masked, as the API gave it.
        await Expect(page.Locator("#case-facts")).ToContainTextAsync(Secrets.MaskedName);
        Assert.DoesNotContain(Secrets.Name, await page.ContentAsync(), StringComparison.Ordinal);
        await Expect(page.Locator("#case-masked")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "overdue-timeline");
    }

    [Fact]
    public async Task A_case_timeline_tells_its_audit_trail_in_words_and_the_list_sorts_and_filters_by_leader()
    {
        // Received, accepted, given a leader and an extension: long overdue on the test's clock.
        var caseId = await World.NewPetitionAsync(PetitionStage.Accepted);
        var at = $"{Township(ApiWorld.Township)}/petitions/{caseId}";
        await World.AdminAsync(HttpMethod.Post, at + "/assign", new JsonObject { ["leaderId"] = ApiWorld.Leader });
        await World.AdminAsync(HttpMethod.Post, at + "/extend", new JsonObject { ["days"] = 10, ["reason"] = "情况复杂", ["approvedBy"] = "王书记" });
        await World.AdminAsync(HttpMethod.Post, at + "/progress", new JsonObject { ["at"] = Timeline.Progress, ["note"] = "走访核实" });
        // A dispute of the sister township without a leader, for the filters.
        var dispute = await World.NewDisputeAsync(DisputeStage.Accepted, ApiWorld.SisterTownship);

        var page = await SignedInAsync(Supervisor);
        var row = page.Locator($"#alerts-body tr[data-case='{caseId}']");
        await Expect(row).ToContainTextAsync("王书记");
        await Expect(row).ToContainTextAsync("已超期");
        await Expect(page.Locator($"#alerts-body tr[data-case='{dispute}'][data-township='{ApiWorld.SisterTownship}']")).ToContainTextAsync("未指定");

        // Sorted by days overdue, most first, as the API sorts.
        var expected = (await World.SendAsync(HttpMethod.Get, "/api/alerts", Supervisor)).Json.EnumerateArray()
            .Select(a => a.GetProperty("daysOverdue").GetInt32()).ToList();
        Assert.Equal(expected, await DaysShownAsync(page));
        await page.Locator("th[data-sort='days'] button").ClickAsync();
        await Expect(page.Locator("th[data-sort='days']")).ToHaveAttributeAsync("aria-sort", "ascending");
        Assert.Equal(expected.Order().ToList(), await DaysShownAsync(page));
        // By leader: the named leader first, then those without one.
        await page.Locator("th[data-sort='leader'] button").ClickAsync();
        await Expect(page.Locator("th[data-sort='leader']")).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(page.Locator("#alerts-body tr").First.Locator("td.leader")).ToHaveTextAsync("王书记");
        // Filters: by leader, then by township and kind.
        await page.GetByLabel("包案领导", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "王书记（t-main镇）" });
        await Expect(page.Locator("#alerts-body td.leader").Filter(new() { HasNotText = "王书记" })).ToHaveCountAsync(0);
        await Expect(row).ToBeVisibleAsync();
        await page.GetByLabel("包案领导", new() { Exact = true }).SelectOptionAsync("");
        await page.GetByLabel("乡镇", new() { Exact = true }).SelectOptionAsync(ApiWorld.SisterTownship);
        await page.GetByLabel("案件类别", new() { Exact = true }).SelectOptionAsync("dispute");
        await Expect(page.Locator($"#alerts-body tr[data-case='{dispute}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"#alerts-body tr[data-township='{ApiWorld.Township}']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#alerts-summary")).ToContainTextAsync("筛选后显示");
        await ScreenshotAsync(page, "alerts-filtered");
        await page.GetByLabel("乡镇", new() { Exact = true }).SelectOptionAsync("");
        await page.GetByLabel("案件类别", new() { Exact = true }).SelectOptionAsync("");

        // The case's page by keyboard: focus the link, Enter.
        await row.GetByRole(AriaRole.Link, new() { Name = caseId }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var timeline = page.Locator("#timeline");
        await Expect(timeline).ToContainTextAsync("2024-03-05 登记（来访）");
        await Expect(timeline).ToContainTextAsync("2024-03-06 受理");
        await Expect(timeline).ToContainTextAsync("指定包案领导 王书记");
        await Expect(timeline).ToContainTextAsync("延期10日（情况复杂）");
        await Expect(timeline).ToContainTextAsync("2024-03-10 办理进展：走访核实");
        await Expect(timeline).ToContainTextAsync("已超期（办理期限");
        // One line per event of the audit trail.
        var events = (await World.SendAsync(HttpMethod.Get, at + "/events", Supervisor)).Json.GetArrayLength();
        await Expect(timeline.Locator("li")).ToHaveCountAsync(events);
        await Expect(page.Locator("#case-facts")).ToContainTextAsync("王书记");
        await ScreenshotAsync(page, "case-timeline");

        // On a phone: one card per case, nothing wider than the screen.
        var phone = await SignedInAsync(Supervisor, 390, 844);
        await Expect(phone.Locator($"#alerts-body tr[data-case='{caseId}']")).ToBeVisibleAsync();
        await Expect(phone.Locator(".sort-bar")).ToBeVisibleAsync();
        Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the list is wider than the phone");
        await ScreenshotAsync(phone, "alerts-phone");
        await phone.GotoAsync($"/#/case/{ApiWorld.Township}/petition/{caseId}");
        await Expect(phone.Locator("#timeline")).ToContainTextAsync("延期10日（情况复杂）");
        Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the case page is wider than the phone");
        await ScreenshotAsync(phone, "case-timeline-phone");
    }

    [Fact]
    public async Task The_year_charts_and_rates_show_the_figures_the_api_gives()
    {
        const string township = "t-year";
        await World.App.CreateTownshipAsync(township, ApiWorld.County, ApiWorld.Leader);
        var p = Township(township) + "/petitions";
        var d = Township(township) + "/disputes";
        async Task<string> PetitionAsync(string received, string? accepted = null, string? concluded = null, bool decline = false, bool rate = false)
        {
            var id = (await World.AdminAsync(HttpMethod.Post, p, Bodies.RegisterPetition(received))).Json.GetProperty("id").GetString()!;
            if (decline)
            {
                await World.AdminAsync(HttpMethod.Post, $"{p}/{id}/decline", new JsonObject { ["at"] = accepted, ["reason"] = "属于诉讼事项", ["route"] = "litigation" });
                return id;
            }
            if (accepted is not null)
            {
                await World.AdminAsync(HttpMethod.Post, $"{p}/{id}/accept", Bodies.At(accepted));
            }
            if (concluded is not null)
            {
                await World.AdminAsync(HttpMethod.Post, $"{p}/{id}/conclude", new JsonObject { ["at"] = concluded, ["outcome"] = "supported", ["reply"] = "已答复" });
            }
            if (rate)
            {
                await World.AdminAsync(HttpMethod.Post, $"{p}/{id}/evaluate", new JsonObject { ["rating"] = "satisfied" });
            }
            return id;
        }
        async Task DisputeAsync(string reported, string? resolved = null, string? failed = null)
        {
            var id = (await World.AdminAsync(HttpMethod.Post, d, Bodies.RegisterDispute(reported))).Json.GetProperty("id").GetString()!;
            await World.AdminAsync(HttpMethod.Post, $"{d}/{id}/accept", Bodies.At(reported));
            if (resolved is not null)
            {
                await World.AdminAsync(HttpMethod.Post, $"{d}/{id}/resolve", new JsonObject { ["at"] = resolved, ["procedure"] = "simple", ["agreement"] = "oral" });
            }
            if (failed is not null)
            {
                await World.AdminAsync(HttpMethod.Post, $"{d}/{id}/fail", new JsonObject { ["at"] = failed, ["referral"] = "litigation", ["note"] = "一方拒绝调解" });
            }
        }
        await PetitionAsync("2024-01-10T09:00:00+08:00", "2024-01-11T09:00:00+08:00", "2024-02-20T09:00:00+08:00");
        // Answered after its 60 days: concluded, not on time.
        await PetitionAsync("2024-02-03T09:00:00+08:00", "2024-02-04T09:00:00+08:00", "2024-05-30T09:00:00+08:00");
        await PetitionAsync("2024-03-05T09:00:00+08:00", "2024-03-06T09:00:00+08:00");
        await PetitionAsync("2024-04-12T09:00:00+08:00", "2024-04-13T09:00:00+08:00", decline: true);
        await PetitionAsync("2024-05-08T09:00:00+08:00", "2024-05-09T09:00:00+08:00", "2024-05-20T09:00:00+08:00", rate: true);
        await DisputeAsync("2024-01-15T09:00:00+08:00", resolved: "2024-01-25T09:00:00+08:00");
        await DisputeAsync("2024-03-01T09:00:00+08:00", resolved: "2024-03-20T09:00:00+08:00");
        await DisputeAsync("2024-04-02T09:00:00+08:00", failed: "2024-04-28T09:00:00+08:00");
        await DisputeAsync("2024-05-10T09:00:00+08:00");

        var page = await SignedInAsync(Supervisor);
        await page.GetByRole(AriaRole.Link, new() { Name = "乡镇年度" }).ClickAsync();
        await page.GetByLabel("乡镇编号", new() { Exact = true }).FillAsync(township);
        await page.GetByLabel("年度", new() { Exact = true }).FillAsync("2024");
        await page.GetByRole(AriaRole.Button, new() { Name = "查看" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"{township}镇 2024年度统计" })).ToBeVisibleAsync();

        var rollup = (await World.SendAsync(HttpMethod.Get, Township(township) + "/rollups/2024", Supervisor)).Json;
        var months = (await World.SendAsync(HttpMethod.Get, Township(township) + "/rollups/2024/months", Supervisor)).Json;
        await Expect(page.Locator("#year-asof")).ToContainTextAsync(rollup.GetProperty("asOf").GetString()!);

        // The rates with their parts, worked out here too so that the page and the API cannot agree on a wrong figure.
        Assert.Equal("化解率66.7%（2/3）", RateText("化解率", rollup.GetProperty("disputes").GetProperty("resolutionRate")));
        Assert.Equal("按期办结率66.7%（2/3）", RateText("按期办结率", rollup.GetProperty("petitions").GetProperty("onTimeRate")));
        await Expect(page.Locator("#dispute-figures [data-rate='resolutionRate'] .parts")).ToHaveTextAsync("化解率66.7%（2/3）");
        await Expect(page.Locator("#petition-figures [data-rate='onTimeRate'] .parts")).ToHaveTextAsync("按期办结率66.7%（2/3）");
        foreach (var (kind, rate, label) in new[] { ("petition", "evaluationRate", "参评率"), ("petition", "satisfactionRate", "满意率") })
        {
            var expected = RateText(label, rollup.GetProperty("petitions").GetProperty(rate));
            await Expect(page.Locator($"#{kind}-figures [data-rate='{rate}'] .parts")).ToHaveTextAsync(expected);
        }
        foreach (var name in new[] { "registered", "accepted", "concluded", "inProgress", "declined", "withdrawn", "overdueNow" })
        {
            await Expect(page.Locator($"#petition-figures [data-figure='{name}'] .value"))
                .ToHaveTextAsync(rollup.GetProperty("petitions").GetProperty(name).GetInt32().ToString(CultureInfo.InvariantCulture));
        }
        foreach (var name in new[] { "registered", "accepted", "resolved", "failed", "inProgress", "overdueNow" })
        {
            await Expect(page.Locator($"#dispute-figures [data-figure='{name}'] .value"))
                .ToHaveTextAsync(rollup.GetProperty("disputes").GetProperty(name).GetInt32().ToString(CultureInfo.InvariantCulture));
        }

        // Every bar and every cell of the month table is the API's month figure.
        var checkedBars = 0;
        foreach (var (kind, property) in new[] { ("petition", "petitions"), ("dispute", "disputes") })
        {
            foreach (var month in months.GetProperty(property).EnumerateArray())
            {
                var m = month.GetProperty("month").GetInt32();
                foreach (var series in new[] { "received", "concluded", "inProgressAtMonthEnd" })
                {
                    var value = month.GetProperty(series);
                    var text = value.ValueKind == JsonValueKind.Null ? "" : value.GetInt32().ToString(CultureInfo.InvariantCulture);
                    Assert.Equal(text, await page.Locator($"#{kind}-chart rect[data-month='{m}'][data-series='{series}']").GetAttributeAsync("data-value"));
                    Assert.Equal(text.Length == 0 ? "—" : text,
                        await page.Locator($"#{kind}-chart table tr[data-month='{m}'] td[data-series='{series}']").TextContentAsync());
                    checkedBars++;
                }
            }
        }
        Assert.Equal(72, checkedBars);
        // The figures the data above must give: a bar is not just the API's echo.
        var petitionMonths = months.GetProperty("petitions").EnumerateArray().ToList();
        Assert.Equal([1, 1, 1, 1, 1], petitionMonths.Take(5).Select(m => m.GetProperty("received").GetInt32()));
        Assert.Equal(2, petitionMonths[4].GetProperty("concluded").GetInt32());
        var bar = page.Locator("#petition-chart rect[data-month='1'][data-series='received']");
        Assert.True(double.Parse((await bar.GetAttributeAsync("height"))!, CultureInfo.InvariantCulture) > 0);
        await ScreenshotAsync(page, "year");

        // On a phone: the same figures, nothing wider than the screen.
        var phone = await SignedInAsync(Supervisor, 390, 844);
        await phone.GotoAsync($"/#/year/{township}/2024");
        await Expect(phone.Locator("#dispute-figures [data-rate='resolutionRate'] .parts")).ToHaveTextAsync("化解率66.7%（2/3）");
        Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the year page is wider than the phone");
        await ScreenshotAsync(phone, "year-phone");
    }

    [Fact]
    public async Task A_user_of_another_township_sees_none_of_it()
    {
        var mine = await World.NewPetitionAsync(PetitionStage.Accepted);
        var stranger = World.Token(Roles.Supervisor, townships: [ApiWorld.OtherTownship], subject: "督办-周");
        var page = await SignedInAsync(stranger);
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "on");
        await Expect(page.Locator("#alerts-summary")).ToContainTextAsync("共");

        // A late case of the stranger's own township arrives live (the stream works for them) ...
        var theirs = await World.NewPetitionAsync(PetitionStage.Registered, ApiWorld.OtherTownship);
        // ... while one registered at the same time in the main township never does.
        await World.NewPetitionAsync(PetitionStage.Registered);
        await Expect(page.Locator($"#alerts-body tr[data-case='{theirs}'][data-township='{ApiWorld.OtherTownship}']")).ToBeVisibleAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await Expect(page.Locator($"#alerts-body tr[data-township='{ApiWorld.Township}']")).ToHaveCountAsync(0);
        await Expect(page.Locator($"#alerts-body tr[data-township='{ApiWorld.SisterTownship}']")).ToHaveCountAsync(0);
        foreach (var listed in await page.Locator("#alerts-body tr").AllAsync())
        {
            Assert.Equal(ApiWorld.OtherTownship, await listed.GetAttributeAsync("data-township"));
        }
        var text = await page.Locator("body").InnerTextAsync();
        Assert.DoesNotContain(ApiWorld.Township + "镇", text, StringComparison.Ordinal);
        // Case numbers are per township (theirs may be 2024-XF-0001 too): what must not show is the main township's rows.
        Assert.Equal(await page.Locator("#alerts-body tr").CountAsync(),
            (await World.SendAsync(HttpMethod.Get, "/api/alerts", stranger)).Json.GetArrayLength());
        await ScreenshotAsync(page, "other-township-alerts");

        // A case of the main township by its address: not found, nothing of it shown.
        await page.GotoAsync($"/#/case/{ApiWorld.Township}/petition/{mine}");
        await Expect(page.Locator("#case-error")).ToContainTextAsync("未找到");
        await Expect(page.Locator("#case-content")).ToBeHiddenAsync();
        await Expect(page.Locator("#timeline li")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "other-township-case");

        // The main township's year: not found either.
        await page.GotoAsync($"/#/year/{ApiWorld.Township}/2024");
        await Expect(page.Locator("#year-error")).ToContainTextAsync("未找到");
        await Expect(page.Locator("#year-content")).ToBeHiddenAsync();
        Assert.DoesNotContain("土地补偿", await page.Locator("#main").InnerTextAsync(), StringComparison.Ordinal);
        await ScreenshotAsync(page, "other-township-year");
    }

    /// <summary>«化解率98.7%（154/156）», as the page must write a rate.</summary>
    private static string RateText(string label, JsonElement rate)
    {
        var parts = $"{rate.GetProperty("numerator").GetInt32()}/{rate.GetProperty("denominator").GetInt32()}";
        var value = rate.GetProperty("value");
        if (value.ValueKind == JsonValueKind.Null)
        {
            return $"{label}—（{parts}，无可计算）";
        }
        var percent = Math.Round(value.GetDouble() * 1000, MidpointRounding.AwayFromZero) / 10;
        return $"{label}{percent.ToString("0.#", CultureInfo.InvariantCulture)}%（{parts}）";
    }

    private static async Task<List<int>> DaysShownAsync(IPage page)
        => [.. (await page.Locator("#alerts-body td.days").EvaluateAllAsync<string[]>("cells => cells.map(c => c.dataset.daysOverdue)")).Select(int.Parse)];

    private async Task<IPage> SignedInAsync(string token, int width = 1280, int height = 800)
    {
        var page = await fixture.NewPageAsync(width, height);
        await page.GotoAsync("/");
        await page.GetByLabel("访问令牌", new() { Exact = true }).FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.Locator("#who")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Saves the page as <c>artifacts/screenshots/&lt;test&gt;.&lt;store&gt;.png</c> at the repository root.</summary>
    private async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(RepositoryRoot(), "artifacts", "screenshots", $"{name}.{fixture.Kind.ToString().ToLowerInvariant()}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine("screenshot: " + path);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CaseGrains.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("No CaseGrains.sln above " + AppContext.BaseDirectory);
    }
}

public sealed class SqliteDashboardTests(SqliteDashboardFixture fixture, ITestOutputHelper output)
    : DashboardTests(fixture, output), IClassFixture<SqliteDashboardFixture>;

public sealed class PostgreSqlDashboardTests(PostgreSqlDashboardFixture fixture, ITestOutputHelper output)
    : DashboardTests(fixture, output), IClassFixture<PostgreSqlDashboardFixture>;
