using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseGrains.Storage;
using CaseGrains.Server.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace CaseGrains.Server.Tests;

/// <summary>One HTTP answer, read whole so that a test can look at it more than once.</summary>
internal sealed record ApiAnswer(HttpStatusCode Status, string? MediaType, string Body, HttpResponseHeaders Headers)
{
    public int Code => (int)Status;

    public bool IsProblem => MediaType == "application/problem+json";

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    public override string ToString() => $"{Code} {MediaType} {(Body.Length > 400 ? Body[..400] + "…" : Body)}";
}

/// <summary>
/// The dates every prepared case follows, all in the past (the server runs on the real clock and
/// refuses instants in the future). Each step is after the one before it.
/// </summary>
internal static class Timeline
{
    public const string Received = "2024-03-05T09:30:00+08:00";
    public const string Accepted = "2024-03-06T10:00:00+08:00";
    public const string Declined = "2024-03-06T11:00:00+08:00";
    public const string Progress = "2024-03-10T10:00:00+08:00";
    public const string Withdrawn = "2024-03-12T10:00:00+08:00";
    public const string Concluded = "2024-04-20T10:00:00+08:00";
    public const string ReviewRequested = "2024-04-25T10:00:00+08:00";
    public const string ReviewConcluded = "2024-05-10T10:00:00+08:00";
    public const string RecheckRequested = "2024-05-20T10:00:00+08:00";
    public const string HearingStarted = "2024-05-25T10:00:00+08:00";
    public const string HearingEnded = "2024-05-28T10:00:00+08:00";
    public const string RecheckConcluded = "2024-06-15T10:00:00+08:00";

    public const string Mediated = "2024-03-10T10:00:00+08:00";
    public const string Resolved = "2024-03-20T10:00:00+08:00";
    public const string Failed = "2024-03-20T10:00:00+08:00";
    public const string FollowedUp = "2024-04-01T10:00:00+08:00";
}

/// <summary>Where a prepared petition stands.</summary>
internal enum PetitionStage { Registered, Accepted, Concluded, UnderReview, Reviewed, UnderRecheck, HearingOpen, Final, Declined, Withdrawn }

/// <summary>Where a prepared dispute stands.</summary>
internal enum DisputeStage { Registered, Accepted, Resolved, Closed, Failed }

/// <summary>Personal data the masking tests look for; none of it may reach a masked answer or a log.</summary>
internal static class Secrets
{
    public const string Name = "张三丰";
    public const string IdNumber = "610102199001011234";
    public const string Phone = "13812345678";
    public const string Address = "陕西省西安市长安区王曲街道北塬村5组";
    public const string PartyName = "李四光";
    public const string PartyPhone = "13987654321";
    public const string PartyIdNumber = "61010219850505432X";

    /// <summary>Fragments that only the unmasked values contain.</summary>
    public static readonly string[] Fragments = ["三丰", IdNumber, Phone, "北塬村5组", "四光", PartyPhone, PartyIdNumber];

    public const string MaskedName = "张**";
    public const string MaskedIdNumber = "6101**********1234";
    public const string MaskedPhone = "138****5678";
}

/// <summary>The canonical valid request bodies, shaped as <c>api.md</c> writes them.</summary>
internal static class Bodies
{
    public static JsonObject RegisterPetition(string receivedAt = Timeline.Received) => new()
    {
        ["channel"] = "visit",
        ["receivedAt"] = receivedAt,
        ["subject"] = "土地补偿",
        ["summary"] = "征地补偿款未到位",
        ["category"] = "征地拆迁",
        ["petitioners"] = new JsonArray(new JsonObject
        {
            ["name"] = Secrets.Name,
            ["idNumber"] = Secrets.IdNumber,
            ["phone"] = Secrets.Phone,
            ["address"] = Secrets.Address,
        }),
        ["headcount"] = 1,
        ["village"] = "南堡村",
    };

