using System.Text;
using System.Text.Json.Nodes;
using CaseGrains.Domain;
using CaseGrains.Grains.Cases;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Infrastructure;
using CaseGrains.Testing;

namespace CaseGrains.Server.Tests;

/// <summary>
/// Every error code a client can provoke arrives over HTTP with its status, its code and a Chinese
/// message. Codes no request can reach (the gateway refuses first, or only a fault or a race produces
/// them) are listed with the reason, and the two lists together must be the whole catalogue, so that a
/// new code is either provoked here or explained.
/// </summary>
public sealed class ErrorCodeTests
{
    private const string T = ApiWorld.Township;
    private const string P = $"/api/townships/{T}/petitions";
    private const string D = $"/api/townships/{T}/disputes";

    /// <summary>Codes no request can provoke on demand, and why.</summary>
    private static readonly Dictionary<string, string> Unreachable = new(StringComparer.Ordinal)
    {
        [ErrorCodes.CaseAlreadyExists] = "the township numbers every case inside its turn, so a number is never registered twice",
        [ErrorCodes.CaseInvalidId] = "the gateway answers a malformed case number with case.not-found before any grain sees it",
        [ErrorCodes.ValueRequired] = "the gateway's field checks refuse missing values first (request.invalid)",
        [ErrorCodes.ValueInvalid] = "the gateway reads enums strictly and refuses unknown names first (request.invalid)",
        [ErrorCodes.PetitionNoPetitioner] = "the gateway requires at least one petitioner first (request.invalid)",
        [ErrorCodes.DisputeNoParty] = "the gateway requires at least one party first (request.invalid)",
        [GatewayErrors.RateLimited] = "needs a tiny request budget: RateLimitTests checks it",
        [GatewayErrors.StorageUnavailable] = "needs the database to go away: StorageOutageTests checks it",
        [GatewayErrors.NotReady] = "needs a reachable database whose schema is not migrated while the service runs",
        [GatewayErrors.ShuttingDown] = "only while the node shuts down",
        [GatewayErrors.NodeUnavailable] = "only when a silo dies during the call",
        [GatewayErrors.Timeout] = "only when a grain does not answer within Grains:ResponseTimeout",
        [GatewayErrors.ConcurrentChange] = "only when two silos race on one case (a fail-over)",
        [GatewayErrors.IdempotencyInProgress] = "only while the first request with the key is still deciding",
        [GatewayErrors.Internal] = "only on a bug",
    };

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task Every_code_a_client_can_provoke_arrives_over_http_with_its_code_and_a_chinese_message(StoreKind kind)
    {
        await using var world = await ApiWorld.StartAsync(kind);
        var provoked = new Dictionary<string, (int Status, Func<Task<ApiAnswer>> Send)>(StringComparer.Ordinal);
        Task<ApiAnswer> Admin(HttpMethod method, string path, JsonNode? body = null, Dictionary<string, string>? headers = null)
            => world.SendAsync(method, path, world.AdminToken, body, headers);
        Task<ApiAnswer> Post(string path, JsonNode body) => Admin(HttpMethod.Post, path, body);
        async Task<string> Petition(PetitionStage stage) => $"{P}/{await world.NewPetitionAsync(stage)}";
        async Task<string> Dispute(DisputeStage stage) => $"{D}/{await world.NewDisputeAsync(stage)}";
        JsonObject Register(Action<JsonObject> change)
        {
            var body = Bodies.RegisterPetition();
            change(body);
            return body;
        }
        JsonObject Extend(int days) => new() { ["days"] = days, ["reason"] = "案情复杂", ["approvedBy"] = "王书记" };
        const string After = "2024-07-01T10:00:00+08:00";

        // Any case.
        provoked[ErrorCodes.CaseNotFound] = (404, () => Admin(HttpMethod.Get, $"{P}/2024-XF-9999"));
        provoked[ErrorCodes.TownshipNotFound] = (404, () => Admin(HttpMethod.Get, "/api/townships/t-nosuch"));
        provoked[ErrorCodes.TimeInFuture] = (400, () => Post(P, Register(b => b["receivedAt"] = DateTimeOffset.UtcNow.AddDays(3).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture))));
        provoked[ErrorCodes.TimeBeforeRegistration] = (400, async () => await Post($"{await Petition(PetitionStage.Registered)}/accept", Bodies.At("2024-03-01T10:00:00+08:00")));
        provoked[ErrorCodes.TimeOutOfOrder] = (400, async () => await Post($"{await Petition(PetitionStage.Accepted)}/progress",
            new JsonObject { ["at"] = "2024-03-06T09:00:00+08:00", ["note"] = "核实" }));
        provoked[ErrorCodes.LeaderNotOnRoster] = (422, async () => await Post($"{await Petition(PetitionStage.Accepted)}/assign", new JsonObject { ["leaderId"] = "ghost" }));
        provoked[GrainErrors.VersionMismatchCode] = (412, async () => await Admin(HttpMethod.Post, $"{await Petition(PetitionStage.Registered)}/accept",
            Bodies.At(Timeline.Accepted), new() { ["If-Match"] = "\"7\"" }));

