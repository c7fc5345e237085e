using System.Text;
using System.Text.Json.Nodes;
using CaseGrains.Server.Auth;
using CaseGrains.Testing;
using Xunit.Abstractions;

namespace CaseGrains.Server.Tests;

/// <summary>
/// Every answer validates against the served document. The API tests' clients already check each answer
/// they get (<see cref="ContractCheckingHandler"/>); this test drives every endpoint's success and its error
/// answers, a petition and a dispute through their lives, and bad requests of each kind, then checks that
/// every operation of the document was seen answering both a success and an error.
/// </summary>
public sealed class OpenApiConformanceTests(ITestOutputHelper output)
{
    private const string T = ApiWorld.Township;

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task Every_success_and_error_answer_of_every_operation_validates_against_the_served_document(StoreKind kind)
    {
        await using var world = await ApiWorld.StartAsync(kind);

        // Every endpoint: its success, and each error any caller can provoke on it.
        foreach (var spec in EndpointTable.All)
        {
            var method = new HttpMethod(spec.Method);
            var prepared = await spec.Prepare(world);
            var success = prepared.Raw is { } file
                ? await world.SendRawAsync(method, prepared.Path, "Bearer " + world.AdminToken, file())
                : await world.SendAsync(method, prepared.Path, world.AdminToken, prepared.Body);
            Assert.True(success.Code == spec.Success, $"{spec}: {success}");
            Assert.Equal(401, (await world.SendAsync(method, prepared.Path, token: null, prepared.Body)).Code);
            var refused = new[] { Roles.Officer, Roles.Supervisor, Roles.Reporter }.First(r => !spec.Roles.Contains(r));
            Assert.Equal(403, (await world.SendAsync(method, prepared.Path, world.Token(refused, [T], [ApiWorld.County]), prepared.Body)).Code);
            var elsewhere = spec.Scope == ScopeKind.Township
                ? prepared.Path.Replace($"/townships/{T}", "/townships/t-nosuch", StringComparison.Ordinal)
                : prepared.Path.Replace($"/counties/{ApiWorld.County}", "/counties/c-nosuch", StringComparison.Ordinal);
            if ((spec.Method != "PUT" || spec.Success != 201) && spec.Scope != ScopeKind.Service)
            {
                Assert.Equal(404, (await world.SendAsync(method, elsewhere, world.AdminToken, (await spec.Prepare(world)).Body)).Code);
            }
            if (spec.Body is not null)
            {
                var next = await spec.Prepare(world);
                Assert.Equal(400, (await world.SendAsync(method, next.Path, world.AdminToken, new JsonObject())).Code);
                Assert.Equal(400, (await world.SendRawAsync(method, next.Path, "Bearer " + world.AdminToken,
                    new StringContent("{\"at\":", Encoding.UTF8, "application/json"))).Code);
                Assert.Equal(415, (await world.SendRawAsync(method, next.Path, "Bearer " + world.AdminToken,
                    new StringContent(next.Body!.ToJsonString(), Encoding.UTF8, "text/plain"))).Code);
                Assert.Equal(413, (await world.SendRawAsync(method, next.Path, "Bearer " + world.AdminToken,
                    new StringContent("{\"padding\":\"" + new string('x', 300 * 1024) + "\"}", Encoding.UTF8, "application/json"))).Code);
            }
            Assert.Equal(405, (await world.SendAsync(HttpMethod.Delete, prepared.Path, world.AdminToken)).Code);
        }

        // A petition's life through every verb, with the headers of api.md, and the errors met on the way.
        var petitions = $"/api/townships/{T}/petitions";
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "conformance-" + kind };
        var created = await world.SendAsync(HttpMethod.Post, petitions, world.AdminToken, Bodies.RegisterPetition(), key);
        Assert.Equal(201, created.Code);
        Assert.Equal("true", (await world.SendAsync(HttpMethod.Post, petitions, world.AdminToken, Bodies.RegisterPetition(), key)).Header("Idempotent-Replayed"));
        var changed = Bodies.RegisterPetition();
        changed["subject"] = "另一事项";
        Assert.Equal(422, (await world.SendAsync(HttpMethod.Post, petitions, world.AdminToken, changed, key)).Code);
        var p = $"{petitions}/{created.Json.GetProperty("id").GetString()}";
        // Entered late, the case recorded «已超期» at once: its ETag is the one to send.
        await Step(world, p, "accept", Bodies.At(Timeline.Accepted), ifMatch: created.Header("ETag"));
        Assert.Equal(412, (await world.SendAsync(HttpMethod.Post, $"{p}/progress", world.AdminToken,
            new JsonObject { ["at"] = Timeline.Progress, ["note"] = "核实" }, new Dictionary<string, string> { ["If-Match"] = "\"1\"" })).Code);
        Assert.Equal(409, (await world.SendAsync(HttpMethod.Post, $"{p}/review", world.AdminToken, Bodies.At(Timeline.ReviewRequested))).Code);
        Assert.Equal(422, (await world.SendAsync(HttpMethod.Post, $"{p}/assign", world.AdminToken, new JsonObject { ["leaderId"] = "ghost" })).Code);
        await Step(world, p, "assign", new JsonObject { ["leaderId"] = ApiWorld.Leader, ["handlers"] = new JsonArray("officer-a") });
        await Step(world, p, "progress", new JsonObject { ["at"] = Timeline.Progress, ["note"] = "走访核实" });
        await Step(world, p, "extend", new JsonObject { ["days"] = 15, ["reason"] = "案情复杂", ["approvedBy"] = "王书记" });
        await Step(world, p, "conclude", new JsonObject { ["at"] = Timeline.Concluded, ["outcome"] = "supported", ["reply"] = "已答复" });
        await Step(world, p, "evaluate", new JsonObject { ["rating"] = "basicallySatisfied" });
        await Step(world, p, "review", Bodies.At(Timeline.ReviewRequested));
        await Step(world, p, "review/conclude", new JsonObject { ["at"] = Timeline.ReviewConcluded, ["decision"] = "changed" });
        await Step(world, p, "recheck", Bodies.At(Timeline.RecheckRequested));
        await Step(world, p, "recheck/hearing/start", Bodies.At(Timeline.HearingStarted));
        await Step(world, p, "recheck/hearing/end", Bodies.At(Timeline.HearingEnded));
        await Step(world, p, "recheck/conclude", new JsonObject { ["at"] = Timeline.RecheckConcluded, ["decision"] = "upheld" });
        foreach (var token in new[] { world.AdminToken, world.Token(Roles.Supervisor, [T]) })
        {
            Assert.Equal(200, (await world.SendAsync(HttpMethod.Get, p, token)).Code);
            Assert.Equal(200, (await world.SendAsync(HttpMethod.Get, $"{p}/events", token)).Code);
        }
        await world.NewPetitionAsync(PetitionStage.Declined);
        await world.NewPetitionAsync(PetitionStage.Withdrawn);

