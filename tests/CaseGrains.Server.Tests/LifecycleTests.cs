using System.Text.Json;
using System.Text.Json.Nodes;
using CaseGrains.Server.Auth;
using CaseGrains.Testing;

namespace CaseGrains.Server.Tests;

/// <summary>
/// One whole life per kind through the real HTTP host: statuses, ETag and If-Match, Idempotency-Key,
/// Location, list filters and paging, the audit trail with the token's subject as actor, and the
/// township and county rollups agreeing with what was done.
/// </summary>
public sealed class LifecycleTests
{
    private const string T = ApiWorld.Township;
    private const string Officer = "officer-li";
    private const string Supervisor = "supervisor-zhao";

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task A_petition_goes_from_registration_to_final_and_the_figures_follow(StoreKind kind)
    {
        await using var world = await ApiWorld.StartAsync(kind);
        var flow = new Flow(world, $"/api/townships/{T}/petitions");

        // 登记, with an Idempotency-Key: a retry answers the same, another body under the key is refused.
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "petition-2024-0305-a" };
        var created = await flow.SendAsync(HttpMethod.Post, "", Officer, Bodies.RegisterPetition(), key);
        Assert.Equal(201, created.Code);
        const string id = "2024-XF-0001";
        Assert.Equal($"/api/townships/{T}/petitions/{id}", created.Headers.Location?.OriginalString);
        // Entered late: its acceptance notice was due long ago, so the case recorded «已超期» at once (version 2).
        Assert.Equal("\"2\"", created.Header("ETag"));
        var view = created.Json;
        Assert.Equal(id, view.GetProperty("id").GetString());
        Assert.Equal("registered", view.GetProperty("status").GetString());
        Assert.Equal("visit", view.GetProperty("channel").GetString());
        Assert.Equal("2024-03-05T09:30:00+08:00", view.GetProperty("receivedAt").GetString());
        Assert.Equal("2024-03-20", view.GetProperty("acceptanceDueOn").GetString());
        Assert.Equal(Secrets.Phone, view.GetProperty("petitioners")[0].GetProperty("phone").GetString());