        // Petitions: registration rules.
        provoked[ErrorCodes.PetitionHeadcountInvalid] = (400, () => Post(P, Register(b =>
        {
            ((JsonArray)b["petitioners"]!).Add(new JsonObject { ["name"] = "王五" });
            b["headcount"] = 1;
        })));
        provoked[ErrorCodes.PetitionHotlineOrderRequired] = (400, () => Post(P, Register(b => b["channel"] = "hotline12345")));
        provoked[ErrorCodes.PetitionNotHotline] = (400, () => Post(P, Register(b => b["platformDueOn"] = "2024-03-20")));
        provoked[ErrorCodes.PetitionPlatformDueInvalid] = (400, () => Post(P, Register(b =>
        {
            b["channel"] = "hotline12345";
            b["externalOrderId"] = "GD-20240305-01";
            b["platformDueOn"] = "2024-03-01";
        })));
        provoked[ErrorCodes.PetitionRepeatOfInvalid] = (400, () => Post(P, Register(b => b["repeatOf"] = "not-a-case")));

        // Petitions: steps in the wrong state.
        provoked[ErrorCodes.PetitionNotRegistered] = (409, async () => await Post($"{await Petition(PetitionStage.Accepted)}/accept", Bodies.At(After)));
        provoked[ErrorCodes.PetitionNotAccepted] = (409, async () => await Post($"{await Petition(PetitionStage.Registered)}/extend", Extend(10)));
        provoked[ErrorCodes.PetitionAlreadyConcluded] = (409, async () => await Post($"{await Petition(PetitionStage.Concluded)}/assign", new JsonObject { ["leaderId"] = ApiWorld.Leader }));
        provoked[ErrorCodes.PetitionNotInProgress] = (409, async () => await Post($"{await Petition(PetitionStage.Concluded)}/progress", new JsonObject { ["at"] = After, ["note"] = "再访" }));
        provoked[ErrorCodes.PetitionNotConcluded] = (409, async () => await Post($"{await Petition(PetitionStage.Accepted)}/evaluate", new JsonObject { ["rating"] = "satisfied" }));
        provoked[ErrorCodes.PetitionReviewAlreadyRequested] = (409, async () => await Post($"{await Petition(PetitionStage.UnderReview)}/review", Bodies.At(After)));
        provoked[ErrorCodes.PetitionNotUnderReview] = (409, async () => await Post($"{await Petition(PetitionStage.Concluded)}/review/conclude",
            new JsonObject { ["at"] = After, ["decision"] = "upheld" }));
        provoked[ErrorCodes.PetitionNotReviewed] = (409, async () => await Post($"{await Petition(PetitionStage.Concluded)}/recheck", Bodies.At(After)));
        provoked[ErrorCodes.PetitionRecheckAlreadyRequested] = (409, async () => await Post($"{await Petition(PetitionStage.UnderRecheck)}/recheck", Bodies.At(After)));
        provoked[ErrorCodes.PetitionNotUnderRecheck] = (409, async () => await Post($"{await Petition(PetitionStage.Reviewed)}/recheck/conclude",
            new JsonObject { ["at"] = After, ["decision"] = "upheld" }));
        provoked[ErrorCodes.PetitionDeclined] = (409, async () => await Post($"{await Petition(PetitionStage.Declined)}/progress", new JsonObject { ["at"] = After, ["note"] = "再访" }));
        provoked[ErrorCodes.PetitionWithdrawn] = (409, async () => await Post($"{await Petition(PetitionStage.Withdrawn)}/progress", new JsonObject { ["at"] = After, ["note"] = "再访" }));
        provoked[ErrorCodes.PetitionFinal] = (409, async () => await Post($"{await Petition(PetitionStage.Final)}/progress", new JsonObject { ["at"] = After, ["note"] = "再访" }));
        provoked[ErrorCodes.PetitionHearingOpen] = (409, async () => await Post($"{await Petition(PetitionStage.HearingOpen)}/recheck/conclude",
            new JsonObject { ["at"] = After, ["decision"] = "upheld" }));
        provoked[ErrorCodes.PetitionNoHearingOpen] = (409, async () => await Post($"{await Petition(PetitionStage.UnderRecheck)}/recheck/hearing/end", Bodies.At(After)));
        provoked[ErrorCodes.PetitionAlreadyEvaluated] = (409, async () =>
        {
            var at = await Petition(PetitionStage.Concluded);
            await world.AdminAsync(HttpMethod.Post, $"{at}/evaluate", new JsonObject { ["rating"] = "satisfied" });
            return await Post($"{at}/evaluate", new JsonObject { ["rating"] = "dissatisfied" });
        });

