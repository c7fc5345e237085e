using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseGrains.Testing;
using Xunit.Abstractions;

namespace CaseGrains.Server.Tests;

/// <summary>
/// A seeded generator sends thousands of bad requests across every endpoint of the table: each must be
/// refused with a 4xx ProblemDetails (a field-level <c>errors</c> map on 400), never a 5xx, and storage
/// (every stream's events, every current-state row, the access log) must be exactly as before.
/// </summary>
public sealed class BadInputTests(ITestOutputHelper output)
{
    private const int Seed = 20240305;
    private const int RequestsPerStore = 3000;

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task Thousands_of_generated_bad_requests_are_refused_with_problem_details_and_change_nothing(StoreKind kind)
    {
        await using var world = await ApiWorld.StartAsync(kind);
        var fixture = await BadInputFixture.CreateAsync(world);
        var requests = new BadRequestGenerator(new Random(Seed), fixture).Generate(RequestsPerStore);
        var before = await StoreSnapshot.TakeAsync(world.App, events: true);

        var clock = Stopwatch.StartNew();
        var failures = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (bad, _) =>
        {
            ApiAnswer answer;
            try
            {
                answer = await world.SendRawAsync(new HttpMethod(bad.Method), bad.Path, "Bearer " + world.AdminToken, bad.Content(), bad.Headers);
            }
            catch (HttpRequestException ex)
            {
                failures.Enqueue($"{bad}: no answer ({ex.Message})");
                return;
            }
            if (Check(bad, answer) is { } problem)
            {
                failures.Enqueue($"{bad}: {problem} — got {answer}");
            }
        });
        var elapsed = clock.Elapsed;

        var difference = (await StoreSnapshot.TakeAsync(world.App, events: true)).DifferenceFrom(before);
        output.WriteLine($"{requests.Count} bad requests on {kind} in {elapsed.TotalSeconds:F1} s; by category: "
            + string.Join(", ", requests.GroupBy(r => r.Category).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));
        foreach (var line in failures.DistinctBy(f => f[..Math.Min(f.Length, 60)]).Take(10))
        {
            output.WriteLine(line);
        }

        Assert.True(requests.Count >= RequestsPerStore);
        Assert.Equal(BadRequestGenerator.Categories.Order(StringComparer.Ordinal), requests.Select(r => r.Category).Distinct().Order(StringComparer.Ordinal));
        Assert.True(difference is null, "Bad requests changed storage: " + difference);
        var byCategory = string.Join(", ", failures.GroupBy(f => f[1..f.IndexOf(']', StringComparison.Ordinal)]).Select(g => $"{g.Key} {g.Count()}"));
        Assert.True(failures.IsEmpty, $"{failures.Count} of {requests.Count} bad requests were answered wrongly ({byCategory}), e.g.:\n"
            + string.Join("\n", failures.DistinctBy(f => f[..Math.Min(f.Length, 60)]).Take(25)));
        var serverErrors = world.App.Logs.Where(l => l.Contains("Unhandled", StringComparison.Ordinal)).Take(3).ToList();
        Assert.True(serverErrors.Count == 0, string.Join(" | ", serverErrors));
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task Requests_that_used_to_slip_through_are_refused_with_the_field_named(StoreKind kind)
    {
        await using var world = await ApiWorld.StartAsync(kind);
        var registered = await world.NewPetitionAsync(PetitionStage.Registered);
        var before = await StoreSnapshot.TakeAsync(world.App, events: true);

        // A flag list of enum names was read as their bitwise OR: "letter, visit" became visit, "supported,explained" explained.
        var body = Bodies.RegisterPetition();
        body["channel"] = "letter, visit";
        var answer = await world.SendAsync(HttpMethod.Post, $"/api/townships/{ApiWorld.Township}/petitions", world.AdminToken, body);
        AssertField(answer, "channel", "must be one of");

        // Half a quote was trimmed away and "1 read as version 1.
        answer = await world.SendAsync(HttpMethod.Post, $"/api/townships/{ApiWorld.Township}/petitions/{registered}/accept", world.AdminToken,
            Bodies.At(Timeline.Accepted), new Dictionary<string, string> { ["If-Match"] = "\"1" });
        AssertField(answer, "If-Match", "quoted version");

        // A page whose offset overflows int was a negative OFFSET: 500 on PostgreSQL, page 1 again on SQLite.
        answer = await world.SendAsync(HttpMethod.Get, $"/api/townships/{ApiWorld.Township}/petitions?page=2147483647", world.AdminToken);
        AssertField(answer, "page", "beyond");

        // An unknown status filter was an empty page rather than a field error.
        answer = await world.SendAsync(HttpMethod.Get, $"/api/townships/{ApiWorld.Township}/disputes?status=final", world.AdminToken);
        AssertField(answer, "status", "must be one of");

        Assert.Null((await StoreSnapshot.TakeAsync(world.App, events: true)).DifferenceFrom(before));

        static void AssertField(ApiAnswer answer, string field, string message)
        {
            Assert.True(answer.Code == 400 && answer.IsProblem, answer.ToString());
            var errors = answer.Json.GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out var messages), answer.ToString());
            Assert.Contains(messages.EnumerateArray(), m => m.GetString()!.Contains(message, StringComparison.Ordinal));
        }
    }

    /// <summary>Null when the answer is right for the bad request.</summary>
    private static string? Check(BadRequest bad, ApiAnswer answer)
    {
        if (answer.Code >= 500)
        {
            return "a server error";
        }
        if (answer.Code is < 400 or >= 500)
        {
            return "accepted";
        }
        if (!bad.Expected.Contains(answer.Code))
        {
            return $"expected {string.Join(" or ", bad.Expected)}";
        }
        if (!answer.IsProblem)
        {
            return "not application/problem+json";
        }
        JsonElement body;
        try
        {
            body = answer.Json;
        }
        catch (JsonException)
        {
            return "a problem body that is not JSON";
        }
        foreach (var member in new[] { "type", "title", "status", "detail" })
        {
            if (!body.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return $"a problem without '{member}'";
            }
        }
        if (answer.Code == 400 && (!body.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object || !errors.EnumerateObject().Any()))
        {
            return "a 400 without a field-level errors map";
        }
        return null;
    }
}