        var replay = await flow.SendAsync(HttpMethod.Post, "", Officer, Bodies.RegisterPetition(), key);
        Assert.Equal(201, replay.Code);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
        Assert.Equal(created.Headers.Location, replay.Headers.Location);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(created.Body), JsonNode.Parse(replay.Body)), $"{created.Body}\n{replay.Body}");
        var changed = Bodies.RegisterPetition();
        changed["subject"] = "另一事项";
        var reused = await flow.SendAsync(HttpMethod.Post, "", Officer, changed, key);
        Assert.Equal(422, reused.Code);
        Assert.True(reused.IsProblem);
        Assert.Equal(1, (await flow.ListAsync("")).GetProperty("total").GetInt32());
        Assert.Single((await world.Store.QueryIndexAsync(new CaseGrains.Storage.IndexQuery("petition"))).Rows);

        // 受理 under If-Match; a stale version is refused with 412 and changes nothing.
        view = await flow.StepAsync(id, "accept", Officer, Bodies.At(Timeline.Accepted), ifMatch: "\"2\"", version: 4);
        Assert.Equal("accepted", view.GetProperty("status").GetString());
        Assert.Equal("2024-05-05", view.GetProperty("handlingDueOn").GetString());
        var stale = await flow.SendAsync(HttpMethod.Post, $"/{id}/progress", Officer, new JsonObject { ["at"] = Timeline.Progress, ["note"] = "核实" },
            new Dictionary<string, string> { ["If-Match"] = "\"1\"" });
        Assert.Equal(412, stale.Code);
        Assert.True(stale.IsProblem);
        Assert.Equal("\"4\"", (await flow.SendAsync(HttpMethod.Get, $"/{id}", Officer)).Header("ETag"));

        // 包案 by the supervisor, a handling step, 延期 (supervisor only), 办结, 评价.
        view = await flow.StepAsync(id, "assign", Supervisor, new JsonObject { ["leaderId"] = ApiWorld.Leader, ["handlers"] = new JsonArray(Officer) }, version: 5);
        Assert.Equal(ApiWorld.Leader, view.GetProperty("leaderId").GetString());
        view = await flow.StepAsync(id, "progress", Officer, new JsonObject { ["at"] = Timeline.Progress, ["note"] = "走访核实" }, ifMatch: "\"5\"", version: 6);
        var extendBody = new JsonObject { ["days"] = 15, ["reason"] = "需要补充调查", ["approvedBy"] = "王书记" };
        Assert.Equal(403, (await flow.SendAsync(HttpMethod.Post, $"/{id}/extend", Officer, extendBody)).Code);
        // The extended deadline has long passed too: «已超期» again, for the new date.
        view = await flow.StepAsync(id, "extend", Supervisor, extendBody, version: 8);
        Assert.Equal(15, view.GetProperty("extendedDays").GetInt32());
        Assert.Equal("2024-05-20", view.GetProperty("handlingDueOn").GetString());
        view = await flow.StepAsync(id, "conclude", Officer,
            new JsonObject { ["at"] = "2024-05-15T10:00:00+08:00", ["outcome"] = "supported", ["reply"] = "已答复" }, version: 9);
        Assert.Equal("concluded", view.GetProperty("status").GetString());
        Assert.Equal("supported", view.GetProperty("outcome").GetString());
        view = await flow.StepAsync(id, "evaluate", Officer, new JsonObject { ["rating"] = "satisfied" }, version: 10);
        Assert.Equal("satisfied", view.GetProperty("rating").GetString());

        // 复查, 复核, then final (终结): nothing more can be done.
        Assert.Equal("underReview", (await flow.StepAsync(id, "review", Officer, Bodies.At("2024-05-20T10:00:00+08:00"), version: 12)).GetProperty("status").GetString());
        Assert.Equal("reviewed", (await flow.StepAsync(id, "review/conclude", Officer,
            new JsonObject { ["at"] = "2024-06-01T10:00:00+08:00", ["decision"] = "upheld" }, version: 13)).GetProperty("status").GetString());
        Assert.Equal("underRecheck", (await flow.StepAsync(id, "recheck", Officer, Bodies.At("2024-06-10T10:00:00+08:00"), version: 15)).GetProperty("status").GetString());
        view = await flow.StepAsync(id, "recheck/conclude", Officer, new JsonObject { ["at"] = "2024-06-20T10:00:00+08:00", ["decision"] = "upheld" },
            ifMatch: "\"15\"", version: 16);
        Assert.Equal("final", view.GetProperty("status").GetString());
        Assert.False(view.GetProperty("overdue").GetBoolean());
        Assert.Equal(409, (await flow.SendAsync(HttpMethod.Post, $"/{id}/progress", Officer, new JsonObject { ["at"] = "2024-06-21T10:00:00+08:00", ["note"] = "再访" })).Code);

        // The audit trail: every step, in order, with the caller's token subject as actor, and the clock's «已超期»
        // for each deadline that was already past when the step was entered.
        var events = (await flow.SendAsync(HttpMethod.Get, $"/{id}/events", Officer)).Json;
        Assert.Equal(
            ["petitionRegistered", "becameOverdue", "petitionAccepted", "becameOverdue", "petitionAssigned", "petitionProgressRecorded", "petitionExtended",
             "becameOverdue", "petitionConcluded", "petitionEvaluated", "reviewRequested", "becameOverdue", "reviewConcluded", "recheckRequested",
             "becameOverdue", "recheckConcluded"],
            events.EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray());
        Assert.Equal(Enumerable.Range(1, 16).Select(v => (long)v), events.EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
        Assert.Equal([Officer, "system", Officer, "system", Supervisor, Officer, Supervisor, "system", Officer, Officer, Officer, "system", Officer, Officer, "system", Officer],
            events.EnumerateArray().Select(e => e.GetProperty("actor").GetString()!).ToArray());
        Assert.All(events.EnumerateArray(), e => Assert.True(e.GetProperty("occurredAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(-1)));
        Assert.Equal("supported", events[8].GetProperty("data").GetProperty("outcome").GetString());
        Assert.Equal(["acceptanceNotice", "handling", "handling", "reviewAnswer", "recheckAnswer"],
            events.EnumerateArray().Where(e => e.GetProperty("type").GetString() == "becameOverdue").Select(e => e.GetProperty("data").GetProperty("kind").GetString()!).ToArray());

        // More petitions for the lists and the figures.
        var p2 = await flow.RegisterAsync(Petition("letter", "2024-04-01T09:00:00+08:00", "劳动保障"));
        await flow.StepAsync(p2, "accept", Officer, Bodies.At("2024-04-02T09:00:00+08:00"));
        await flow.StepAsync(p2, "assign", Supervisor, new JsonObject { ["leaderId"] = ApiWorld.SecondLeader });
        var p3 = await flow.RegisterAsync(Petition("online", "2024-04-03T09:00:00+08:00", "婚姻家庭"));
        await flow.StepAsync(p3, "decline", Officer, new JsonObject { ["at"] = "2024-04-04T09:00:00+08:00", ["reason"] = "属其他机关", ["route"] = "otherAuthority" });
        var p4 = await flow.RegisterAsync(Petition("phone", "2023-12-20T09:00:00+08:00", "其他"));
        var p5 = await flow.RegisterAsync(Petition("letter", "2024-01-02T09:00:00+08:00", "征地拆迁"));
        await flow.StepAsync(p5, "accept", Officer, Bodies.At("2024-01-03T09:00:00+08:00"));
        await flow.StepAsync(p5, "assign", Supervisor, new JsonObject { ["leaderId"] = ApiWorld.Leader });
        await flow.StepAsync(p5, "conclude", Officer, new JsonObject { ["at"] = "2024-03-20T09:00:00+08:00", ["outcome"] = "explained", ["reply"] = "已解释" });
        await flow.StepAsync(p5, "evaluate", Officer, new JsonObject { ["rating"] = "dissatisfied" });
        var collective = Petition("visit", "2024-05-01T09:00:00+08:00", "征地拆迁");
        collective["headcount"] = 6;
        collective["repeatOf"] = id;
        var p6 = await flow.RegisterAsync(collective);
        await flow.StepAsync(p6, "withdraw", Officer, new JsonObject { ["at"] = "2024-05-02T09:00:00+08:00", ["reason"] = "已协商" });
        Assert.Equal(["2024-XF-0002", "2024-XF-0003", "2023-XF-0001", "2024-XF-0004", "2024-XF-0005"], new[] { p2, p3, p4, p5, p6 });

        // Lists: newest first, filtered, paged.
        Assert.Equal([p6, p3, p2, id, p5, p4], await flow.IdsAsync(""));
        Assert.Equal([id], await flow.IdsAsync("?status=final"));
        Assert.Equal([p3], await flow.IdsAsync("?status=declined"));
        Assert.Equal([p5], await flow.IdsAsync("?status=concluded"));
        Assert.Equal([p4], await flow.IdsAsync("?status=registered"));
        Assert.Equal([id, p5], await flow.IdsAsync($"?leaderId={ApiWorld.Leader}"));
        Assert.Equal([p2], await flow.IdsAsync($"?leaderId={ApiWorld.SecondLeader}"));
        Assert.Equal([p2, p4], await flow.IdsAsync("?overdue=true"));
        Assert.Equal([p6, p3, id, p5], await flow.IdsAsync("?overdue=false"));
        Assert.Equal([p4], await flow.IdsAsync("?year=2023"));
        Assert.Equal([p2], await flow.IdsAsync("?year=2024&overdue=true"));
        var page = await flow.ListAsync("?pageSize=2&page=2");
        Assert.Equal(6, page.GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("page").GetInt32());
        Assert.Equal(2, page.GetProperty("pageSize").GetInt32());
        Assert.Equal([p2, id], await flow.IdsAsync("?pageSize=2&page=2"));
        Assert.Equal([p5, p4], await flow.IdsAsync("?pageSize=2&page=3"));
        Assert.Empty(await flow.IdsAsync("?pageSize=2&page=4"));
        var overdueItem = (await flow.ListAsync("?overdue=true")).GetProperty("items")[0];
        Assert.True(overdueItem.GetProperty("overdue").GetBoolean());
        Assert.True(overdueItem.GetProperty("daysOverdue").GetInt32() > 0);

        // Cases in the sister township (same county) and in another county, for the county figures.
        var sister = new Flow(world, $"/api/townships/{ApiWorld.SisterTownship}/petitions");
        var s1 = await sister.RegisterAsync(Petition("fax", "2024-02-01T09:00:00+08:00", "其他"), "admin-root", world.AdminToken);
        await sister.StepAsync(s1, "accept", "admin-root", Bodies.At("2024-02-02T09:00:00+08:00"), token: world.AdminToken);
        await sister.StepAsync(s1, "conclude", "admin-root", new JsonObject { ["at"] = "2024-02-20T09:00:00+08:00", ["outcome"] = "notSupported", ["reply"] = "不予支持" },
            token: world.AdminToken);
        await new Flow(world, $"/api/townships/{ApiWorld.OtherTownship}/petitions").RegisterAsync(Petition("visit", "2024-02-01T09:00:00+08:00", "其他"), "admin-root", world.AdminToken);

        // The township's figures for 2024, as of today.
        var reporter = world.Token(Roles.Reporter, counties: [ApiWorld.County], subject: "reporter-sun");
        var rollup = (await world.SendAsync(HttpMethod.Get, $"/api/townships/{T}/rollups/2024", reporter)).Json;
        Assert.Equal(T, rollup.GetProperty("scope").GetString());
        Assert.Equal(2024, rollup.GetProperty("year").GetInt32());
        var petitions = rollup.GetProperty("petitions");
        AssertCounts(petitions, new()
        {
            ["registered"] = 5, ["accepted"] = 3, ["declined"] = 1, ["concluded"] = 2, ["inProgress"] = 1, ["withdrawn"] = 0,
            ["concludedOnTime"] = 1, ["overdueNow"] = 1, ["evaluated"] = 2, ["satisfied"] = 1, ["repeat"] = 1, ["collective"] = 1,
            ["reviews"] = 1, ["rechecks"] = 1,
        });
        AssertRate(petitions.GetProperty("onTimeRate"), 1, 2, "concludedOnTime / concluded");
        AssertRate(petitions.GetProperty("evaluationRate"), 2, 2, "evaluated / concluded");
        AssertRate(petitions.GetProperty("satisfactionRate"), 1, 2, "(satisfied + basicallySatisfied) / evaluated");
        AssertTable(petitions.GetProperty("byChannel"), new() { ["visit"] = 2, ["letter"] = 2, ["online"] = 1, ["phone"] = 0, ["fax"] = 0, ["hotline12345"] = 0 });
        AssertTable(petitions.GetProperty("byCategory"), new() { ["征地拆迁"] = 3, ["劳动保障"] = 1, ["婚姻家庭"] = 1 });
        Assert.Equal(0, rollup.GetProperty("disputes").GetProperty("registered").GetInt32());
        // Identity of the reports: accepted = concluded + in progress + withdrawn.
        Assert.Equal(petitions.GetProperty("accepted").GetInt32(),
            petitions.GetProperty("concluded").GetInt32() + petitions.GetProperty("inProgress").GetInt32() + petitions.GetProperty("withdrawn").GetInt32());

        // As of an earlier date: what had happened by then (ratings are dated when recorded, i.e. today).
        var earlier = (await world.SendAsync(HttpMethod.Get, $"/api/townships/{T}/rollups/2024?asOf=2024-05-16", reporter)).Json;
        Assert.Equal("2024-05-16", earlier.GetProperty("asOf").GetString());
        var then = earlier.GetProperty("petitions");
        AssertCounts(then, new() { ["registered"] = 5, ["concluded"] = 2, ["reviews"] = 0, ["rechecks"] = 0, ["evaluated"] = 0, ["overdueNow"] = 0 });
        var noRatings = then.GetProperty("satisfactionRate");
        Assert.Equal(JsonValueKind.Null, noRatings.GetProperty("value").ValueKind);
        Assert.Equal(0, noRatings.GetProperty("denominator").GetInt32());

        var year2023 = (await world.SendAsync(HttpMethod.Get, $"/api/townships/{T}/rollups/2023", reporter)).Json.GetProperty("petitions");
        AssertCounts(year2023, new() { ["registered"] = 1, ["accepted"] = 0, ["overdueNow"] = 1 });

        // The county: its two townships added up, rates from the summed parts; the other county's case is not in it.
        var county = (await world.SendAsync(HttpMethod.Get, $"/api/counties/{ApiWorld.County}/rollups/2024", reporter)).Json;
        Assert.Equal(ApiWorld.County, county.GetProperty("scope").GetString());
        var all = county.GetProperty("petitions");
        AssertCounts(all, new() { ["registered"] = 6, ["accepted"] = 4, ["concluded"] = 3, ["concludedOnTime"] = 2, ["evaluated"] = 2 });
        AssertRate(all.GetProperty("onTimeRate"), 2, 3, "concludedOnTime / concluded");
        AssertRate(all.GetProperty("evaluationRate"), 2, 3, "evaluated / concluded");
        var townships = county.GetProperty("townships").EnumerateArray().ToDictionary(t => t.GetProperty("scope").GetString()!, t => t.GetProperty("petitions"));
        Assert.Equal([T, ApiWorld.SisterTownship], townships.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(5, townships[T].GetProperty("registered").GetInt32());
        Assert.Equal(1, townships[ApiWorld.SisterTownship].GetProperty("registered").GetInt32());

        AssertNoPersonalDataInLogs(world);
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task A_dispute_goes_from_registration_to_follow_up_and_the_figures_follow(StoreKind kind)
    {
        await using var world = await ApiWorld.StartAsync(kind);
        var flow = new Flow(world, $"/api/townships/{T}/disputes");

        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "dispute-2024-0305-a" };
        var created = await flow.SendAsync(HttpMethod.Post, "", Officer, Bodies.RegisterDispute(), key);
        Assert.Equal(201, created.Code);
        const string id = "2024-JF-0001";
        Assert.Equal($"/api/townships/{T}/disputes/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", created.Header("ETag"));
        Assert.Equal("registered", created.Json.GetProperty("status").GetString());
        Assert.Equal("medium", created.Json.GetProperty("riskLevel").GetString());
        var replay = await flow.SendAsync(HttpMethod.Post, "", Officer, Bodies.RegisterDispute(), key);
        Assert.Equal(201, replay.Code);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
        Assert.Equal(created.Headers.Location, replay.Headers.Location);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(created.Body), JsonNode.Parse(replay.Body)));
        var changed = Bodies.RegisterDispute();
        changed["riskLevel"] = "high";
        Assert.Equal(422, (await flow.SendAsync(HttpMethod.Post, "", Officer, changed, key)).Code);
        Assert.Equal(1, (await flow.ListAsync("")).GetProperty("total").GetInt32());

        // Accepted long ago: the settlement deadline has passed, so «已超期» is recorded at once (version 3).
        var view = await flow.StepAsync(id, "accept", Officer, new JsonObject { ["at"] = Timeline.Accepted, ["procedure"] = "general" }, ifMatch: "\"1\"", version: 3);
        Assert.Equal("accepted", view.GetProperty("status").GetString());
        Assert.Equal("2024-04-05", view.GetProperty("settlementDueOn").GetString());
        view = await flow.StepAsync(id, "assign", Supervisor, new JsonObject { ["leaderId"] = ApiWorld.Leader, ["mediators"] = new JsonArray("mediator-wu") }, version: 4);
        Assert.Equal(ApiWorld.Leader, view.GetProperty("leaderId").GetString());
        view = await flow.StepAsync(id, "mediate", Officer, new JsonObject { ["at"] = Timeline.Mediated, ["note"] = "双方到场" }, ifMatch: "\"4\"", version: 5);
        Assert.Equal(1, view.GetProperty("mediationCount").GetInt32());
        var stale = await flow.SendAsync(HttpMethod.Post, $"/{id}/resolve", Officer,
            new JsonObject { ["at"] = Timeline.Resolved, ["procedure"] = "general", ["agreement"] = "written" }, new Dictionary<string, string> { ["If-Match"] = "\"3\"" });
        Assert.Equal(412, stale.Code);
        Assert.True(stale.IsProblem);
        view = await flow.StepAsync(id, "resolve", Officer, new JsonObject { ["at"] = Timeline.Resolved, ["procedure"] = "general", ["agreement"] = "written" },
            ifMatch: "\"5\"", version: 6);
        Assert.Equal("resolved", view.GetProperty("status").GetString());
        view = await flow.StepAsync(id, "followUp", Officer, new JsonObject { ["at"] = Timeline.FollowedUp, ["fulfilled"] = "fulfilled" }, version: 7);
        Assert.Equal("closed", view.GetProperty("status").GetString());
        Assert.Equal("fulfilled", view.GetProperty("followUp").GetString());
        Assert.Equal(409, (await flow.SendAsync(HttpMethod.Post, $"/{id}/mediate", Officer, new JsonObject { ["at"] = "2024-04-02T10:00:00+08:00", ["note"] = "再调" })).Code);

        var events = (await flow.SendAsync(HttpMethod.Get, $"/{id}/events", Supervisor)).Json;
        Assert.Equal(["disputeRegistered", "disputeAccepted", "becameOverdue", "disputeAssigned", "mediationRecorded", "disputeResolved", "disputeFollowedUp"],
            events.EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray());
        Assert.Equal([Officer, Officer, "system", Supervisor, Officer, Officer, Officer], events.EnumerateArray().Select(e => e.GetProperty("actor").GetString()!).ToArray());
        Assert.Equal(Enumerable.Range(1, 7).Select(v => (long)v), events.EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));

        var d2 = await flow.RegisterAsync(Dispute("application", "2024-04-01T09:00:00+08:00", "婚姻家庭"));
        await flow.StepAsync(d2, "accept", Officer, Bodies.At("2024-04-02T09:00:00+08:00"));
        await flow.StepAsync(d2, "fail", Officer, new JsonObject { ["at"] = "2024-04-20T09:00:00+08:00", ["referral"] = "litigation", ["note"] = "一方拒绝调解" });
        var d3 = await flow.RegisterAsync(Dispute("gridReport", "2024-05-01T09:00:00+08:00", "劳动争议/欠薪"));
        await flow.StepAsync(d3, "accept", Officer, new JsonObject { ["at"] = "2024-05-02T09:00:00+08:00", ["procedure"] = "simple" });
        await flow.StepAsync(d3, "resolve", Officer, new JsonObject { ["at"] = "2024-05-03T09:00:00+08:00", ["procedure"] = "simple", ["agreement"] = "oral" });
        var d4 = await flow.RegisterAsync(Dispute("policeReferral", "2024-06-01T09:00:00+08:00", "邻里"));
        await flow.StepAsync(d4, "accept", Officer, Bodies.At("2024-06-02T09:00:00+08:00"));
        await flow.StepAsync(d4, "assign", Supervisor, new JsonObject { ["leaderId"] = ApiWorld.SecondLeader });
        var extendBody = new JsonObject { ["days"] = 10, ["reason"] = "当事人同意延长", ["approvedBy"] = "王书记" };
        Assert.Equal(403, (await flow.SendAsync(HttpMethod.Post, $"/{d4}/extend", Officer, extendBody)).Code);
        var extended = await flow.StepAsync(d4, "extend", Supervisor, extendBody);
        Assert.Equal(10, extended.GetProperty("extendedDays").GetInt32());
        Assert.Equal("2024-07-12", extended.GetProperty("settlementDueOn").GetString());
        Assert.True(extended.GetProperty("overdue").GetBoolean());
        var d5 = await flow.RegisterAsync(Dispute("courtReferral", "2023-11-01T09:00:00+08:00", "其他"));
        Assert.Equal(["2024-JF-0002", "2024-JF-0003", "2024-JF-0004", "2023-JF-0001"], new[] { d2, d3, d4, d5 });

        Assert.Equal([d4, d3, d2, id, d5], await flow.IdsAsync(""));
        Assert.Equal([id], await flow.IdsAsync("?status=closed"));
        Assert.Equal([d2], await flow.IdsAsync("?status=failed"));
        Assert.Equal([d3], await flow.IdsAsync("?status=resolved"));
        Assert.Equal([d5], await flow.IdsAsync("?status=registered"));
        Assert.Equal([d4], await flow.IdsAsync($"?leaderId={ApiWorld.SecondLeader}"));
        Assert.Equal([d4], await flow.IdsAsync("?overdue=true"));
        Assert.Equal([d3, d2, id, d5], await flow.IdsAsync("?overdue=false"));
        Assert.Equal([d5], await flow.IdsAsync("?year=2023"));
        Assert.Equal([d4, d3, d2], await flow.IdsAsync("?pageSize=3"));
        Assert.Equal([id, d5], await flow.IdsAsync("?pageSize=3&page=2"));
        Assert.Equal(5, (await flow.ListAsync("?pageSize=3&page=2")).GetProperty("total").GetInt32());

        var sister = new Flow(world, $"/api/townships/{ApiWorld.SisterTownship}/disputes");
        var s1 = await sister.RegisterAsync(Dispute("screening", "2024-02-01T09:00:00+08:00", "邻里"), "admin-root", world.AdminToken);
        await sister.StepAsync(s1, "accept", "admin-root", Bodies.At("2024-02-02T09:00:00+08:00"), token: world.AdminToken);
        await sister.StepAsync(s1, "resolve", "admin-root", new JsonObject { ["at"] = "2024-02-03T09:00:00+08:00", ["procedure"] = "simple", ["agreement"] = "oral" },
            token: world.AdminToken);

        var supervisor = world.Token(Roles.Supervisor, counties: [ApiWorld.County], subject: Supervisor);
        var disputes = (await world.SendAsync(HttpMethod.Get, $"/api/townships/{T}/rollups/2024", supervisor)).Json.GetProperty("disputes");
        AssertCounts(disputes, new()
        {
            ["registered"] = 4, ["accepted"] = 4, ["resolved"] = 2, ["failed"] = 1, ["inProgress"] = 1, ["simpleProcedure"] = 1, ["generalProcedure"] = 1,
            ["writtenAgreements"] = 1, ["followedUp"] = 1, ["fulfilled"] = 1, ["overdueNow"] = 1,
        });
        AssertRate(disputes.GetProperty("resolutionRate"), 2, 3, "resolved / (resolved + failed)");
        AssertTable(disputes.GetProperty("byCategory"), new() { ["邻里"] = 2, ["婚姻家庭"] = 1, ["劳动争议"] = 1 });
        AssertTable(disputes.GetProperty("bySource"), new()
        {
            ["screening"] = 1, ["application"] = 1, ["gridReport"] = 1, ["policeReferral"] = 1, ["petitionReferral"] = 0, ["courtReferral"] = 0, ["other"] = 0,
        });

        var county = (await world.SendAsync(HttpMethod.Get, $"/api/counties/{ApiWorld.County}/rollups/2024", supervisor)).Json;
        var all = county.GetProperty("disputes");
        AssertCounts(all, new() { ["registered"] = 5, ["resolved"] = 3, ["failed"] = 1, ["simpleProcedure"] = 2 });
        AssertRate(all.GetProperty("resolutionRate"), 3, 4, "resolved / (resolved + failed)");
        Assert.Equal(2, county.GetProperty("townships").GetArrayLength());
        var year2023 = (await world.SendAsync(HttpMethod.Get, $"/api/townships/{T}/rollups/2023", supervisor)).Json.GetProperty("disputes");
        AssertCounts(year2023, new() { ["registered"] = 1, ["accepted"] = 0 });
        AssertRate(year2023.GetProperty("resolutionRate"), 0, 0, "resolved / (resolved + failed)");

        AssertNoPersonalDataInLogs(world);
    }

    private static JsonObject Petition(string channel, string receivedAt, string category)
    {
        var body = Bodies.RegisterPetition(receivedAt);
        body["channel"] = channel;
        body["category"] = category;
        return body;
    }

    private static JsonObject Dispute(string source, string reportedAt, string category)
    {
        var body = Bodies.RegisterDispute(reportedAt);
        body["source"] = source;
        body["category"] = category;
        return body;
    }

    private static void AssertCounts(JsonElement figures, Dictionary<string, int> expected)
    {
        var actual = expected.Keys.ToDictionary(k => k, k => figures.GetProperty(k).GetInt32());
        Assert.Equal(expected, actual);
    }

    private static void AssertRate(JsonElement rate, int numerator, int denominator, string formula)
    {
        Assert.Equal(numerator, rate.GetProperty("numerator").GetInt32());
        Assert.Equal(denominator, rate.GetProperty("denominator").GetInt32());
        Assert.Equal(formula, rate.GetProperty("formula").GetString());
        if (denominator == 0)
        {
            Assert.Equal(JsonValueKind.Null, rate.GetProperty("value").ValueKind);
        }
        else
        {
            Assert.Equal((double)numerator / denominator, rate.GetProperty("value").GetDouble(), 6);
        }
    }

    private static void AssertTable(JsonElement table, Dictionary<string, int> expected)
    {
        var actual = table.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        foreach (var (key, count) in expected)
        {
            Assert.True(actual.GetValueOrDefault(key) == count, $"'{key}': expected {count}, got {actual.GetValueOrDefault(key)} in {table}");
        }
        Assert.Equal(expected.Values.Sum(), actual.Values.Sum());
    }

    private static void AssertNoPersonalDataInLogs(ApiWorld world)
    {
        var leaked = world.App.Logs.Where(line => Secrets.Fragments.Any(secret => line.Contains(secret, StringComparison.Ordinal))).Take(3).ToList();
        Assert.True(leaked.Count == 0, "Personal data in logs: " + string.Join(" | ", leaked));
    }

    /// <summary>Requests against one case collection, each as a named caller of the main township.</summary>
    private sealed class Flow(ApiWorld world, string collection)
    {
        private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal)
        {
            [Officer] = world.Token(Roles.Officer, [T], subject: Officer),
            [Supervisor] = world.Token(Roles.Supervisor, [T], subject: Supervisor),
        };

        public Task<ApiAnswer> SendAsync(HttpMethod method, string suffix, string who, JsonNode? body = null, IReadOnlyDictionary<string, string>? headers = null,
            string? token = null)
            => world.SendAsync(method, collection + suffix, token ?? _tokens[who], body, headers);

        public async Task<string> RegisterAsync(JsonObject body, string who = Officer, string? token = null)
        {
            var answer = await SendAsync(HttpMethod.Post, "", who, body, token: token);
            Assert.True(answer.Code == 201, answer.ToString());
            return answer.Json.GetProperty("id").GetString()!;
        }

        /// <summary>Runs a command that must succeed; checks the new ETag and the view's version when given.</summary>
        public async Task<JsonElement> StepAsync(string id, string verb, string who, JsonNode body, string? ifMatch = null, long? version = null, string? token = null)
        {
            var headers = ifMatch is null ? null : new Dictionary<string, string> { ["If-Match"] = ifMatch };
            var answer = await SendAsync(HttpMethod.Post, $"/{id}/{verb}", who, body, headers, token);
            Assert.True(answer.Code == 200, $"{verb} on {id}: {answer}");
            var view = answer.Json;
            if (version is { } v)
            {
                Assert.Equal($"\"{v}\"", answer.Header("ETag"));
                Assert.Equal(v, view.GetProperty("version").GetInt64());
            }
            return view;
        }

        public async Task<JsonElement> ListAsync(string query)
        {
            var answer = await SendAsync(HttpMethod.Get, query, Officer);
            Assert.True(answer.Code == 200, answer.ToString());
            return answer.Json;
        }

        public async Task<string[]> IdsAsync(string query)
            => [.. (await ListAsync(query)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
    }
}