    public static JsonObject RegisterDispute(string reportedAt = Timeline.Received) => new()
    {
        ["source"] = "screening",
        ["reportedAt"] = reportedAt,
        ["category"] = "邻里",
        ["subject"] = "宅基地界址",
        ["summary"] = "相邻两户对界墙位置有争议",
        ["parties"] = new JsonArray(
            new JsonObject { ["name"] = Secrets.PartyName, ["idNumber"] = Secrets.PartyIdNumber, ["phone"] = Secrets.PartyPhone },
            new JsonObject { ["name"] = Secrets.Name, ["phone"] = Secrets.Phone }),
        ["village"] = "南堡村",
        ["riskLevel"] = "medium",
    };

    public static JsonObject At(string at) => new() { ["at"] = at };

    public static JsonObject Township(string countyId) => new() { ["name"] = "新设镇", ["countyId"] = countyId };

    public static JsonObject Leader() => new() { ["name"] = "赵镇长", ["title"] = "镇长", ["active"] = true };
}

/// <summary>
/// A running app with two townships in two counties, an admin, and helpers to send requests and to
/// prepare cases in any stage (as an admin, so the preparation never depends on the role under test).
/// </summary>
internal sealed class ApiWorld : IAsyncDisposable
{
    public const string Township = "t-main";
    public const string County = "c-main";
    public const string SisterTownship = "t-sister";
    public const string OtherTownship = "t-other";
    public const string OtherCounty = "c-other";
    public const string Leader = "wang";
    public const string SecondLeader = "li";

    private readonly HttpClient _http;
    private int _counter;

    private ApiWorld(CaseGrainsApp app)
    {
        App = app;
        // Every answer any API test receives through the world is checked against the served document.
        _http = app.CheckedClient();
        _http.Timeout = TimeSpan.FromSeconds(60);
        AdminToken = app.Token(Roles.Admin, subject: "admin-root");
    }

    public CaseGrainsApp App { get; }

    public string AdminToken { get; }

    public ICaseStore Store => App.Services.GetRequiredService<ICaseStore>();

    public static async Task<ApiWorld> StartAsync(Testing.StoreKind kind, Action<IServiceCollection>? services = null)
    {
        var app = await CaseGrainsApp.StartAsync(kind, services: services);
        var world = new ApiWorld(app);
        await app.CreateTownshipAsync(Township, County, Leader, SecondLeader);
        await app.CreateTownshipAsync(SisterTownship, County, "sun");
        await app.CreateTownshipAsync(OtherTownship, OtherCounty, "zhou");
        return world;
    }

    private readonly Dictionary<string, Task<string>> _shared = new(StringComparer.Ordinal);

    /// <summary>One accepted case of a kind (<c>petitions</c> or <c>disputes</c>) shared by the read checks, made on first use.</summary>
    public Task<string> SharedCaseAsync(string kind)
    {
        lock (_shared)
        {
            if (!_shared.TryGetValue(kind, out var task))
            {
                _shared[kind] = task = kind == "petitions" ? NewPetitionAsync(PetitionStage.Accepted) : NewDisputeAsync(DisputeStage.Accepted);
            }
            return task;
        }
    }

    /// <summary>A number unique within this app, for fresh ids.</summary>
    public int Next() => Interlocked.Increment(ref _counter);

    public string Token(string role, string[]? townships = null, string[]? counties = null, string? subject = null)
        => App.Token(role, townships, counties, subject);