/// <summary>One generated bad request and the statuses that would be right for it.</summary>
internal sealed record BadRequest(string Category, string Method, string Path, byte[]? Body, string? ContentType, int[] Expected,
    IReadOnlyDictionary<string, string>? Headers = null, bool Chunked = false)
{
    public HttpContent? Content()
    {
        if (Body is null)
        {
            return null;
        }
        HttpContent content = Chunked ? new ChunkedContent(Body) : new ByteArrayContent(Body);
        if (ContentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        }
        return content;
    }

    public override string ToString()
    {
        var text = Body is null ? "" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 160));
        var headers = Headers is null ? "" : " " + string.Join(" ", Headers.Select(h => $"{h.Key}: {(h.Value.Length > 40 ? h.Value[..40] + "…" : h.Value)}"));
        return $"[{Category}] {Method} {(Path.Length > 120 ? Path[..120] + "…" : Path)}{headers} {ContentType} ({Body?.Length ?? 0} bytes) {text}";
    }

    /// <summary>A body sent without Content-Length (chunked), so that only the server's own count can stop it.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += 16 * 1024)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(16 * 1024, bytes.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>Cases in every stage (each command's valid target and the terminal ones), with their versions.</summary>
internal sealed class BadInputFixture
{
    private BadInputFixture(Dictionary<Enum, (string Id, long Version)> cases) => Cases = cases;

    /// <summary>Case number and version by stage (<see cref="PetitionStage"/> or <see cref="DisputeStage"/>).</summary>
    public IReadOnlyDictionary<Enum, (string Id, long Version)> Cases { get; }

    public static async Task<BadInputFixture> CreateAsync(ApiWorld world)
    {
        var cases = new Dictionary<Enum, (string, long)>();
        foreach (var stage in Enum.GetValues<PetitionStage>())
        {
            var id = await world.NewPetitionAsync(stage);
            var view = await world.AdminAsync(HttpMethod.Get, $"/api/townships/{ApiWorld.Township}/petitions/{id}");
            cases[stage] = (id, view.Json.GetProperty("version").GetInt64());
        }
        foreach (var stage in Enum.GetValues<DisputeStage>())
        {
            var id = await world.NewDisputeAsync(stage);
            var view = await world.AdminAsync(HttpMethod.Get, $"/api/townships/{ApiWorld.Township}/disputes/{id}");
            cases[stage] = (id, view.Json.GetProperty("version").GetInt64());
        }
        return new BadInputFixture(cases);
    }
}

/// <summary>
/// Makes bad requests from the endpoint table: each takes a valid request and breaks one thing (the
/// JSON, a field's type, value, length or presence, an instant, an id, the case's stage, a header,
/// a query parameter, the method or the media type), so that exactly that must be refused.
/// </summary>
internal sealed class BadRequestGenerator(Random random, BadInputFixture fixture)
{
    private const string T = ApiWorld.Township;
    private const string Json = "application/json";
    private const string AfterEverything = "2024-07-01T10:00:00+08:00";
    private const int MaxBodyBytes = 256 * 1024;

    private static readonly int[] BadRequestStatus = [400];

    private static readonly (string Name, int Weight)[] Weights =
    [
        ("malformedJson", 12), ("wrongType", 12), ("unknownEnum", 8), ("unknownField", 8), ("missingField", 8), ("overLong", 8),
        ("tooLarge", 2), ("deepNesting", 4), ("futureInstant", 6), ("instantFormat", 6), ("outOfOrder", 5), ("domainRule", 8),
        ("unknownTownship", 5), ("unknownCase", 5), ("unknownLeader", 2), ("invalidTransition", 8), ("ifMatch", 5), ("query", 8),
        ("mediaType", 3), ("method", 3), ("idempotencyKey", 2),
    ];