        // Petitions: rules of the regulations.
        provoked[ErrorCodes.PetitionExtensionDaysOutOfRange] = (422, async () => await Post($"{await Petition(PetitionStage.Accepted)}/extend", Extend(31)));
        provoked[ErrorCodes.PetitionAlreadyExtended] = (422, async () =>
        {
            var at = await Petition(PetitionStage.Accepted);
            await world.AdminAsync(HttpMethod.Post, $"{at}/extend", Extend(10));
            return await Post($"{at}/extend", Extend(5));
        });
        provoked[ErrorCodes.PetitionHotlineExtension] = (422, async () =>
        {
            var created = await world.AdminAsync(HttpMethod.Post, P, Register(b =>
            {
                b["channel"] = "hotline12345";
                b["externalOrderId"] = "GD-20240305-02";
                b["platformDueOn"] = "2024-03-20";
            }));
            var at = $"{P}/{created.Json.GetProperty("id").GetString()}";
            await world.AdminAsync(HttpMethod.Post, $"{at}/accept", Bodies.At(Timeline.Accepted));
            return await Post($"{at}/extend", Extend(10));
        });
        provoked[ErrorCodes.PetitionReviewWindowClosed] = (422, async () => await Post($"{await Petition(PetitionStage.Concluded)}/review", Bodies.At("2024-06-30T10:00:00+08:00")));
        provoked[ErrorCodes.PetitionRecheckWindowClosed] = (422, async () => await Post($"{await Petition(PetitionStage.Reviewed)}/recheck", Bodies.At("2024-07-30T10:00:00+08:00")));

        // Disputes.
        provoked[ErrorCodes.DisputeUnknownCategory] = (400, () =>
        {
            var body = Bodies.RegisterDispute();
            body["category"] = "火星事务";
            return Post(D, body);
        });
        provoked[ErrorCodes.DisputeNotRegistered] = (409, async () => await Post($"{await Dispute(DisputeStage.Accepted)}/accept", Bodies.At(After)));
        provoked[ErrorCodes.DisputeNotAccepted] = (409, async () => await Post($"{await Dispute(DisputeStage.Registered)}/mediate", new JsonObject { ["at"] = After, ["note"] = "调解" }));
        provoked[ErrorCodes.DisputeAlreadySettled] = (409, async () => await Post($"{await Dispute(DisputeStage.Resolved)}/mediate", new JsonObject { ["at"] = After, ["note"] = "调解" }));
        provoked[ErrorCodes.DisputeNotResolved] = (409, async () => await Post($"{await Dispute(DisputeStage.Accepted)}/followUp", new JsonObject { ["at"] = After, ["fulfilled"] = "fulfilled" }));
        provoked[ErrorCodes.DisputeAlreadyFollowedUp] = (409, async () => await Post($"{await Dispute(DisputeStage.Closed)}/followUp", new JsonObject { ["at"] = After, ["fulfilled"] = "fulfilled" }));
        provoked[ErrorCodes.DisputeExtensionDaysOutOfRange] = (422, async () => await Post($"{await Dispute(DisputeStage.Accepted)}/extend", Extend(0)));
        provoked[ErrorCodes.DisputeAlreadyExtended] = (422, async () =>
        {
            var at = await Dispute(DisputeStage.Accepted);
            await world.AdminAsync(HttpMethod.Post, $"{at}/extend", Extend(10));
            return await Post($"{at}/extend", Extend(5));
        });