    public Task<ApiAnswer> SendAsync(HttpMethod method, string path, string? token, JsonNode? body = null,
        IReadOnlyDictionary<string, string>? headers = null)
        => SendRawAsync(method, path, token is null ? null : "Bearer " + token,
            body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), headers);

    /// <summary>Requests sent so far.</summary>
    public int Requests => _requests;

    private int _requests;

    public async Task<ApiAnswer> SendRawAsync(HttpMethod method, string path, string? authorization, HttpContent? content,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        Interlocked.Increment(ref _requests);
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        // A live stream never ends: its first block (the opening comment) is what an answer has to show.
        var text = mediaType == "text/event-stream" ? await FirstBlockAsync(response.Content) : await response.Content.ReadAsStringAsync();
        return new ApiAnswer(response.StatusCode, mediaType, text, response.Headers);
    }

    private static async Task<string> FirstBlockAsync(HttpContent content)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var stream = await content.ReadAsStreamAsync(timeout.Token);
        using var reader = new StreamReader(stream);
        var block = new StringBuilder();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0 && block.Length > 0)
            {
                break;
            }
            block.Append(line).Append('\n');
        }
        return block.ToString();
    }

    public async Task<ApiAnswer> AdminAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        var answer = await SendAsync(method, path, AdminToken, body);
        if ((int)answer.Status >= 300)
        {
            throw new InvalidOperationException($"Preparing {method} {path} failed: {answer}");
        }
        return answer;
    }

    /// <summary>A new petition in <paramref name="township"/>, moved to <paramref name="stage"/>; returns its number.</summary>
    public async Task<string> NewPetitionAsync(PetitionStage stage, string township = Township)
    {
        var created = await AdminAsync(HttpMethod.Post, $"/api/townships/{township}/petitions", Bodies.RegisterPetition());
        var id = created.Json.GetProperty("id").GetString()!;
        var at = $"/api/townships/{township}/petitions/{id}";
        switch (stage)
        {
            case PetitionStage.Registered:
                return id;
            case PetitionStage.Declined:
                await AdminAsync(HttpMethod.Post, $"{at}/decline", new JsonObject { ["at"] = Timeline.Declined, ["reason"] = "属于诉讼事项", ["route"] = "litigation" });
                return id;
        }
        await AdminAsync(HttpMethod.Post, $"{at}/accept", Bodies.At(Timeline.Accepted));
        if (stage == PetitionStage.Accepted)
        {
            return id;
        }
        if (stage == PetitionStage.Withdrawn)
        {
            await AdminAsync(HttpMethod.Post, $"{at}/withdraw", new JsonObject { ["at"] = Timeline.Withdrawn, ["reason"] = "信访人撤回" });
            return id;
        }
        await AdminAsync(HttpMethod.Post, $"{at}/conclude", new JsonObject { ["at"] = Timeline.Concluded, ["outcome"] = "supported", ["reply"] = "已答复" });
        if (stage == PetitionStage.Concluded)
        {
            return id;
        }
        await AdminAsync(HttpMethod.Post, $"{at}/review", Bodies.At(Timeline.ReviewRequested));
        if (stage == PetitionStage.UnderReview)
        {
            return id;
        }
        await AdminAsync(HttpMethod.Post, $"{at}/review/conclude", new JsonObject { ["at"] = Timeline.ReviewConcluded, ["decision"] = "upheld" });
        if (stage == PetitionStage.Reviewed)
        {
            return id;
        }
        await AdminAsync(HttpMethod.Post, $"{at}/recheck", Bodies.At(Timeline.RecheckRequested));
        if (stage == PetitionStage.UnderRecheck)
        {
            return id;
        }
        if (stage == PetitionStage.HearingOpen)
        {
            await AdminAsync(HttpMethod.Post, $"{at}/recheck/hearing/start", Bodies.At(Timeline.HearingStarted));
            return id;
        }
        await AdminAsync(HttpMethod.Post, $"{at}/recheck/conclude", new JsonObject { ["at"] = Timeline.RecheckConcluded, ["decision"] = "upheld" });
        return id;
    }

    /// <summary>A new dispute in <paramref name="township"/>, moved to <paramref name="stage"/>; returns its number.</summary>
    public async Task<string> NewDisputeAsync(DisputeStage stage, string township = Township)
    {
        var created = await AdminAsync(HttpMethod.Post, $"/api/townships/{township}/disputes", Bodies.RegisterDispute());
        var id = created.Json.GetProperty("id").GetString()!;
        var at = $"/api/townships/{township}/disputes/{id}";
        if (stage == DisputeStage.Registered)
        {
            return id;
        }
        await AdminAsync(HttpMethod.Post, $"{at}/accept", Bodies.At(Timeline.Accepted));
        switch (stage)
        {
            case DisputeStage.Accepted:
                return id;
            case DisputeStage.Failed:
                await AdminAsync(HttpMethod.Post, $"{at}/fail", new JsonObject { ["at"] = Timeline.Failed, ["referral"] = "litigation", ["note"] = "一方拒绝调解" });
                return id;
        }
        await AdminAsync(HttpMethod.Post, $"{at}/resolve", new JsonObject { ["at"] = Timeline.Resolved, ["procedure"] = "general", ["agreement"] = "written" });
        if (stage == DisputeStage.Closed)
        {
            await AdminAsync(HttpMethod.Post, $"{at}/followUp", new JsonObject { ["at"] = Timeline.FollowedUp, ["fulfilled"] = "fulfilled" });
        }
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>
/// What storage holds, as comparable lines: every current-state row (stream, version, status…), every
/// access-log entry, every idempotency key, every Orleans reminder and grain-state row, and with
/// <c>events</c> every event of every stream. Two equal snapshots mean nothing was written in between.
/// </summary>
internal sealed class StoreSnapshot
{
    private static readonly string[] GrainTypeNames = ["township", "petition", "dispute"];

    private static readonly (string Table, string Sql)[] RawTables =
    [
        ("idempotency", "SELECT scope, idempotency_key, request_hash, status_code, location FROM idempotency_keys"),
        ("reminder", "SELECT grain_id, reminder_name, start_time, version FROM orleans_reminders"),
        // Orleans' stream subscriptions change as nodes subscribe; no request of a caller writes them.
        ("grain-state", "SELECT grain_type, grain_id_string, version FROM orleans_grain_state WHERE grain_type NOT LIKE 'PubSub%'"),
    ];

    private StoreSnapshot(SortedSet<string> lines) => Lines = lines;

    public SortedSet<string> Lines { get; }

    public static Task<StoreSnapshot> TakeAsync(CaseGrainsApp app, bool events)
        => TakeAsync(app.Services.GetRequiredService<ICaseStore>(), events, app.Kind, app.ConnectionString);

    public static async Task<StoreSnapshot> TakeAsync(ICaseStore store, bool events, Testing.StoreKind kind, string connectionString)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in GrainTypeNames)
        {
            var page = await store.QueryIndexAsync(new IndexQuery(type));
            foreach (var row in page.Rows)
            {
                var e = row.Entry;
                lines.Add($"row {row.StreamId} v{row.Version} {e.Status} {e.Partition} {e.Owner} {e.DueAt:O} {row.UpdatedAt:O} {e.Summary}");
                if (events)
                {
                    foreach (var stored in await store.ReadStreamAsync(row.StreamId, 0))
                    {
                        lines.Add($"event {stored.StreamId} v{stored.Version} {stored.EventType} {stored.Actor} {stored.Payload}");
                    }
                }
            }
        }
        foreach (var entry in await store.ReadAccessLogAsync(null, 100_000))
        {
            lines.Add($"access {entry.At:O} {entry.Actor} {entry.Role} {entry.StreamId} {entry.Purpose}");
        }
        // What the store's interface does not list: idempotency keys, and the tables of Orleans' providers.
        foreach (var (table, sql) in RawTables)
        {
            foreach (var line in await Testing.TestStores.QueryLinesAsync(kind, connectionString, sql))
            {
                lines.Add($"{table} {line}");
            }
        }
        return new StoreSnapshot(lines);
    }

    /// <summary>Null when equal; otherwise the first differences.</summary>
    public string? DifferenceFrom(StoreSnapshot before)
    {
        ArgumentNullException.ThrowIfNull(before);
        var added = Lines.Except(before.Lines, StringComparer.Ordinal).Take(5).ToList();
        var removed = before.Lines.Except(Lines, StringComparer.Ordinal).Take(5).ToList();
        return added.Count == 0 && removed.Count == 0
            ? null
            : $"storage changed: +[{string.Join(" | ", added.Select(Short))}] -[{string.Join(" | ", removed.Select(Short))}]";

        static string Short(string line) => line.Length > 200 ? line[..200] + "…" : line;
    }
}