    public static IEnumerable<string> Categories => Weights.Select(w => w.Name);

    private static readonly IReadOnlyList<EndpointSpec> BodyEndpoints = [.. EndpointTable.All.Where(e => e.Body is not null)];
    private static readonly IReadOnlyList<EndpointSpec> Commands = [.. EndpointTable.All.Where(e => e.Target is not null)];
    private static readonly IReadOnlyList<EndpointSpec> TownshipEndpoints = [.. EndpointTable.All.Where(e => e.Scope == ScopeKind.Township)];

    public List<BadRequest> Generate(int count)
    {
        var list = new List<BadRequest>(count + Weights.Length);
        // Every category at least once, then a weighted draw.
        foreach (var (name, _) in Weights)
        {
            list.Add(Make(name));
        }
        var total = Weights.Sum(w => w.Weight);
        while (list.Count < count)
        {
            var pick = random.Next(total);
            foreach (var (name, weight) in Weights)
            {
                if (pick < weight)
                {
                    list.Add(Make(name));
                    break;
                }
                pick -= weight;
            }
        }
        return list;
    }

    private BadRequest Make(string category) => category switch
    {
        "malformedJson" => MalformedJson(),
        "wrongType" => MutateField(category, f => true, WrongType),
        "unknownEnum" => MutateField(category, f => f.Kind == FieldKind.Enum, f => Pick(
            "bogus", "", " ", "letter, visit", "visit,letter", "supported,explained", "1", "-1", "0", "null", "undefined", "✓", new string('a', 300))),
        "unknownField" => UnknownField(),
        "missingField" => MissingField(),
        "overLong" => OverLong(),
        "tooLarge" => TooLarge(),
        "deepNesting" => DeepNesting(),
        "futureInstant" => MutateField(category, f => f.Kind == FieldKind.Instant, _ => Future()),
        "instantFormat" => MutateField(category, f => f.Kind == FieldKind.Instant, _ => Pick(
            "2024-03-05T09:30:00", "2024-03-05", "2024-03-05 09:30:00+08:00", "20240305T093000+0800", "2024-03-05T09:30:00+8",
            "2024-13-05T09:30:00+08:00", "2024-02-30T09:30:00+08:00", "1989-12-31T23:59:59Z", "yesterday", "", "2024-03-05T25:00:00Z",
            "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00", "2024-03-05T09:30:00+08:00:00", "2024-03-05T09:30:00.12345678Z")),
        "outOfOrder" => OutOfOrder(),
        "domainRule" => DomainRule(),
        "unknownTownship" => UnknownTownship(),
        "unknownCase" => UnknownCase(),
        "unknownLeader" => UnknownLeader(),
        "invalidTransition" => InvalidTransition(),
        "ifMatch" => IfMatch(),
        "query" => Query(),
        "mediaType" => MediaType(),
        "method" => Method(),
        "idempotencyKey" => IdempotencyKey(),
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    // ---- the valid request each mutation starts from ----

    private EndpointSpec AnyBodyEndpoint(Func<FieldSpec, bool>? having = null)
    {
        var candidates = having is null ? BodyEndpoints : [.. BodyEndpoints.Where(e => e.Fields.Any(having))];
        return candidates[random.Next(candidates.Count)];
    }

    /// <summary>The path at which the endpoint's canonical body would succeed.</summary>
    private string ValidPath(EndpointSpec spec) => spec.Target switch
    {
        PetitionStage stage => $"/api/townships/{T}/petitions/{fixture.Cases[stage].Id}/{spec.Verb}",
        DisputeStage stage => $"/api/townships/{T}/disputes/{fixture.Cases[stage].Id}/{spec.Verb}",
        _ when spec.Pattern.EndsWith("/leaders/{leaderId}", StringComparison.Ordinal) => $"/api/townships/{T}/leaders/l-bad-{random.Next(1000)}",
        _ when spec.Pattern == "/api/townships/{townshipId}" => $"/api/townships/t-bad-{random.Next(1000)}",
        _ => $"/api/townships/{T}/{spec.Kind}",
    };

    private static BadRequest Bad(string category, EndpointSpec spec, string path, JsonNode body, int[] expected, IReadOnlyDictionary<string, string>? headers = null)
        => new(category, spec.Method, path, Encoding.UTF8.GetBytes(body.ToJsonString()), Json, expected, headers);

    private static BadRequest Raw(string category, EndpointSpec spec, string path, string body, int[] expected)
        => new(category, spec.Method, path, Encoding.UTF8.GetBytes(body), Json, expected);

    // ---- categories ----

    private BadRequest MalformedJson()
    {
        var spec = AnyBodyEndpoint();
        var valid = spec.Body!().ToJsonString();
        var cut = 1 + random.Next(valid.Length - 1);
        var body = random.Next(14) switch
        {
            0 => valid[..cut],
            1 => valid[..^1] + ",}",
            2 => valid.Replace("\"", "'", StringComparison.Ordinal),
            3 => valid.Replace(":", "=", StringComparison.Ordinal),
            4 => "/* comment */ " + valid,
            5 => valid + valid,
            6 => valid.Insert(cut, "\\u00"),
            7 => Pick("", " ", "{", "}", "[", "]", "{{}}", "{\"a\"}", "{\"at\":}", "{,}", "nul", "tru", "{\"at\": NaN}", "{\"at\": Infinity}"),
            8 => Pick("null", "[]", "[{}]", "\"text\"", "42", "true", "-0", "1e400"),
            9 => valid.Replace("{", "{\"", StringComparison.Ordinal),
            10 => valid + "garbage",
            11 => "\uFEFF\uFEFF" + valid,
            12 => valid.Insert(cut, "\u0000"),
            _ => RandomAscii(1 + random.Next(200)),
        };
        if (random.Next(20) == 0)
        {
            // Not even UTF-8.
            var bytes = new byte[1 + random.Next(100)];
            random.NextBytes(bytes);
            bytes[0] = 0xFF;
            return new BadRequest("malformedJson", spec.Method, ValidPath(spec), bytes, Json, BadRequestStatus);
        }
        return Raw("malformedJson", spec, ValidPath(spec), body, BadRequestStatus);
    }

    private BadRequest MutateField(string category, Func<FieldSpec, bool> which, Func<FieldSpec, JsonNode?> value)
    {
        var spec = AnyBodyEndpoint(which);
        var fields = spec.Fields.Where(which).ToList();
        var field = fields[random.Next(fields.Count)];
        var body = spec.Body!();
        body[field.Name] = value(field);
        return Bad(category, spec, ValidPath(spec), body, BadRequestStatus);
    }

    private JsonNode? WrongType(FieldSpec field) => field.Kind switch
    {
        FieldKind.Text => PickNode(123, true, new JsonObject(), new JsonArray(), 1.5, new JsonArray("a")),
        FieldKind.Instant => PickNode(1709602200, true, new JsonObject(), new JsonArray(), new JsonArray(Timeline.Received)),
        FieldKind.Integer => PickNode(1.5, true, new JsonObject(), new JsonArray(), "abc", 1e20, "", "1 0", JsonNode.Parse("12345678901234567890")),
        FieldKind.Boolean => PickNode("true", 1, 0, new JsonObject(), new JsonArray(), "yes"),
        FieldKind.Enum => PickNode(1, true, new JsonObject(), new JsonArray(), 0.5, new JsonArray("letter")),
        FieldKind.Date => PickNode(20240305, "2024/03/05", "05-03-2024", true, "2024-03-05T00:00:00+08:00", "2024-3-5"),
        FieldKind.People => PickNode("张三", new JsonObject(), new JsonArray(1), new JsonArray(new JsonArray()), new JsonArray(new JsonObject { ["name"] = 5 }),
            new JsonArray("张三"), true),
        FieldKind.Ids => PickNode("a", new JsonObject(), new JsonArray(1), new JsonArray(true), new JsonArray(new JsonObject())),
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private BadRequest UnknownField()
    {
        var spec = AnyBodyEndpoint();
        var body = spec.Body!();
        var name = Pick("extra", "channelX", "__proto__", "$type", "$id", "$ref", "petitioner", "ownerId", "status", "version", "id", "townshipId", "is_admin", "");
        JsonNode? value = PickNode(1, "x", true, new JsonObject(), new JsonArray(), null);
        if (body["petitioners"] is JsonArray petitioners && random.Next(3) == 0)
        {
            ((JsonObject)petitioners[0]!)["nickname"] = "小张";
        }
        else if (body["parties"] is JsonArray parties && random.Next(3) == 0)
        {
            ((JsonObject)parties[0]!)["employer"] = "某公司";
        }
        else
        {
            body[name] = value;
        }
        return Bad("unknownField", spec, ValidPath(spec), body, BadRequestStatus);
    }

    private BadRequest MissingField()
    {
        var spec = AnyBodyEndpoint(f => f.Required);
        var body = spec.Body!();
        var required = spec.Fields.Where(f => f.Required).ToList();
        switch (random.Next(4))
        {
            case 0:
                body = new JsonObject();
                break;
            case 1:
                body[required[random.Next(required.Count)].Name] = null;
                break;
            default:
                body.Remove(required[random.Next(required.Count)].Name);
                break;
        }
        return Bad("missingField", spec, ValidPath(spec), body, BadRequestStatus);
    }

    private BadRequest OverLong()
    {
        var spec = AnyBodyEndpoint(f => f.Kind == FieldKind.Text && f.MaxLength > 0);
        var fields = spec.Fields.Where(f => f.Kind == FieldKind.Text && f.MaxLength > 0).ToList();
        var field = fields[random.Next(fields.Count)];
        var body = spec.Body!();
        var length = random.Next(3) switch
        {
            0 => field.MaxLength + 1,
            1 => 10_000,
            _ => field.MaxLength + 1 + random.Next(20_000),
        };
        body[field.Name] = new string(Pick('字', 'a', ' ', '9'), length - 1) + "x";
        return Bad("overLong", spec, ValidPath(spec), body, BadRequestStatus);
    }

    private BadRequest TooLarge()
    {
        var spec = AnyBodyEndpoint();
        var body = spec.Body!();
        var size = MaxBodyBytes + 1 + random.Next(MaxBodyBytes);
        byte[] bytes;
        if (random.Next(3) == 0)
        {
            bytes = Encoding.UTF8.GetBytes(new string('{', size));
        }
        else
        {
            body["padding"] = new string('填', size / 3 + 1);
            bytes = Encoding.UTF8.GetBytes(body.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        }
        return new BadRequest("tooLarge", spec.Method, ValidPath(spec), bytes, Json, [413], Chunked: random.Next(2) == 0);
    }

    private BadRequest DeepNesting()
    {
        var spec = AnyBodyEndpoint();
        var depth = random.Next(3) == 0 ? 17 + random.Next(5) : 17 + random.Next(5_000);
        var nested = random.Next(2) == 0
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
        var valid = spec.Body!().ToJsonString();
        var body = random.Next(3) switch
        {
            0 => nested,
            1 => valid[..^1] + ",\"nested\":" + nested + "}",
            _ => "{\"" + spec.Fields[random.Next(spec.Fields.Count)].Name + "\":" + nested + "}",
        };
        return Raw("deepNesting", spec, ValidPath(spec), body, BadRequestStatus);
    }

    private BadRequest OutOfOrder()
    {
        var spec = Pick(Commands.Where(c => c.Fields.Any(f => f.Kind == FieldKind.Instant)).ToArray());
        var body = spec.Body!();
        var registered = spec.Target is PetitionStage.Registered or DisputeStage.Registered;
        // Before the case was received, or (for a case past registration) before its previous step.
        body["at"] = registered || random.Next(2) == 0
            ? Pick("2024-03-05T09:29:59+08:00", "2024-03-01T00:00:00+08:00", "2023-12-31T23:00:00Z", "2024-03-05T01:29:00Z")
            : Pick("2024-03-05T12:00:00+08:00", "2024-03-06T09:59:59+08:00", "2024-03-06T01:59:00Z");
        return Bad("outOfOrder", spec, ValidPath(spec), body, BadRequestStatus);
    }

    private BadRequest DomainRule()
    {
        var petitionRegister = EndpointTable.ByKey["POST /api/townships/{townshipId}/petitions"];
        var disputeRegister = EndpointTable.ByKey["POST /api/townships/{townshipId}/disputes"];
        var choice = random.Next(26);
        if (choice < 16)
        {
            var body = Bodies.RegisterPetition();
            var person = (JsonObject)((JsonArray)body["petitioners"]!)[0]!;
            switch (choice)
            {
                case 0: body["channel"] = "hotline12345"; body["platformDueOn"] = "2024-03-10"; break;
                case 1: body["channel"] = "hotline12345"; body["externalOrderId"] = "GD-1"; break;
                case 2: body["channel"] = "hotline12345"; body["externalOrderId"] = "GD-1"; body["platformDueOn"] = "2024-03-01"; break;
                case 3: body["externalOrderId"] = "GD-1"; break;
                case 4: body["platformDueOn"] = "2024-03-10"; break;
                case 5: body["headcount"] = Pick(0, -1, 10_001, int.MinValue); break;
                case 6: ((JsonArray)body["petitioners"]!).Add(new JsonObject { ["name"] = "王五" }); break;
                case 7: body["petitioners"] = new JsonArray(); break;
                case 8: body["petitioners"] = new JsonArray([.. Enumerable.Range(0, 51).Select(i => (JsonNode)new JsonObject { ["name"] = $"人{i}" })]); body.Remove("headcount"); break;
                case 9: person["name"] = Pick("", "   ", new string('名', 51)); break;
                case 10: person["idNumber"] = Pick("12345", "61010219900101123Y", "6101021990010112345", "ABCDEFGHIJKLMNOPQR", ""); break;
                case 11: person["phone"] = Pick("call-me", "1", "138123456789012345678", "１３８"); break;
                case 12: person["address"] = new string('址', 201); break;
                case 13: body["repeatOf"] = Pick("not-a-case", "2024-JF-0001", "XF-0001", "2024-XF-1"); break;
                case 14: body["subject"] = Pick("   ", "\t\n"); break;
                default: body["petitioners"] = new JsonArray((JsonNode?)null); break;
            }
            return Bad("domainRule", petitionRegister, $"/api/townships/{T}/petitions", body, BadRequestStatus);
        }
        if (choice < 20)
        {
            var body = Bodies.RegisterDispute();
            switch (choice)
            {
                case 16: body["category"] = Pick("火星事务", "邻里/不存在", "劳动争议/欠薪/其他", "/", "邻 里"); break;
                case 17: body["parties"] = new JsonArray(); break;
                case 18: body["riskLevel"] = null; break;
                default: ((JsonObject)((JsonArray)body["parties"]!)[0]!)["idNumber"] = "not-an-id"; break;
            }
            return Bad("domainRule", disputeRegister, $"/api/townships/{T}/disputes", body, BadRequestStatus);
        }
        switch (choice)
        {
            case 20:
            {
                // Extensions are 1 to 30 days.
                var spec = Pick(Commands.Where(c => c.Verb == "extend").ToArray());
                var body = spec.Body!();
                body["days"] = Pick(0, -3, 31, 365, int.MaxValue, int.MinValue);
                return Bad("domainRule", spec, ValidPath(spec), body, [400, 422]);
            }
            case 21:
            {
                var spec = Pick(Commands.Where(c => c.Verb == "assign").ToArray());
                var body = spec.Body!();
                var list = spec.Kind == "petitions" ? "handlers" : "mediators";
                body[list] = Pick<JsonNode>(new JsonArray("", "x"), new JsonArray("  "), new JsonArray([.. Enumerable.Range(0, 21).Select(i => (JsonNode)$"h{i}")]),
                    new JsonArray(new string('h', 65)), new JsonArray((JsonNode?)null));
                return Bad("domainRule", spec, ValidPath(spec), body, BadRequestStatus);
            }
            case 22:
            {
                var spec = EndpointTable.ByKey["PUT /api/townships/{townshipId}"];
                var body = spec.Body!();
                body["countyId"] = Pick("bad county", "县/区", "c.1", "", new string('c', 65));
                return Bad("domainRule", spec, ValidPath(spec), body, BadRequestStatus);
            }
            case 23:
            {
                var spec = EndpointTable.ByKey["PUT /api/townships/{townshipId}/leaders/{leaderId}"];
                var body = spec.Body!();
                body[Pick("name", "title")] = Pick("", "  ");
                return Bad("domainRule", spec, ValidPath(spec), body, BadRequestStatus);
            }
            case 24:
            {
                // Ids in paths that can never be valid.
                var township = EndpointTable.ByKey["PUT /api/townships/{townshipId}"];
                var leader = EndpointTable.ByKey["PUT /api/townships/{townshipId}/leaders/{leaderId}"];
                return random.Next(2) == 0
                    ? Bad("domainRule", township, "/api/townships/" + Pick("bad.id", new string('t', 65), "%E4%B9%A1%E9%95%87", "t%20main", "-%2F-"), township.Body!(), BadRequestStatus)
                    : Bad("domainRule", leader, $"/api/townships/{T}/leaders/" + Pick("bad.id", new string('l', 65), "%E7%8E%8B", "l%20x"), leader.Body!(), BadRequestStatus);
            }
            default:
            {
                var spec = Pick(Commands.Where(c => c.Fields.Any(f => f.Kind == FieldKind.Text && f.Name != "leaderId")).ToArray());
                var body = spec.Body!();
                var text = spec.Fields.First(f => f.Kind == FieldKind.Text && f.Name != "leaderId");
                body[text.Name] = Pick("", " ", "\t");
                return Bad("domainRule", spec, ValidPath(spec), body, BadRequestStatus);
            }
        }
    }

    private BadRequest UnknownTownship()
    {
        var candidates = TownshipEndpoints.Where(e => e.Pattern != "/api/townships/{townshipId}" || e.Method == "GET").ToList();
        var spec = candidates[random.Next(candidates.Count)];
        var township = Pick("t-nosuch", "T-MAIN", "t-main-", "bad.id", new string('t', 65), "%E4%B9%A1", "t%20main", "t-other2", "_", "0");
        var path = ValidPathFor(spec).Replace($"/api/townships/{T}", $"/api/townships/{township}", StringComparison.Ordinal);
        var body = spec.Body?.Invoke();
        return body is null
            ? new BadRequest("unknownTownship", spec.Method, path, null, null, [404])
            : Bad("unknownTownship", spec, path, body, [404]);
    }

    /// <summary>A valid path for any endpoint, reads included.</summary>
    private string ValidPathFor(EndpointSpec spec)
    {
        if (spec.Body is not null && spec.Pattern != "/api/townships/{townshipId}")
        {
            return ValidPath(spec);
        }
        var pattern = EndpointTable.Normalize(spec.Pattern);
        var caseId = spec.Kind == "petitions" ? fixture.Cases[PetitionStage.Accepted].Id : fixture.Cases[DisputeStage.Accepted].Id;
        return pattern.Replace("{townshipId}", T, StringComparison.Ordinal).Replace("{caseId}", caseId, StringComparison.Ordinal)
            .Replace("{year}", "2024", StringComparison.Ordinal).Replace("{countyId}", ApiWorld.County, StringComparison.Ordinal)
            .Replace("{leaderId}", "l-x", StringComparison.Ordinal);
    }

    private BadRequest UnknownCase()
    {
        var candidates = TownshipEndpoints.Where(e => e.Pattern.Contains("{caseId}", StringComparison.Ordinal)).ToList();
        var spec = candidates[random.Next(candidates.Count)];
        var petitions = spec.Kind == "petitions";
        var caseId = random.Next(3) == 0
            ? Pick("abc", "2024-XF-00001", "0000-XF-0001", "2024-xf-0001", "2024-XF-0001%2F..", "%20", "2024-XF--001", new string('9', 300))
            : petitions
                ? Pick("2024-XF-9999", "2023-XF-0001", "2025-XF-0001", fixture.Cases[DisputeStage.Accepted].Id)
                : Pick("2024-JF-9999", "2023-JF-0001", "2025-JF-0001", fixture.Cases[PetitionStage.Accepted].Id);
        var known = petitions ? fixture.Cases[PetitionStage.Accepted].Id : fixture.Cases[DisputeStage.Accepted].Id;
        var path = spec.Target is null
            ? ValidPathFor(spec).Replace(known, caseId, StringComparison.Ordinal)
            : $"/api/townships/{T}/{spec.Kind}/{caseId}/{spec.Verb}";
        var body = spec.Body?.Invoke();
        return body is null
            ? new BadRequest("unknownCase", spec.Method, path, null, null, [404])
            : Bad("unknownCase", spec, path, body, [404]);
    }

    private BadRequest UnknownLeader()
    {
        var spec = Pick(Commands.Where(c => c.Verb == "assign").ToArray());
        var body = spec.Body!();
        // Nobody on the roster, a case variant of a leader, and leaders of other townships.
        body["leaderId"] = Pick("ghost", "WANG", "Li", "zhou", "sun");
        return Bad("unknownLeader", spec, ValidPath(spec), body, [400, 422]);
    }

    private static readonly Dictionary<Enum, string[]> ValidVerbs = new()
    {
        [PetitionStage.Registered] = ["accept", "decline", "assign", "progress", "withdraw"],
        [PetitionStage.Accepted] = ["assign", "progress", "extend", "conclude", "withdraw"],
        [PetitionStage.Concluded] = ["evaluate", "review"],
        [PetitionStage.UnderReview] = ["progress", "evaluate", "review/conclude"],
        [PetitionStage.Reviewed] = ["evaluate", "recheck"],
        [PetitionStage.UnderRecheck] = ["progress", "evaluate", "recheck/hearing/start", "recheck/conclude"],
        [PetitionStage.HearingOpen] = ["progress", "evaluate", "recheck/hearing/end"],
        [PetitionStage.Final] = [],
        [PetitionStage.Declined] = [],
        [PetitionStage.Withdrawn] = [],
        [DisputeStage.Registered] = ["accept", "assign", "fail"],
        [DisputeStage.Accepted] = ["assign", "mediate", "resolve", "fail", "extend"],
        [DisputeStage.Resolved] = ["followUp"],
        [DisputeStage.Closed] = [],
        [DisputeStage.Failed] = [],
    };

    private BadRequest InvalidTransition()
    {
        while (true)
        {
            var spec = Commands[random.Next(Commands.Count)];
            Enum[] stages = spec.Kind == "petitions" ? [.. Enum.GetValues<PetitionStage>().Cast<Enum>()] : [.. Enum.GetValues<DisputeStage>().Cast<Enum>()];
            var stage = stages[random.Next(stages.Length)];
            if (ValidVerbs[stage].Contains(spec.Verb))
            {
                continue;
            }
            var body = spec.Body!();
            if (body.ContainsKey("at"))
            {
                body["at"] = AfterEverything;
            }
            return Bad("invalidTransition", spec, $"/api/townships/{T}/{spec.Kind}/{fixture.Cases[stage].Id}/{spec.Verb}", body, [409, 422]);
        }
    }

    private BadRequest IfMatch()
    {
        var spec = Commands[random.Next(Commands.Count)];
        var version = fixture.Cases[spec.Target!].Version;
        if (random.Next(2) == 0)
        {
            var malformed = Pick("abc", "\"x\"", "\"-1\"", "1.5", "\"1\", \"2\"", "W/\"abc\"", "\"\"", "\"99999999999999999999\"", "'1'", "\"1");
            return Bad("ifMatch", spec, ValidPath(spec), spec.Body!(), BadRequestStatus, new Dictionary<string, string> { ["If-Match"] = malformed });
        }
        var stale = Pick(version + 1, version + 100, version > 1 ? version - 1 : version + 2, 0);
        var header = random.Next(3) == 0 ? $"W/\"{stale}\"" : $"\"{stale}\"";
        return Bad("ifMatch", spec, ValidPath(spec), spec.Body!(), [412], new Dictionary<string, string> { ["If-Match"] = header });
    }

    private BadRequest Query()
    {
        var kind = Pick("petitions", "disputes");
        var roll = random.Next(10);
        if (roll < 6)
        {
            var query = Pick("pageSize=0", "pageSize=201", "pageSize=-1", "pageSize=abc", "pageSize=1.5", "page=0", "page=-1", "page=abc",
                "page=99999999999", "year=abc", "year=1989", "year=2201", "year=1e3", "overdue=maybe", "overdue=2", "overdue=yes",
                "status=" + new string('s', 41), "status=bogus", "status=Registered", "status=" + (kind == "petitions" ? "resolved" : "final"), "leaderId=" + new string('l', 65), "page=2147483647", "page=1&pageSize=0");
            return new BadRequest("query", "GET", $"/api/townships/{T}/{kind}?{query}", null, null, BadRequestStatus);
        }
        if (roll < 9)
        {
            var rollup = Pick($"/api/townships/{T}/rollups", $"/api/counties/{ApiWorld.County}/rollups");
            return random.Next(3) switch
            {
                0 => new BadRequest("query", "GET", $"{rollup}/2024?asOf=" + Pick("2024-13-01", "2024-1-1", "yesterday", "20240101", "2024-02-30", ""), null, null, BadRequestStatus),
                1 => new BadRequest("query", "GET", $"{rollup}/" + Pick("1989", "2201", "0", "-1"), null, null, BadRequestStatus),
                _ => new BadRequest("query", "GET", $"{rollup}/" + Pick("abc", "99999999999", "12.5", "2024x"), null, null, [404]),
            };
        }
        return new BadRequest("query", "GET", $"/api/townships/{T}/access-log?limit=" + Pick("0", "1001", "-1", "abc"), null, null, BadRequestStatus);
    }

    private BadRequest MediaType()
    {
        var spec = AnyBodyEndpoint();
        var type = Pick<string?>("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/json-ish", null);
        var body = type is null && random.Next(2) == 0 ? null : Encoding.UTF8.GetBytes(spec.Body!().ToJsonString());
        return new BadRequest("mediaType", spec.Method, ValidPath(spec), body ?? (type is null ? null : []), type, [415]);
    }

    private BadRequest Method()
    {
        var spec = EndpointTable.All[random.Next(EndpointTable.All.Count)];
        var path = ValidPathFor(spec);
        var mapped = EndpointTable.All.Where(e => Matches(e, path)).Select(e => e.Method).ToHashSet(StringComparer.Ordinal);
        var method = new[] { "DELETE", "PATCH", "PUT", "POST", "GET" }.Where(m => !mapped.Contains(m)).ElementAt(random.Next(5 - mapped.Count));
        var body = method is "GET" or "DELETE" ? null : Encoding.UTF8.GetBytes("{}");
        return new BadRequest("method", method, path, body, body is null ? null : Json, [405]);
    }

    private static bool Matches(EndpointSpec spec, string path)
    {
        var pattern = EndpointTable.Normalize(spec.Pattern).Split('/');
        var parts = path.Split('?')[0].Split('/');
        return pattern.Length == parts.Length && pattern.Zip(parts).All(p => p.First.StartsWith('{') || p.First == p.Second);
    }

    private BadRequest IdempotencyKey()
    {
        var spec = EndpointTable.ByKey[Pick("POST /api/townships/{townshipId}/petitions", "POST /api/townships/{townshipId}/disputes")];
        var key = new string('k', 201 + random.Next(300));
        return Bad("idempotencyKey", spec, ValidPath(spec), spec.Body!(), BadRequestStatus, new Dictionary<string, string> { ["Idempotency-Key"] = key });
    }

    // ---- helpers ----

    private static string Future(Random random)
    {
        var ahead = random.Next(3) switch
        {
            0 => TimeSpan.FromMinutes(6 + random.Next(60)),
            1 => TimeSpan.FromDays(1 + random.Next(365)),
            _ => TimeSpan.FromDays(365 * (1 + random.Next(50))),
        };
        return DateTimeOffset.UtcNow.Add(ahead).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    private string Future() => Future(random);

    private string RandomAscii(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)random.Next(32, 127);
        }
        // Make sure it is not accidentally a JSON object.
        return "~" + new string(chars);
    }

    private T Pick<T>(params T[] values) => values[random.Next(values.Length)];

    private JsonNode? PickNode(params JsonNode?[] values) => values[random.Next(values.Length)]?.DeepClone();
}
