using System.Text.Json.Nodes;
using CaseGrains.Server.Auth;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CaseGrains.Server.Tests;

/// <summary>Whose scope guards an endpoint.</summary>
internal enum ScopeKind
{
    /// <summary>The <c>{townshipId}</c> route value: callers of another township or county get 404.</summary>
    Township,

    /// <summary>The <c>{countyId}</c> route value: callers without that county claim get 404.</summary>
    County,

    /// <summary>Nothing in the path: the whole service (operations), or whatever the caller's claims cover.</summary>
    Service,
}

/// <summary>What a body field is, for the bad-input generator and the OpenAPI check.</summary>
internal enum FieldKind { Text, Instant, Integer, Boolean, Enum, Date, People, Ids }

/// <summary>One body field.</summary>
internal sealed record FieldSpec(string Name, FieldKind Kind, bool Required, int MaxLength = 0, string[]? Values = null);

/// <summary>A concrete, valid request for an endpoint: the path with its route values filled, and the body.</summary>
internal sealed record Prepared(string Path, JsonObject? Body)
{
    /// <summary>A body that is not JSON (a ledger file), made afresh for each request.</summary>
    public Func<HttpContent>? Raw { get; init; }
}

/// <summary>
/// One row of the endpoint table: which roles may act (as <c>api.md</c> says), whose scope guards it,
/// the success status, how to build a valid request (a fresh case in the right stage for commands),
/// and the body's fields.
/// </summary>
internal sealed record EndpointSpec(
    string Method,
    string Pattern,
    ScopeKind Scope,
    string[] Roles,
    int Success,
    Func<ApiWorld, Task<Prepared>> Prepare,
    IReadOnlyList<FieldSpec> Fields)
{
    public string Key => EndpointTable.Key(Method, Pattern);

    /// <summary>The canonical valid body (without creating anything), for the bad-input generator.</summary>
    public Func<JsonObject>? Body { get; init; }

    /// <summary>What a success answers with.</summary>
    public string MediaType { get; init; } = "application/json";

    /// <summary>For a command: the stage (<see cref="PetitionStage"/> or <see cref="DisputeStage"/>) a case must be in for it to succeed.</summary>
    public Enum? Target { get; init; }

    /// <summary>The body is a file (a ledger), not JSON: no JSON schema, no JSON mutations.</summary>
    public bool RawBody { get; init; }

    /// <summary>A POST that takes no body at all (opening a dashboard session).</summary>
    public bool Bodiless { get; init; }

    public bool HasBody => Method is "POST" or "PUT" && !RawBody && !Bodiless;

    /// <summary>For a command route, the verb after <c>{caseId}/</c> (e.g. <c>review/conclude</c>); null otherwise.</summary>
    public string? Verb => Pattern.Contains("{caseId}/", StringComparison.Ordinal) ? Pattern[(Pattern.IndexOf("{caseId}/", StringComparison.Ordinal) + 9)..] : null;

    /// <summary><c>petitions</c> or <c>disputes</c> for case routes; null otherwise.</summary>
    public string? Kind => Pattern.Contains("/petitions", StringComparison.Ordinal) ? "petitions" : Pattern.Contains("/disputes", StringComparison.Ordinal) ? "disputes" : null;

    public override string ToString() => Key;
}

/// <summary>
/// Every <c>/api</c> endpoint the tests know how to call. The tests enumerate the endpoints the running
/// app maps and fail on any that is missing here, so whoever adds an endpoint adds its row (and with it
/// the role, scope and bad-input checks).
/// </summary>
internal static class EndpointTable
{
    public static readonly string[] Channels = ["letter", "visit", "online", "phone", "fax", "hotline12345", "assignedByHigherLevel", "other"];
    public static readonly string[] DeclineRoutes = ["litigation", "arbitration", "administrativeReconsideration", "otherAuthority", "other"];
    public static readonly string[] Outcomes = ["supported", "partiallySupported", "notSupported", "explained"];
    public static readonly string[] Ratings = ["satisfied", "basicallySatisfied", "dissatisfied"];
    public static readonly string[] Decisions = ["upheld", "changed"];
    public static readonly string[] Sources = ["screening", "application", "petitionReferral", "gridReport", "policeReferral", "courtReferral", "other"];
    public static readonly string[] RiskLevels = ["low", "medium", "high"];
    public static readonly string[] Procedures = ["simple", "general"];
    public static readonly string[] Agreements = ["oral", "written"];
    public static readonly string[] Referrals = ["litigation", "arbitration", "administrative", "other"];
    public static readonly string[] FollowUpResults = ["fulfilled", "partly", "not"];
    public static readonly string[] PetitionStatuses = ["registered", "accepted", "declined", "concluded", "underReview", "reviewed", "underRecheck", "final", "withdrawn"];
    public static readonly string[] DisputeStatuses = ["registered", "accepted", "resolved", "failed", "closed"];