        // A dispute's life, resolved and followed up, and one that failed.
        var disputes = $"/api/townships/{T}/disputes";
        var dispute = await world.SendAsync(HttpMethod.Post, disputes, world.AdminToken, Bodies.RegisterDispute());
        var d = $"{disputes}/{dispute.Json.GetProperty("id").GetString()}";
        await Step(world, d, "accept", new JsonObject { ["at"] = Timeline.Accepted, ["procedure"] = "simple" });
        await Step(world, d, "assign", new JsonObject { ["leaderId"] = ApiWorld.SecondLeader, ["mediators"] = new JsonArray("mediator-a") });
        await Step(world, d, "mediate", new JsonObject { ["at"] = Timeline.Mediated, ["note"] = "首次调解" });
        await Step(world, d, "extend", new JsonObject { ["days"] = 10, ["reason"] = "当事人同意", ["approvedBy"] = "王书记" });
        await Step(world, d, "resolve", new JsonObject { ["at"] = Timeline.Resolved, ["procedure"] = "simple", ["agreement"] = "oral" });
        await Step(world, d, "followUp", new JsonObject { ["at"] = Timeline.FollowedUp, ["fulfilled"] = "fulfilled" });
        Assert.Equal(409, (await world.SendAsync(HttpMethod.Post, $"{d}/mediate", world.AdminToken, new JsonObject { ["at"] = Timeline.FollowedUp, ["note"] = "再次" })).Code);
        await world.NewDisputeAsync(DisputeStage.Failed);

        // Lists in every shape, rollups with rates of zero denominators, probes, and paths that do not exist.
        foreach (var query in new[] { "", "?status=final", "?overdue=true", "?overdue=false&year=2024", "?leaderId=wang&page=2&pageSize=1", "?page=0" })
        {
            await world.SendAsync(HttpMethod.Get, petitions + query, world.AdminToken);
            await world.SendAsync(HttpMethod.Get, disputes + query, world.AdminToken);
        }
        foreach (var path in new[] { $"/api/townships/{T}/rollups/2024", $"/api/townships/{T}/rollups/2023?asOf=2023-06-30", $"/api/townships/{T}/rollups/1989",
            $"/api/counties/{ApiWorld.County}/rollups/2024", $"/api/townships/{T}/rollups/abc", "/api/nosuch", $"/api/townships/{T}/access-log?limit=0" })
        {
            await world.SendAsync(HttpMethod.Get, path, world.AdminToken);
        }
        Assert.Equal(200, (await world.SendAsync(HttpMethod.Get, "/healthz", token: null)).Code);
        Assert.Equal(200, (await world.SendAsync(HttpMethod.Get, "/readyz", token: null)).Code);

        // Coverage: every operation of the document answered a success and an error, and each answer was checked.
        var exchanges = world.App.Exchanges.ToList();
        Assert.All(exchanges, e => Assert.Null(e.Violation));
        var document = (await world.App.ContractAsync()).Document;
        var missing = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, _) in item!.AsObject())
            {
                var seen = exchanges.Where(e => e.Template == path && e.Method.Equals(method, StringComparison.OrdinalIgnoreCase)).ToList();
                if (!seen.Any(e => e.Status < 300))
                {
                    missing.Add($"{method.ToUpperInvariant()} {path}: no success answer");
                }
                if (path.StartsWith("/api", StringComparison.Ordinal) && !seen.Any(e => e.Status >= 400))
                {
                    missing.Add($"{method.ToUpperInvariant()} {path}: no error answer");
                }
            }
        }
        output.WriteLine($"{exchanges.Count} answers validated, {exchanges.Select(e => e.Key).Distinct().Count()} distinct (operation, status) pairs");
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    private static async Task Step(ApiWorld world, string casePath, string verb, JsonObject body, string? ifMatch = null)
    {
        var answer = await world.SendAsync(HttpMethod.Post, $"{casePath}/{verb}", world.AdminToken, body,
            ifMatch is null ? null : new Dictionary<string, string> { ["If-Match"] = ifMatch });
        Assert.True(answer.Code == 200, $"{verb}: {answer}");
        Assert.NotNull(answer.Header("ETag"));
    }
}
