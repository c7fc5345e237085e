using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Server.Auth;
using CaseGrains.Testing;
using Xunit.Abstractions;

namespace CaseGrains.Server.Tests;

/// <summary>
/// Several silos on one PostgreSQL, as real processes with ADO.NET clustering: one state per case whichever
/// silo a call goes through, no lost update and no duplicate number under concurrent commands through both,
/// a killed silo's cases answering from the survivor with every acknowledged write, and a deadline that
/// passed while its silo was down handled once by the survivor (or at start by a silo that comes up later).
/// </summary>
public sealed class ClusterTests(ITestOutputHelper output)
{
    private static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 11 + 3))];

    internal sealed record Node(ServerProcess Process, HttpClient Admin, HttpClient Officer, Uri Address, (int Silo, int Gateway) Ports) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Admin.Dispose();
            Officer.Dispose();
            await Process.DisposeAsync();
        }
    }

    internal static async Task<Node> StartNodeAsync(string connectionString, string clusterId, (int Silo, int Gateway)? ports = null)
    {
        var address = new Uri($"http://127.0.0.1:{ServerProcess.FreePort()}");
        var (siloPort, gatewayPort) = ports ?? (ServerProcess.FreePort(), ServerProcess.FreePort());
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/'),
            ["Storage__Provider"] = "PostgreSql",
            ["Storage__ConnectionString"] = connectionString,
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Auth__SigningKey"] = Convert.ToBase64String(Key),
            ["RateLimit__PermitsPerMinute"] = "1000000",
            ["RateLimit__Burst"] = "100000",
            // A silo that takes over a dead one's reminders reads the table soon after.
            ["Reminders__RefreshInterval"] = "00:00:05",
            // A killed silo is voted dead after about 2 s × 3 missed probes.
            ["Orleans__ProbeTimeout"] = "00:00:02",
        };
        var process = ServerProcess.Start(ServerProcess.NewWorkingDirectory(), environment);
        await process.WaitUntilUpAsync(address, TimeSpan.FromSeconds(90));
        HttpClient Client(string role, string[]? townships)
        {
            var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(45) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenMinter.Mint(Key, role, townships, subject: $"{role}-cluster"));
            return client;
        }
        return new Node(process, Client(Roles.Admin, null), Client(Roles.Officer, ["t1"]), address, (siloPort, gatewayPort));
    }

    private static object Petition(string receivedAt, string subject) => new
    {
        channel = "letter", receivedAt, subject, summary = "反映问题", category = "其他", petitioners = new[] { new { name = "李四" } },
    };

    private static async Task<int> ActiveSilosAsync(Node node)
    {
        var cluster = await node.Admin.GetFromJsonAsync<JsonElement>("/api/cluster");
        return cluster.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "active");
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Node? witness = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what} did not happen within {timeout.TotalSeconds} s"
                + (witness is null ? "" : "; the silo said:\n" + string.Join("\n", witness.Process.Output.Split('\n')
                    .Where(l => l.Contains("eminder", StringComparison.Ordinal) || l.Contains("Deadline", StringComparison.Ordinal) || l.Contains("weep", StringComparison.Ordinal) || l.Contains("fail", StringComparison.Ordinal) || l.Contains("xception", StringComparison.Ordinal)).TakeLast(40))));
            await Task.Delay(250);
        }
    }

    /// <summary>An Orleans reminder armed for a deadline that has since passed, as a silo that died before it fired leaves it.</summary>
    internal static Task ArmPassedReminderAsync(string connectionString, string caseKey, DateTimeOffset dueAt)
    {
        var grainId = GrainId.Create("petition", caseKey);
        var hash = unchecked((int)grainId.GetUniformHashCode());
        return TestStores.ExecuteAsync(StoreKind.PostgreSql, connectionString, $"""
            INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_time, period, version)
            VALUES ('casegrains', '{grainId}', 'overdue', {hash}, '{dueAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00', 60000, 0)
            """);
    }

    /// <summary>
    /// Takes back a case's recorded «已超期» (its event, and the alert in its current-state row), as if its silo had died
    /// after the deadline passed and before it recorded it.
    /// </summary>
    internal static async Task ForgetRecordedAlertAsync(string connectionString, string caseKey)
    {
        var streamId = $"petition/{caseKey}";
        var row = (await TestStores.QueryLinesAsync(StoreKind.PostgreSql, connectionString,
            $"SELECT state FROM grain_index WHERE stream_id = '{streamId}'")).Single();
        var state = System.Text.Json.Nodes.JsonNode.Parse(row)!.AsObject();
        state["alert"] = null;
        var summary = System.Text.Json.Nodes.JsonNode.Parse((await TestStores.QueryLinesAsync(StoreKind.PostgreSql, connectionString,
            $"SELECT summary FROM grain_index WHERE stream_id = '{streamId}'")).Single())!.AsObject();
        summary["alert"] = null;
        Assert.Equal(1, await TestStores.ExecuteAsync(StoreKind.PostgreSql, connectionString,
            $"DELETE FROM alert_log WHERE (stream_id, version) IN (SELECT stream_id, version FROM grain_events WHERE stream_id = '{streamId}' AND event_type = 'becameOverdue')"));
        Assert.Equal(1, await TestStores.ExecuteAsync(StoreKind.PostgreSql, connectionString,
            $"DELETE FROM grain_events WHERE stream_id = '{streamId}' AND event_type = 'becameOverdue'"));
        Assert.Equal(1, await TestStores.ExecuteAsync(StoreKind.PostgreSql, connectionString,
            $"UPDATE grain_index SET version = version - 1, state = '{state.ToJsonString()}', summary = '{summary.ToJsonString()}' WHERE stream_id = '{streamId}'"));
    }

    private static int Lines(Node node, string text) => node.Process.Output.Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));

    [Fact]
    public async Task Two_silos_on_one_postgresql_keep_one_state_lose_nothing_and_a_killed_silos_cases_and_deadlines_move_to_the_survivor()
    {
        var connectionString = await TestStores.NewConnectionStringAsync(StoreKind.PostgreSql);
        var clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        await using var a = await StartNodeAsync(connectionString, clusterId);
        await using var b = await StartNodeAsync(connectionString, clusterId);
        await WaitAsync(async () => await ActiveSilosAsync(a) == 2 && await ActiveSilosAsync(b) == 2, TimeSpan.FromSeconds(60), "two active silos");

        (await a.Admin.PutAsJsonAsync("/api/townships/t1", new { name = "一镇", countyId = "c1" })).EnsureSuccessStatusCode();

        // Registrations through both silos at once: one township grain numbers them all, no gap, no duplicate.
        var numbers = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 40), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var answer = await (i % 2 == 0 ? a : b).Officer.PostAsJsonAsync("/api/townships/t1/petitions", Petition("2024-05-01T10:00:00+08:00", $"matter-{i}"));
            Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
            numbers.Add(answer.Headers.Location!.OriginalString[(answer.Headers.Location!.OriginalString.LastIndexOf('/') + 1)..]);
        });
        Assert.Equal(Enumerable.Range(1, 40).Select(n => $"2024-XF-{n:0000}"), numbers.Order(StringComparer.Ordinal));

        // Concurrent commands on one case through both silos: every acknowledged note is in the audit trail once.
        const string hot = "/api/townships/t1/petitions/2024-XF-0001";
        (await a.Officer.PostAsJsonAsync(hot + "/accept", new { at = "2024-05-02T10:00:00+08:00" })).EnsureSuccessStatusCode();
        var notes = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 60), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var note = $"note-{i}";
            var answer = await (i % 2 == 0 ? b : a).Officer.PostAsJsonAsync(hot + "/progress", new { at = "2024-05-03T10:00:00+08:00", note });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            notes.Add(note);
        });
        var events = await a.Officer.GetFromJsonAsync<JsonElement>(hot + "/events");
        var recorded = events.EnumerateArray().Where(e => e.GetProperty("type").GetString() == "petitionProgressRecorded")
            .Select(e => e.GetProperty("data").GetProperty("note").GetString()).ToList();
        Assert.Equal(notes.Order(StringComparer.Ordinal), recorded.Order(StringComparer.Ordinal));
        // Registered and accepted long after both deadlines: «已超期» recorded twice by the clock, beside the 62 steps of people.
        Assert.Equal(64, events.GetArrayLength());

        // One state, whichever silo answers.
        var viaA = await a.Officer.GetAsync(hot);
        var viaB = await b.Officer.GetAsync(hot);
        Assert.Equal("\"64\"", viaA.Headers.ETag!.Tag);
        Assert.Equal(viaA.Headers.ETag, viaB.Headers.ETag);
        Assert.Equal(await viaA.Content.ReadAsStringAsync(), await viaB.Content.ReadAsStringAsync());

        // A case whose acceptance deadline has passed, its reminder still armed: as if its silo died before it fired.
        // It belongs to a township that lives on the silo about to die (placement ranks townships over the silos).
        var silos = (await a.Admin.GetFromJsonAsync<JsonElement>("/api/cluster")).GetProperty("silos").EnumerateArray()
            .Where(s => s.GetProperty("status").GetString() == "active")
            .Select(s => SiloAddress.FromParsableString(s.GetProperty("address").GetString()!)).ToList();
        var onA = silos.Single(s => s.Endpoint.Port == a.Ports.Silo);
        var doomed = Enumerable.Range(1, 100).Select(i => $"t-on-a-{i}")
            .First(id => Grains.Placement.TownshipPlacementDirector.Rank(id, silos).Equals(onA));
        (await a.Admin.PutAsJsonAsync($"/api/townships/{doomed}", new { name = "二镇", countyId = "c1" })).EnsureSuccessStatusCode();
        var late = await a.Admin.PostAsJsonAsync($"/api/townships/{doomed}/petitions", Petition(DateTimeOffset.UtcNow.AddDays(-20).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), "late"));
        Assert.Equal(HttpStatusCode.Created, late.StatusCode);
        var lateKey = $"{doomed}/" + late.Headers.Location!.OriginalString[(late.Headers.Location!.OriginalString.LastIndexOf('/') + 1)..];
        var lateDue = DeadlinePolicy.Default.EndOfDay(DeadlinePolicy.Default.LocalDate(DateTimeOffset.UtcNow.AddDays(-5)));

        // kill -9 one silo: the survivor serves every case with every acknowledged write, answering 503 (never 500)
        // while Orleans declares the dead silo dead.
        a.Process.Kill();
        await ForgetRecordedAlertAsync(connectionString, lateKey);
        await ArmPassedReminderAsync(connectionString, lateKey, lateDue);
        var codes = new ConcurrentBag<HttpStatusCode>();
        await WaitAsync(async () =>
        {
            var answers = await Task.WhenAll(numbers.Select(n => b.Officer.GetAsync($"/api/townships/t1/petitions/{n}")));
            foreach (var answer in answers)
            {
                codes.Add(answer.StatusCode);
            }
            return answers.All(r => r.StatusCode == HttpStatusCode.OK);
        }, TimeSpan.FromSeconds(120), "every case answering from the survivor");
        Assert.All(codes, code => Assert.True(code is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"answered {code}"));
        output.WriteLine($"while the dead silo was being declared: {codes.Count(c => c == HttpStatusCode.ServiceUnavailable)} answers 503, {codes.Count(c => c == HttpStatusCode.OK)} 200");
        Assert.Equal("\"64\"", (await b.Officer.GetAsync(hot)).Headers.ETag!.Tag);
        // A new case needs the grain directory, part of which the dead silo held: 503 until Orleans has moved it, then 201.
        await WaitAsync(async () =>
        {
            var answer = await b.Officer.PostAsJsonAsync("/api/townships/t1/petitions", Petition("2024-05-01T10:00:00+08:00", "after"));
            Assert.True(answer.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"answered {answer.StatusCode}");
            return answer.StatusCode == HttpStatusCode.Created;
        }, TimeSpan.FromSeconds(120), "a registration through the survivor", b);

        // The passed deadline is handled by the survivor, once, and its reminder disarmed.
        var handled = $"Deadline overdue of petition {lateKey} recorded";
        await WaitAsync(async () => (await TestStores.QueryLinesAsync(StoreKind.PostgreSql, connectionString,
            $"SELECT reminder_name FROM orleans_reminders WHERE grain_id = 'petition/{lateKey}'")).Count == 0 && Lines(b, handled) > 0,
            TimeSpan.FromSeconds(150), "the survivor handling the passed deadline", b);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, Lines(b, handled));
    }

    [Fact]
    public async Task A_deadline_that_passed_while_no_silo_ran_is_handled_as_soon_as_a_silo_starts()
    {
        var connectionString = await TestStores.NewConnectionStringAsync(StoreKind.PostgreSql);
        var clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        string lateKey;
        (int, int) ports;
        await using (var first = await StartNodeAsync(connectionString, clusterId))
        {
            ports = first.Ports;
            (await first.Admin.PutAsJsonAsync("/api/townships/t1", new { name = "一镇", countyId = "c1" })).EnsureSuccessStatusCode();
            var late = await first.Officer.PostAsJsonAsync("/api/townships/t1/petitions", Petition(DateTimeOffset.UtcNow.AddDays(-20).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), "late"));
            Assert.Equal(HttpStatusCode.Created, late.StatusCode);
            lateKey = "t1/" + late.Headers.Location!.OriginalString[(late.Headers.Location!.OriginalString.LastIndexOf('/') + 1)..];
            first.Process.Kill();
        }
        await ForgetRecordedAlertAsync(connectionString, lateKey);
        await ArmPassedReminderAsync(connectionString, lateKey, DeadlinePolicy.Default.EndOfDay(DeadlinePolicy.Default.LocalDate(DateTimeOffset.UtcNow.AddDays(-5))));

        // It comes back on the ports of the one that died, as a restarted service does: Orleans then knows the old incarnation is gone.
        await using var next = await StartNodeAsync(connectionString, clusterId, ports);
        // The start-up sweep, not the reminder's next period: well before a minute has gone by.
        var handled = $"Deadline overdue of petition {lateKey} recorded";
        await WaitAsync(() => Task.FromResult(Lines(next, "Deadline sweep woke") > 0), TimeSpan.FromSeconds(30), "the start-up sweep", next);
        Assert.True(Lines(next, "Deadline sweep woke 1 cases") == 1, next.Process.Output);
        Assert.True(Lines(next, handled) > 0, next.Process.Output);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, Lines(next, handled));
        Assert.Empty(await TestStores.QueryLinesAsync(StoreKind.PostgreSql, connectionString, $"SELECT reminder_name FROM orleans_reminders WHERE grain_id = 'petition/{lateKey}'"));
    }
}