        // The gateway's own.
        provoked[GatewayErrors.RequestInvalid] = (400, () => Post(P, new JsonObject()));
        provoked[GatewayErrors.Unauthorized] = (401, () => world.SendAsync(HttpMethod.Get, $"/api/townships/{T}", token: null));
        provoked[GatewayErrors.Forbidden] = (403, () => world.SendAsync(HttpMethod.Get, $"/api/townships/{T}", world.Token(Roles.Reporter, [T])));
        provoked[GatewayErrors.ResourceNotFound] = (404, () => Admin(HttpMethod.Get, "/api/nosuch"));
        provoked[GatewayErrors.CountyNotFound] = (404, () => Admin(HttpMethod.Get, "/api/counties/c-nosuch/rollups/2024"));
        provoked[GatewayErrors.MethodNotAllowed] = (405, () => Admin(HttpMethod.Delete, $"/api/townships/{T}"));
        provoked[GatewayErrors.PayloadTooLarge] = (413, () => world.SendRawAsync(HttpMethod.Post, P, "Bearer " + world.AdminToken,
            new StringContent("{\"summary\":\"" + new string('x', 300 * 1024) + "\"}", Encoding.UTF8, "application/json")));
        provoked[GatewayErrors.UnsupportedMediaType] = (415, () => world.SendRawAsync(HttpMethod.Post, P, "Bearer " + world.AdminToken,
            new StringContent(Bodies.RegisterPetition().ToJsonString(), Encoding.UTF8, "text/plain")));
        provoked[GatewayErrors.UnsupportedLedgerType] = (415, () => world.SendRawAsync(HttpMethod.Post, $"/api/townships/{T}/imports", "Bearer " + world.AdminToken,
            new StringContent("{}", Encoding.UTF8, "application/json")));
        provoked[GatewayErrors.IdempotencyKeyReused] = (422, async () =>
        {
            var key = new Dictionary<string, string> { ["Idempotency-Key"] = "error-codes-" + kind };
            await Admin(HttpMethod.Post, P, Bodies.RegisterPetition(), key);
            return await Admin(HttpMethod.Post, P, Register(b => b["subject"] = "另一事项"), key);
        });

        var catalogue = GatewayErrors.Catalog.ToHashSet(StringComparer.Ordinal);
        Assert.Equal([], catalogue.Except(provoked.Keys).Except(Unreachable.Keys).Order(StringComparer.Ordinal));
        Assert.Equal([], provoked.Keys.Intersect(Unreachable.Keys));
        Assert.Equal([], provoked.Keys.Concat(Unreachable.Keys).Except(catalogue));

        var wrong = new List<string>();
        foreach (var (code, (status, send)) in provoked)
        {
            var answer = await send();
            var body = answer.IsProblem ? answer.Json : default;
            var arrived = answer.IsProblem && body.TryGetProperty("code", out var c) ? c.GetString() : null;
            var zh = answer.IsProblem && body.TryGetProperty("messageZh", out var m) ? m.GetString() : null;
            if (answer.Code != status || arrived != code || string.IsNullOrWhiteSpace(zh) || !zh.Any(ch => ch >= '\u4e00' && ch <= '\u9fff'))
            {
                wrong.Add($"{code}: expected {status} with that code and a Chinese messageZh, got {answer}");
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
