using System.Security.Cryptography;
using System.Text;
using CaseGrains.Server.Auth;
using CaseGrains.Testing;
using Microsoft.AspNetCore.Authorization;
using Xunit.Abstractions;

namespace CaseGrains.Server.Tests;

/// <summary>
/// Every mapped <c>/api</c> endpoint, read from the running app, against every kind of caller: no or a
/// bad token (401), a role that may not act (403), a caller of another township or county (404, and
/// nothing written), and each role that may act (success), as <c>api.md</c> assigns them.
/// </summary>
public sealed class AuthorizationMatrixTests(ITestOutputHelper output)
{
    /// <summary>A caller: role and scope claims.</summary>
    private sealed record Caller(string Role, string[]? Townships, string[]? Counties)
    {
        public override string ToString()
            => $"{Role}[{string.Join(",", Townships ?? [])}|{string.Join(",", Counties ?? [])}]";
    }

    [Fact]
    public async Task Every_mapped_api_endpoint_has_a_row_in_the_endpoint_table_and_requires_authorization()
    {
        await using var world = await ApiWorld.StartAsync(StoreKind.Sqlite);
        var mapped = EndpointTable.Mapped(world.App);
        Assert.NotEmpty(mapped);

        var (missing, stale) = EndpointTable.Compare(world.App);
        Assert.True(missing.Count == 0,
            "Endpoints without a row in EndpointTable (add one: roles, scope, a valid request, body fields): " + string.Join("; ", missing));
        Assert.True(stale.Count == 0, "EndpointTable rows for endpoints that are no longer mapped: " + string.Join("; ", stale));

        // Metadata too: no /api endpoint may be anonymous or lack a role policy.
        var open = mapped
            .Where(m => m.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
                || !m.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => !string.IsNullOrEmpty(a.Policy) || !string.IsNullOrEmpty(a.Roles)))
            .Select(m => $"{m.Method} {m.Pattern}")
            .ToList();
        Assert.True(open.Count == 0, "Endpoints without a role policy: " + string.Join("; ", open));
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task Every_endpoint_answers_each_caller_as_the_contract_says_and_writes_nothing_when_refused(StoreKind kind)
    {
        await using var world = await ApiWorld.StartAsync(kind);
        var (missing, _) = EndpointTable.Compare(world.App);
        Assert.True(missing.Count == 0, "Endpoints without a row in EndpointTable: " + string.Join("; ", missing));

        var badTokens = BadAuthorizations(world);
        var failures = new List<string>();
        foreach (var spec in EndpointTable.All)
        {
            var method = new HttpMethod(spec.Method);
            var prepared = await spec.Prepare(world);
            var before = await StoreSnapshot.TakeAsync(world.App, events: false);

            // No token or a bad one: 401 as ProblemDetails.
            foreach (var (label, authorization) in badTokens)
            {
                var answer = await world.SendRawAsync(method, prepared.Path, authorization, Content(prepared));
                Expect(failures, spec, $"token {label}", answer, 401);
            }

            // In scope, but a role that may not act (and a token with no known role): 403.
            foreach (var caller in InScope(spec.Scope).Where(c => !spec.Roles.Contains(c.Role)).Append(new Caller("auditor", [ApiWorld.Township], [ApiWorld.County])))
            {
                var answer = await Send(world, method, prepared, Token(world, caller));
                Expect(failures, spec, $"in-scope {caller}", answer, 403);
            }

            // Outside the caller's scope (another township, another county): 404 for a role that may act, so
            // ids cannot be probed; a role that may not act is refused before the scope is looked at.
            foreach (var caller in OutOfScope(spec.Scope))
            {
                var answer = await Send(world, method, prepared, Token(world, caller));
                Expect(failures, spec, $"out-of-scope {caller}", answer, spec.Roles.Contains(caller.Role) ? 404 : 403);
            }

            var difference = (await StoreSnapshot.TakeAsync(world.App, events: false)).DifferenceFrom(before);
            if (difference is not null)
            {
                failures.Add($"{spec}: refused callers changed storage: {difference}");
            }

            // Each role that may act succeeds, through each way it can hold the scope (a fresh case each time).
            var first = true;
            foreach (var caller in InScope(spec.Scope).Where(c => spec.Roles.Contains(c.Role)))
            {
                var request = first ? prepared : await spec.Prepare(world);
                first = false;
                var answer = await Send(world, method, request, Token(world, caller));
                if (answer.Code != spec.Success || answer.MediaType != spec.MediaType)
                {
                    failures.Add($"{spec}: allowed {caller} got {answer}, expected {spec.Success}");
                }
            }
        }

        output.WriteLine($"{EndpointTable.All.Count} endpoints, {world.Requests} requests on {kind}");
        Assert.True(failures.Count == 0, $"{failures.Count} wrong answers:\n" + string.Join("\n", failures.Take(60)));
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task A_county_supervisor_sees_every_township_of_its_county_and_none_of_another(StoreKind kind)
    {
        await using var world = await ApiWorld.StartAsync(kind);
        var mine = await world.NewPetitionAsync(PetitionStage.Accepted, ApiWorld.SisterTownship);
        var theirs = await world.NewPetitionAsync(PetitionStage.Accepted, ApiWorld.OtherTownship);
        var supervisor = world.Token(Roles.Supervisor, counties: [ApiWorld.County]);

        foreach (var township in new[] { ApiWorld.Township, ApiWorld.SisterTownship })
        {
            Assert.Equal(200, (await world.SendAsync(HttpMethod.Get, $"/api/townships/{township}", supervisor)).Code);
            Assert.Equal(200, (await world.SendAsync(HttpMethod.Get, $"/api/townships/{township}/petitions", supervisor)).Code);
            Assert.Equal(200, (await world.SendAsync(HttpMethod.Get, $"/api/townships/{township}/rollups/2024", supervisor)).Code);
        }
        Assert.Equal(200, (await world.SendAsync(HttpMethod.Get, $"/api/townships/{ApiWorld.SisterTownship}/petitions/{mine}", supervisor)).Code);
        var assigned = await world.SendAsync(HttpMethod.Post, $"/api/townships/{ApiWorld.SisterTownship}/petitions/{mine}/assign", supervisor,
            new System.Text.Json.Nodes.JsonObject { ["leaderId"] = "sun" });
        Assert.Equal(200, assigned.Code);
        var county = await world.SendAsync(HttpMethod.Get, $"/api/counties/{ApiWorld.County}/rollups/2024", supervisor);
        Assert.Equal(200, county.Code);
        Assert.Equal([ApiWorld.Township, ApiWorld.SisterTownship],
            county.Json.GetProperty("townships").EnumerateArray().Select(t => t.GetProperty("scope").GetString()!).Order(StringComparer.Ordinal).ToArray());

        // Another county's township and its case: 404, as if they did not exist.
        Assert.Equal(404, (await world.SendAsync(HttpMethod.Get, $"/api/townships/{ApiWorld.OtherTownship}", supervisor)).Code);
        Assert.Equal(404, (await world.SendAsync(HttpMethod.Get, $"/api/townships/{ApiWorld.OtherTownship}/petitions/{theirs}", supervisor)).Code);
        Assert.Equal(404, (await world.SendAsync(HttpMethod.Get, $"/api/counties/{ApiWorld.OtherCounty}/rollups/2024", supervisor)).Code);
        // A township-scoped caller does not see its county's rollup.
        Assert.Equal(404, (await world.SendAsync(HttpMethod.Get, $"/api/counties/{ApiWorld.County}/rollups/2024",
            world.Token(Roles.Reporter, [ApiWorld.Township]))).Code);
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task Personal_data_is_masked_for_supervisors_and_reporters_and_every_unmasked_read_is_logged(StoreKind kind)
    {
        await using var world = await ApiWorld.StartAsync(kind);
        const string t = ApiWorld.Township;
        var officer = world.Token(Roles.Officer, [t], subject: "officer-li");
        var created = await world.SendAsync(HttpMethod.Post, $"/api/townships/{t}/petitions", officer, Bodies.RegisterPetition());
        Assert.Equal(201, created.Code);
        var petition = created.Json.GetProperty("id").GetString()!;
        var dispute = (await world.SendAsync(HttpMethod.Post, $"/api/townships/{t}/disputes", officer, Bodies.RegisterDispute())).Json.GetProperty("id").GetString()!;
        Assert.Equal(200, (await world.SendAsync(HttpMethod.Post, $"/api/townships/{t}/petitions/{petition}/accept", officer, Bodies.At(Timeline.Accepted))).Code);

        string[] reads =
        [
            $"/api/townships/{t}/petitions/{petition}", $"/api/townships/{t}/petitions", $"/api/townships/{t}/petitions/{petition}/events",
            $"/api/townships/{t}/disputes/{dispute}", $"/api/townships/{t}/disputes", $"/api/townships/{t}/disputes/{dispute}/events",
            $"/api/townships/{t}/rollups/2024", $"/api/counties/{ApiWorld.County}/rollups/2024",
        ];
        var accessBefore = (await world.Store.ReadAccessLogAsync(t, 1000)).Count;

        // Supervisors (by township or county) and reporters never see a name, ID number, phone or address in full.
        var masked = new[]
        {
            world.Token(Roles.Supervisor, [t]), world.Token(Roles.Supervisor, counties: [ApiWorld.County]),
            world.Token(Roles.Reporter, [t]), world.Token(Roles.Reporter, counties: [ApiWorld.County]),
        };
        foreach (var token in masked)
        {
            foreach (var path in reads)
            {
                var answer = await world.SendAsync(HttpMethod.Get, path, token);
                Assert.True(answer.Code is 200 or 403 or 404, $"{path}: {answer}");
                foreach (var secret in Secrets.Fragments)
                {
                    Assert.False(answer.Body.Contains(secret, StringComparison.Ordinal), $"{path} showed '{secret}' to a masked caller: {answer}");
                }
            }
        }
        var supervisor = masked[0];
        var view = await world.SendAsync(HttpMethod.Get, reads[0], supervisor);
        Assert.True(view.Json.GetProperty("personalDataMasked").GetBoolean());
        var person = view.Json.GetProperty("petitioners")[0];
        Assert.Equal(Secrets.MaskedName, person.GetProperty("name").GetString());
        Assert.Equal(Secrets.MaskedIdNumber, person.GetProperty("idNumber").GetString());
        Assert.Equal(Secrets.MaskedPhone, person.GetProperty("phone").GetString());
        Assert.StartsWith("陕西省西安市长安区王曲街道", person.GetProperty("address").GetString(), StringComparison.Ordinal);
        var events = await world.SendAsync(HttpMethod.Get, reads[2], supervisor);
        Assert.Contains(Secrets.MaskedPhone, events.Body, StringComparison.Ordinal);
        Assert.Contains(Secrets.MaskedIdNumber, events.Body, StringComparison.Ordinal);
        Assert.Equal(403, (await world.SendAsync(HttpMethod.Get, reads[0], masked[2])).Code);
        // A supervisor's own commands answer with the case masked too.
        var assigned = await world.SendAsync(HttpMethod.Post, $"/api/townships/{t}/petitions/{petition}/assign", supervisor,
            new System.Text.Json.Nodes.JsonObject { ["leaderId"] = ApiWorld.Leader });
        var extended = await world.SendAsync(HttpMethod.Post, $"/api/townships/{t}/disputes/{dispute}/accept", world.Token(Roles.Admin), Bodies.At(Timeline.Accepted));
        Assert.Equal(200, extended.Code);
        extended = await world.SendAsync(HttpMethod.Post, $"/api/townships/{t}/disputes/{dispute}/extend", masked[1],
            new System.Text.Json.Nodes.JsonObject { ["days"] = 5, ["reason"] = "当事人同意", ["approvedBy"] = "王书记" });
        foreach (var answer in new[] { assigned, extended })
        {
            Assert.Equal(200, answer.Code);
            Assert.DoesNotContain(Secrets.Fragments, secret => answer.Body.Contains(secret, StringComparison.Ordinal));
        }
        var accessAfterAdmin = (await world.Store.ReadAccessLogAsync(t, 1000)).Count;
        Assert.Equal(accessBefore + 1, accessAfterAdmin);
        accessBefore = accessAfterAdmin;

        // The officer sees them in full, and each such read is recorded: who, which case, why; never the data.
        var full = await world.SendAsync(HttpMethod.Get, reads[0], officer);
        Assert.False(full.Json.GetProperty("personalDataMasked").GetBoolean());
        Assert.Equal(Secrets.IdNumber, full.Json.GetProperty("petitioners")[0].GetProperty("idNumber").GetString());
        var fullEvents = await world.SendAsync(HttpMethod.Get, reads[5], officer);
        Assert.Contains(Secrets.PartyPhone, fullEvents.Body, StringComparison.Ordinal);
        var log = await world.Store.ReadAccessLogAsync(t, 1000);
        Assert.Equal(accessBefore + 2, log.Count);
        Assert.Contains(log, e => e.Actor == "officer-li" && e.Role == Roles.Officer && e.Purpose == "view" && e.StreamId == $"{t}/{petition}");
        Assert.Contains(log, e => e.Actor == "officer-li" && e.Purpose == "events" && e.StreamId == $"{t}/{dispute}");
        // The accept command answered the officer with the case in full, so it was recorded too.
        Assert.Contains(log, e => e.Actor == "officer-li" && e.Purpose == "command" && e.StreamId == $"{t}/{petition}");
        foreach (var entry in log)
        {
            var text = $"{entry.Actor} {entry.Role} {entry.Partition} {entry.StreamId} {entry.Purpose}";
            Assert.DoesNotContain(Secrets.Fragments, secret => text.Contains(secret, StringComparison.Ordinal));
        }

        // And none of it reached a log line.
        var leaked = world.App.Logs.Where(line => Secrets.Fragments.Any(secret => line.Contains(secret, StringComparison.Ordinal))).Take(3).ToList();
        Assert.True(leaked.Count == 0, "Personal data in logs: " + string.Join(" | ", leaked));
    }

    private static HttpContent? Content(Prepared prepared)
        => prepared.Raw?.Invoke() ?? (prepared.Body is null ? null : new StringContent(prepared.Body.ToJsonString(), Encoding.UTF8, "application/json"));

    /// <summary>A prepared request as a caller sends it: its file, or its JSON body.</summary>
    private static Task<ApiAnswer> Send(ApiWorld world, HttpMethod method, Prepared prepared, string token)
        => prepared.Raw is { } raw
            ? world.SendRawAsync(method, prepared.Path, "Bearer " + token, raw())
            : world.SendAsync(method, prepared.Path, token, prepared.Body);

    private static string Token(ApiWorld world, Caller caller) => world.Token(caller.Role, caller.Townships, caller.Counties);

    /// <summary>Callers whose claims cover the endpoint's scope, one per way of holding it.</summary>
    private static IEnumerable<Caller> InScope(ScopeKind scope)
    {
        string[] township = [ApiWorld.Township];
        string[] county = [ApiWorld.County];
        if (scope == ScopeKind.Township)
        {
            yield return new Caller(Roles.Officer, township, null);
            yield return new Caller(Roles.Supervisor, township, null);
            yield return new Caller(Roles.Supervisor, null, county);
            yield return new Caller(Roles.Reporter, township, null);
            yield return new Caller(Roles.Reporter, null, county);
        }
        else if (scope == ScopeKind.County)
        {
            yield return new Caller(Roles.Officer, null, county);
            yield return new Caller(Roles.Supervisor, null, county);
            yield return new Caller(Roles.Reporter, null, county);
        }
        else
        {
            yield return new Caller(Roles.Officer, township, county);
            yield return new Caller(Roles.Supervisor, township, county);
            yield return new Caller(Roles.Reporter, township, county);
        }
        yield return new Caller(Roles.Admin, null, null);
    }

    /// <summary>Callers of every non-admin role whose claims do not cover the endpoint's scope.</summary>
    private static IEnumerable<Caller> OutOfScope(ScopeKind scope)
    {
        if (scope == ScopeKind.Service)
        {
            // Nothing in the path to be outside of.
            yield break;
        }
        foreach (var role in new[] { Roles.Officer, Roles.Supervisor, Roles.Reporter })
        {
            yield return new Caller(role, [ApiWorld.OtherTownship], null);
            yield return new Caller(role, null, [ApiWorld.OtherCounty]);
            yield return new Caller(role, [ApiWorld.OtherTownship], [ApiWorld.OtherCounty]);
            yield return new Caller(role, [], []);
            if (scope == ScopeKind.County)
            {
                // Holding a township of the county is not holding the county.
                yield return new Caller(role, [ApiWorld.Township, ApiWorld.SisterTownship], null);
            }
        }
    }

    /// <summary>Authorization headers that must all be refused with 401.</summary>
    private static List<(string Label, string? Authorization)> BadAuthorizations(ApiWorld world)
    {
        var key = world.App.SigningKey;
        var valid = TokenMinter.Mint(key, Roles.Admin);
        var parts = valid.Split('.');
        var unsignedHeader = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        return
        [
            ("absent", null),
            ("empty bearer", "Bearer "),
            ("malformed", "Bearer not-a-jwt"),
            ("garbage segments", "Bearer a.b.c"),
            ("basic scheme", "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:admin"))),
            ("expired", "Bearer " + TokenMinter.Mint(key, Roles.Admin, lifetime: TimeSpan.FromHours(1), now: DateTimeOffset.UtcNow.AddHours(-3))),
            ("not yet valid", "Bearer " + TokenMinter.Mint(key, Roles.Admin, now: DateTimeOffset.UtcNow.AddHours(2))),
            ("wrong key", "Bearer " + TokenMinter.Mint(RandomNumberGenerator.GetBytes(32), Roles.Admin)),
            ("wrong issuer", "Bearer " + TokenMinter.Mint(key, Roles.Admin, issuer: "someone-else")),
            ("wrong audience", "Bearer " + TokenMinter.Mint(key, Roles.Admin, audience: "another-api")),
            ("tampered payload", "Bearer " + parts[0] + "." + Base64Url("{\"sub\":\"x\",\"role\":\"admin\",\"iss\":\"casegrains\",\"aud\":\"casegrains-api\"}") + "." + parts[2]),
            ("alg none", "Bearer " + unsignedHeader + "." + parts[1] + "."),
            ("signature stripped", "Bearer " + parts[0] + "." + parts[1] + "."),
        ];
    }

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void Expect(List<string> failures, EndpointSpec spec, string who, ApiAnswer answer, int status)
    {
        if (answer.Code != status || !answer.IsProblem)
        {
            failures.Add($"{spec}: {who} got {answer}, expected {status} problem+json");
        }
    }
}