    private const string T = "/api/townships/{townshipId}";
    private const string P = T + "/petitions";
    private const string D = T + "/disputes";

    private static readonly string[] Writers = [Roles.Officer, Roles.Admin];
    private static readonly string[] Readers = [Roles.Officer, Roles.Supervisor, Roles.Admin];
    private static readonly string[] Assigners = [Roles.Supervisor, Roles.Admin];
    private static readonly string[] Approvers = [Roles.Supervisor, Roles.Admin];
    private static readonly string[] RosterKeepers = [Roles.Supervisor, Roles.Admin];
    private static readonly string[] RollupReaders = [Roles.Reporter, Roles.Supervisor, Roles.Admin];
    private static readonly string[] AdminOnly = [Roles.Admin];

    private static FieldSpec Text(string name, int max, bool required = true) => new(name, FieldKind.Text, required, max);
    private static FieldSpec Instant(string name = "at") => new(name, FieldKind.Instant, true);
    private static FieldSpec Enum(string name, string[] values, bool required = true) => new(name, FieldKind.Enum, required, 0, values);

    public static string Key(string method, string pattern) => $"{method} {Normalize(pattern)}";

    /// <summary>Route pattern without parameter constraints or a trailing slash, as OpenAPI writes paths.</summary>
    public static string Normalize(string pattern)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{([^}:?=]+)[^}]*\}", "{$1}");
        return text.Length > 1 ? text.TrimEnd('/') : text;
    }

    public static IReadOnlyList<EndpointSpec> All { get; } = Build();

    public static IReadOnlyDictionary<string, EndpointSpec> ByKey { get; } = All.ToDictionary(e => e.Key, StringComparer.Ordinal);

    /// <summary>Every (method, pattern) the running app maps under <c>/api</c>, read from its own endpoint data source.</summary>
    public static IReadOnlyList<(string Method, string Pattern, RouteEndpoint Endpoint)> Mapped(CaseGrainsApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var source = app.Services.GetRequiredService<EndpointDataSource>();
        var list = new List<(string, string, RouteEndpoint)>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var raw = endpoint.RoutePattern.RawText ?? "";
            if (!raw.StartsWith("/api", StringComparison.Ordinal))
            {
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"];
            list.AddRange(methods.Select(m => (m, raw, endpoint)));
        }
        return list;
    }

    /// <summary>Rows missing for mapped endpoints, and rows for endpoints no longer mapped.</summary>
    public static (List<string> Missing, List<string> Stale) Compare(CaseGrainsApp app)
    {
        var mapped = Mapped(app).Select(m => Key(m.Method, m.Pattern)).ToHashSet(StringComparer.Ordinal);
        return ([.. mapped.Where(k => !ByKey.ContainsKey(k)).Order(StringComparer.Ordinal)],
                [.. ByKey.Keys.Where(k => !mapped.Contains(k)).Order(StringComparer.Ordinal)]);
    }

    private static Func<ApiWorld, Task<Prepared>> Petition(PetitionStage stage, string verb, Func<JsonObject> body)
        => async world => new Prepared($"/api/townships/{ApiWorld.Township}/petitions/{await world.NewPetitionAsync(stage)}/{verb}", body());

    private static Func<ApiWorld, Task<Prepared>> Dispute(DisputeStage stage, string verb, Func<JsonObject> body)
        => async world => new Prepared($"/api/townships/{ApiWorld.Township}/disputes/{await world.NewDisputeAsync(stage)}/{verb}", body());

    private static EndpointSpec PetitionCommand(string verb, string[] roles, PetitionStage stage, Func<JsonObject> body, FieldSpec[] fields)
        => new("POST", P + "/{caseId}/" + verb, ScopeKind.Township, roles, 200, Petition(stage, verb, body), fields) { Body = body, Target = stage };

    private static EndpointSpec DisputeCommand(string verb, string[] roles, DisputeStage stage, Func<JsonObject> body, FieldSpec[] fields)
        => new("POST", D + "/{caseId}/" + verb, ScopeKind.Township, roles, 200, Dispute(stage, verb, body), fields) { Body = body, Target = stage };

    private static Func<ApiWorld, Task<Prepared>> Fixed(string path, Func<JsonObject>? body = null)
        => _ => Task.FromResult(new Prepared(path, body?.Invoke()));

    // One shared case per kind for the read endpoints, made on first use.
    private static Func<ApiWorld, Task<Prepared>> OnSharedPetition(string suffix)
        => async world => new Prepared($"/api/townships/{ApiWorld.Township}/petitions/{await world.SharedCaseAsync("petitions")}{suffix}", null);

    private static Func<ApiWorld, Task<Prepared>> OnSharedDispute(string suffix)
        => async world => new Prepared($"/api/townships/{ApiWorld.Township}/disputes/{await world.SharedCaseAsync("disputes")}{suffix}", null);

    /// <summary>A one-row ledger: a petition received, accepted and answered in 2024.</summary>
    private static HttpContent MatrixLedger()
    {
        var content = new ByteArrayContent(ReportKit.Csv(new Dictionary<string, string>
        {
            ["案件编号"] = "M-1", ["案件类型"] = "信访件", ["来源渠道"] = "来信", ["登记日期"] = "2024-03-01 09:00", ["事由"] = "反映问题",
            ["类别"] = "城乡建设", ["信访人/当事人"] = "张三", ["受理日期"] = "2024-03-02", ["办结日期"] = "2024-03-20", ["结果"] = "予以支持",
        }));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        return content;
    }

    /// <summary>An import of the one-row ledger, run to its end before the check starts (so nothing writes while storage is compared).</summary>
    private static async Task<Prepared> FinishedImportAsync(ApiWorld world)
    {
        var posted = await world.SendRawAsync(HttpMethod.Post, $"/api/townships/{ApiWorld.Township}/imports", "Bearer " + world.AdminToken, MatrixLedger());
        if (posted.Code != 202)
        {
            throw new InvalidOperationException("Preparing an import failed: " + posted);
        }
        var location = posted.Header("Location")!;
        for (var attempt = 0; ; attempt++)
        {
            var status = (await world.AdminAsync(HttpMethod.Get, location)).Json.GetProperty("status").GetString();
            if (status is "done" or "rejected" or "failed")
            {
                return new Prepared(location, null);
            }
            if (attempt > 1200)
            {
                throw new TimeoutException("The prepared import did not finish.");
            }
            await Task.Delay(50);
        }
    }

    private static List<EndpointSpec> Build()
    {
        const string t = ApiWorld.Township;
        FieldSpec[] none = [];
        FieldSpec[] petitionRegister =
        [
            Enum("channel", Channels), Instant("receivedAt"), Text("subject", 200), Text("summary", 4000), Text("category", 60),
            new("petitioners", FieldKind.People, true), new("headcount", FieldKind.Integer, false), Text("village", 100, false),
            Text("repeatOf", 20, false), new("platformDueOn", FieldKind.Date, false),
        ];
        FieldSpec[] disputeRegister =
        [
            Enum("source", Sources), Instant("reportedAt"), Text("category", 60), Text("subject", 200), Text("summary", 4000),
            new("parties", FieldKind.People, true), Text("village", 100, false), Enum("riskLevel", RiskLevels),
        ];
        FieldSpec[] extend = [new("days", FieldKind.Integer, true), Text("reason", 1000), Text("approvedBy", 100)];
        JsonObject ExtendBody() => new() { ["days"] = 15, ["reason"] = "案情复杂", ["approvedBy"] = "王书记" };

        return
        [
            // Townships and roster.
            new("PUT", T, ScopeKind.Township, AdminOnly, 201,
                world => Task.FromResult(new Prepared($"/api/townships/t-new-{world.Next()}", Bodies.Township(ApiWorld.County))),
                [Text("name", 100), Text("countyId", 64)]) { Body = () => Bodies.Township(ApiWorld.County) },
            new("GET", T, ScopeKind.Township, Readers, 200, Fixed($"/api/townships/{t}"), none),
            new("PUT", T + "/leaders/{leaderId}", ScopeKind.Township, RosterKeepers, 200,
                world => Task.FromResult(new Prepared($"/api/townships/{t}/leaders/l-{world.Next()}", Bodies.Leader())),
                [Text("name", 50), Text("title", 100), new("active", FieldKind.Boolean, true)]) { Body = Bodies.Leader },
            new("GET", T + "/access-log", ScopeKind.Township, AdminOnly, 200, Fixed($"/api/townships/{t}/access-log?limit=5"), none),

            // Petitions.
            new("POST", P, ScopeKind.Township, Writers, 201, Fixed($"/api/townships/{t}/petitions", () => Bodies.RegisterPetition()), petitionRegister)
                { Body = () => Bodies.RegisterPetition() },
            new("GET", P, ScopeKind.Township, Readers, 200, Fixed($"/api/townships/{t}/petitions?status=registered&year=2024&page=1&pageSize=5"), none),
            new("GET", P + "/{caseId}", ScopeKind.Township, Readers, 200, OnSharedPetition(""), none),
            new("GET", P + "/{caseId}/events", ScopeKind.Township, Readers, 200, OnSharedPetition("/events"), none),
            PetitionCommand("accept", Writers, PetitionStage.Registered, () => Bodies.At(Timeline.Accepted), [Instant()]),
            PetitionCommand("decline", Writers, PetitionStage.Registered,
                () => new() { ["at"] = Timeline.Declined, ["reason"] = "属于诉讼事项", ["route"] = "litigation" },
                [Instant(), Text("reason", 1000), Enum("route", DeclineRoutes)]),
            PetitionCommand("assign", Assigners, PetitionStage.Accepted,
                () => new() { ["leaderId"] = ApiWorld.Leader, ["handlers"] = new JsonArray("officer-a", "officer-b") },
                [Text("leaderId", 64), new("handlers", FieldKind.Ids, false)]),
            PetitionCommand("progress", Writers, PetitionStage.Accepted,
                () => new() { ["at"] = Timeline.Progress, ["note"] = "走访核实" },
                [Instant(), Text("note", 4000)]),
            PetitionCommand("extend", Approvers, PetitionStage.Accepted, ExtendBody, extend),
            PetitionCommand("conclude", Writers, PetitionStage.Accepted,
                () => new() { ["at"] = Timeline.Concluded, ["outcome"] = "partiallySupported", ["reply"] = "已书面答复" },
                [Instant(), Enum("outcome", Outcomes), Text("reply", 4000)]),
            PetitionCommand("evaluate", Writers, PetitionStage.Concluded, () => new() { ["rating"] = "satisfied" }, [Enum("rating", Ratings)]),
            PetitionCommand("review", Writers, PetitionStage.Concluded, () => Bodies.At(Timeline.ReviewRequested), [Instant()]),
            PetitionCommand("review/conclude", Writers, PetitionStage.UnderReview,
                () => new() { ["at"] = Timeline.ReviewConcluded, ["decision"] = "changed" },
                [Instant(), Enum("decision", Decisions)]),
            PetitionCommand("recheck", Writers, PetitionStage.Reviewed, () => Bodies.At(Timeline.RecheckRequested), [Instant()]),
            PetitionCommand("recheck/hearing/start", Writers, PetitionStage.UnderRecheck, () => Bodies.At(Timeline.HearingStarted), [Instant()]),
            PetitionCommand("recheck/hearing/end", Writers, PetitionStage.HearingOpen, () => Bodies.At(Timeline.HearingEnded), [Instant()]),
            PetitionCommand("recheck/conclude", Writers, PetitionStage.UnderRecheck,
                () => new() { ["at"] = Timeline.RecheckConcluded, ["decision"] = "upheld" },
                [Instant(), Enum("decision", Decisions)]),
            PetitionCommand("withdraw", Writers, PetitionStage.Accepted,
                () => new() { ["at"] = Timeline.Withdrawn, ["reason"] = "信访人撤回" },
                [Instant(), Text("reason", 1000)]),

            // Disputes.
            new("POST", D, ScopeKind.Township, Writers, 201, Fixed($"/api/townships/{t}/disputes", () => Bodies.RegisterDispute()), disputeRegister)
                { Body = () => Bodies.RegisterDispute() },
            new("GET", D, ScopeKind.Township, Readers, 200, Fixed($"/api/townships/{t}/disputes?status=accepted&overdue=true&page=1&pageSize=5"), none),
            new("GET", D + "/{caseId}", ScopeKind.Township, Readers, 200, OnSharedDispute(""), none),
            new("GET", D + "/{caseId}/events", ScopeKind.Township, Readers, 200, OnSharedDispute("/events"), none),
            DisputeCommand("accept", Writers, DisputeStage.Registered,
                () => new() { ["at"] = Timeline.Accepted, ["procedure"] = "general" },
                [Instant(), Enum("procedure", Procedures, required: false)]),
            DisputeCommand("assign", Assigners, DisputeStage.Accepted,
                () => new() { ["leaderId"] = ApiWorld.SecondLeader, ["mediators"] = new JsonArray("mediator-a") },
                [Text("leaderId", 64), new("mediators", FieldKind.Ids, false)]),
            DisputeCommand("mediate", Writers, DisputeStage.Accepted,
                () => new() { ["at"] = Timeline.Mediated, ["note"] = "首次调解" },
                [Instant(), Text("note", 4000)]),
            DisputeCommand("resolve", Writers, DisputeStage.Accepted,
                () => new() { ["at"] = Timeline.Resolved, ["procedure"] = "simple", ["agreement"] = "oral" },
                [Instant(), Enum("procedure", Procedures), Enum("agreement", Agreements)]),
            DisputeCommand("fail", Writers, DisputeStage.Accepted,
                () => new() { ["at"] = Timeline.Failed, ["referral"] = "arbitration", ["note"] = "调解不成" },
                [Instant(), Enum("referral", Referrals), Text("note", 4000)]),
            DisputeCommand("followUp", Writers, DisputeStage.Resolved,
                () => new() { ["at"] = Timeline.FollowedUp, ["fulfilled"] = "partly" },
                [Instant(), Enum("fulfilled", FollowUpResults)]),
            DisputeCommand("extend", Approvers, DisputeStage.Accepted, ExtendBody, extend),

            // Rollups.
            new("GET", T + "/rollups/{year}", ScopeKind.Township, RollupReaders, 200, Fixed($"/api/townships/{t}/rollups/2024"), none),
            new("GET", T + "/rollups/{year}/months", ScopeKind.Township, RollupReaders, 200, Fixed($"/api/townships/{t}/rollups/2024/months?asOf=2024-06-30"), none),
            new("GET", "/api/counties/{countyId}/rollups/{year}", ScopeKind.County, RollupReaders, 200,
                Fixed($"/api/counties/{ApiWorld.County}/rollups/2024?asOf=2024-12-31"), none),

            // Alerts.
            new("GET", T + "/alerts", ScopeKind.Township, Readers, 200, Fixed($"/api/townships/{t}/alerts?alert=overdue&caseKind=petition"), none),
            new("GET", "/api/alerts", ScopeKind.Service, Readers, 200, Fixed("/api/alerts?alert=overdue"), none),
            new("GET", "/api/alerts/stream", ScopeKind.Service, Readers, 200, Fixed("/api/alerts/stream"), none) { MediaType = "text/event-stream" },

            // Operations.
            new("GET", "/api/cluster", ScopeKind.Service, AdminOnly, 200, Fixed("/api/cluster"), none),
            new("POST", "/api/dashboard/session", ScopeKind.Service, AdminOnly, 200, Fixed("/api/dashboard/session"), none) { Bodiless = true },

            // Reports, and imports of existing ledgers. The import is last: it goes on writing after its 202.
            new("GET", T + "/reports/{year}", ScopeKind.Township, RollupReaders, 200, Fixed($"/api/townships/{t}/reports/2024?format=json&asOf=2024-12-31"), none),
            new("GET", "/api/counties/{countyId}/reports/{year}", ScopeKind.County, RollupReaders, 200,
                Fixed($"/api/counties/{ApiWorld.County}/reports/2024?format=json"), none),
            new("GET", "/api/imports/template", ScopeKind.Service, Writers, 200, Fixed("/api/imports/template?format=json"), none),
            new("GET", T + "/imports/{importId}", ScopeKind.Township, Writers, 200, FinishedImportAsync, none),
            new("POST", T + "/imports", ScopeKind.Township, Writers, 202,
                _ => Task.FromResult(new Prepared($"/api/townships/{t}/imports", null) { Raw = MatrixLedger }), none) { RawBody = true },
        ];
    }
}
