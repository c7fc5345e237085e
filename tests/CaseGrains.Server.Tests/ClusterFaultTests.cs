using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Server.Auth;
using CaseGrains.Testing;
using Xunit.Abstractions;

namespace CaseGrains.Server.Tests;

/// <summary>
/// The fault suite of issue 10, on the cluster of <c>deploy/local-cluster.sh</c> (PostgreSQL with durable settings,
/// three silos, a gateway node, nginx with the shipped rules), all on loopback. Every load is bounded in cases and in
/// time; every test brings back what an earlier one stopped, uses townships of its own, and ends with an audit of the
/// case store against what the service acknowledged.
/// </summary>
public sealed class ClusterFaultTests(LocalCluster cluster, ITestOutputHelper output) : IClassFixture<LocalCluster>
{
    /// <summary>
    /// How long after the membership timeout the load may still see 503s: the survivors' vote lands in the table and
    /// each node learns it (up to a probe period), the dead silo's directory partition and its grains are taken over,
    /// and the township grains it held are activated again from the case store. Measured on a loaded 2-vCPU machine.
    /// </summary>
    private static readonly TimeSpan TakeoverAllowance = TimeSpan.FromSeconds(10);

    private static object Petition(string receivedAt, string subject) => new
    {
        channel = "letter", receivedAt, subject, summary = "反映问题", category = "其他", petitioners = new[] { new { name = "李四" } },
    };

    /// <summary>Townships of this test, and a leader on each roster (the load assigns it).</summary>
    private static async Task PrepareAsync(HttpClient admin, IEnumerable<string> townships)
    {
        foreach (var township in townships)
        {
            (await admin.PutAsJsonAsync($"/api/townships/{township}", new { name = "镇" + township, countyId = "c-faults" })).EnsureSuccessStatusCode();
            (await admin.PutAsJsonAsync($"/api/townships/{township}/leaders/L1", new { name = "王书记", title = "党委书记", active = true })).EnsureSuccessStatusCode();
        }
    }

    /// <summary>The active silos' addresses, as placement ranks them.</summary>
    private static async Task<List<SiloAddress>> ActiveSilosAsync(HttpClient admin)
    {
        var view = await admin.GetFromJsonAsync<JsonElement>("/api/cluster");
        return [.. view.GetProperty("silos").EnumerateArray()
            .Where(s => s.GetProperty("status").GetString() == "active")
            .Select(s => SiloAddress.FromParsableString(s.GetProperty("address").GetString()!))];
    }

    /// <summary>One township per silo (placement puts a township's cases on its silo), named after <paramref name="prefix"/>.</summary>
    private async Task<Dictionary<string, string>> TownshipPerSiloAsync(HttpClient admin, string prefix)
    {
        var silos = await ActiveSilosAsync(admin);
        var bySilo = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; bySilo.Count < LocalCluster.Silos.Length && i < 500; i++)
        {
            var id = $"{prefix}{i}";
            var port = Grains.Placement.TownshipPlacementDirector.Rank(id, silos).Endpoint.Port;
            var silo = LocalCluster.Silos.Single(s => cluster.SiloPort(s) == port);
            bySilo.TryAdd(silo, id);
        }
        Assert.Equal(LocalCluster.Silos.Length, bySilo.Count);
        return bySilo;
    }

    private void Report(string what, CaseLoad load, TimeSpan? fault = null)
    {
        output.WriteLine($"{what}: {load.Summary()}");
        if (fault is { } at)
        {
            var errors = load.Answers.Where(a => a.Status >= 500 || a.Status == 0).ToList();
            output.WriteLine(errors.Count == 0
                ? "no error answers"
                : $"error answers from {(errors.Min(a => a.Started) - at).TotalSeconds:F1} s to {(errors.Max(a => a.Ended) - at).TotalSeconds:F1} s after the fault; "
                    + $"the last error to a request sent after it came {(errors.Where(a => a.Started >= at).Select(a => a.Ended).DefaultIfEmpty(at).Max() - at).TotalSeconds:F1} s after it; "
                    + $"slowest error answer {errors.Max(a => a.Ended - a.Started).TotalSeconds:F1} s");
        }
        foreach (var failure in load.Failures().Concat(load.Unexpected()).Take(10))
        {
            output.WriteLine($"  unexpected: {failure}");
        }
    }

    [Fact]
    public async Task A_killed_silo_during_a_write_load_loses_nothing_acknowledged_and_errors_stop_within_the_membership_timeout()
    {
        await cluster.HealAsync();
        using var admin = cluster.Client(Roles.Admin);
        var townships = await TownshipPerSiloAsync(admin, "ka");
        await PrepareAsync(admin, townships.Values);
        const string victim = "silo-2";

        var load = new CaseLoad(admin, [.. townships.Values], workers: 6, casesPerWorker: 60, tag: "a");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var run = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var killedAt = load.Now;
        cluster.Kill(victim);
        await Task.Delay(LocalCluster.MembershipTimeout + TakeoverAllowance + TimeSpan.FromSeconds(6));
        await stop.CancelAsync();
        await run;
        Report("kill -9 " + victim, load, killedAt);

        // Requests in flight on the dead silo, or on their way to its grains, got the retryable 503; never a 500.
        Assert.Empty(load.Failures());
        Assert.Empty(load.Unexpected());
        // The errors stop within the membership timeout (and the take-over after it); the load then runs clean.
        var lastError = load.Answers.Where(a => a.Status >= 500 && a.Started >= killedAt).Select(a => a.Ended).DefaultIfEmpty(killedAt).Max();
        Assert.True(lastError - killedAt <= LocalCluster.MembershipTimeout + TakeoverAllowance,
            $"errors went on for {(lastError - killedAt).TotalSeconds:F1} s after the kill (membership timeout {LocalCluster.MembershipTimeout.TotalSeconds} s + {TakeoverAllowance.TotalSeconds} s)");
        Assert.Contains(load.Answers, a => a.Started > lastError && a.Status is 200 or 201);
        Assert.Contains(load.Acknowledgements, a => a.Township == townships[victim] && a.Verb == "conclude");

        await CaseLoad.AuditAsync(cluster.ConnectionString, admin, [.. townships.Values], load.Acknowledgements);
    }

    [Fact]
    public async Task A_killed_gateway_node_loses_nothing_acknowledged_and_nginx_routes_around_it()
    {
        await cluster.HealAsync();
        using var admin = cluster.Client(Roles.Admin);
        string[] townships = ["kb1", "kb2"];
        await PrepareAsync(admin, townships);

        var load = new CaseLoad(admin, townships, workers: 4, casesPerWorker: 60, tag: "b");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var killedAt = load.Now;
        cluster.Kill(LocalCluster.Gateway);
        await Task.Delay(TimeSpan.FromSeconds(8));
        await stop.CancelAsync();
        await run;
        Report("kill -9 " + LocalCluster.Gateway, load, killedAt);

        Assert.Empty(load.Failures());
        Assert.Empty(load.Unexpected());
        // Only what was in flight on the gateway node at the kill can fail: the balancer sends everything after to the silos.
        Assert.DoesNotContain(load.Answers, a => a.Status >= 500 && a.Started > killedAt + TimeSpan.FromSeconds(1));
        Assert.True(load.Answers.Count(a => a.Started > killedAt + TimeSpan.FromSeconds(1) && a.Status is 200 or 201) > 20, load.Summary());

        await CaseLoad.AuditAsync(cluster.ConnectionString, admin, townships, load.Acknowledgements);
    }

    [Fact]
    public async Task A_postgresql_restart_under_load_answers_503_with_retry_after_and_every_node_recovers_by_itself()
    {
        await cluster.HealAsync();
        using var admin = cluster.Client(Roles.Admin);
        string[] townships = ["kc1", "kc2"];
        await PrepareAsync(admin, townships);
        string[] nodes = [.. LocalCluster.Silos, LocalCluster.Gateway];
        var pids = nodes.ToDictionary(n => n, cluster.Pid);

        var load = new CaseLoad(admin, townships, workers: 4, casesPerWorker: 60, tag: "c");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(75));
        var run = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var downAt = load.Now;
        var (stopped, _, stopError) = await cluster.RunAsync(TimeSpan.FromSeconds(60), "stop", "postgres");
        Assert.True(stopped == 0, stopError);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var (started, _, startError) = await cluster.RunAsync(TimeSpan.FromSeconds(60), "start", "postgres");
        Assert.True(started == 0, startError);
        var upAt = load.Now;
        await Task.Delay(TimeSpan.FromSeconds(8));
        await stop.CancelAsync();
        await run;
        Report("PostgreSQL restart", load, downAt);

        // While it was down: 503 with Retry-After (Failures() holds any 5xx without it), never a 500.
        Assert.Contains(load.Answers, a => a.Status == 503 && a.RetryAfter && a.Started >= downAt && a.Started <= upAt);
        Assert.Empty(load.Failures());
        Assert.Empty(load.Unexpected());
        // Every node recovered by itself: the same processes, ready again, writes acknowledged after the restart.
        Assert.Equal(pids, nodes.ToDictionary(n => n, cluster.Pid));
        Assert.True(nodes.All(n => !System.Diagnostics.Process.GetProcessById(pids[n]).HasExited));
        foreach (var node in nodes)
        {
            using var probe = new HttpClient { BaseAddress = cluster.NodeUrl(node), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await probe.GetAsync("/readyz")).StatusCode != HttpStatusCode.OK)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{node} did not become ready again");
                await Task.Delay(250);
            }
        }
        Assert.Contains(load.Answers, a => a.Started > upAt && a.Operation != "read" && a.Status is 200 or 201);

        await CaseLoad.AuditAsync(cluster.ConnectionString, admin, townships, load.Acknowledgements);
    }

    [Fact]
    public async Task A_deadline_that_passes_while_its_silo_is_down_fires_exactly_once_on_another_silo()
    {
        await cluster.HealAsync();
        using var admin = cluster.Client(Roles.Admin);
        var townships = await TownshipPerSiloAsync(admin, "kd");
        const string victim = "silo-3";
        var township = townships[victim];
        await PrepareAsync(admin, [township]);
        var late = await admin.PostAsJsonAsync($"/api/townships/{township}/petitions",
            Petition(DateTimeOffset.UtcNow.AddDays(-20).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), "late"));
        Assert.Equal(HttpStatusCode.Created, late.StatusCode);
        var caseKey = $"{township}/" + late.Headers.Location!.OriginalString[(late.Headers.Location!.OriginalString.LastIndexOf('/') + 1)..];
        var due = DeadlinePolicy.Default.EndOfDay(DeadlinePolicy.Default.LocalDate(DateTimeOffset.UtcNow.AddDays(-5)));

        // Its silo dies; the deadline passes "meanwhile": the recorded «已超期» is taken back and the reminder armed, as
        // a silo that died before its reminder fired leaves them.
        cluster.Kill(victim);
        await ClusterTests.ForgetRecordedAlertAsync(cluster.ConnectionString, caseKey);
        await ClusterTests.ArmPassedReminderAsync(cluster.ConnectionString, caseKey, due);

        // The victim's log holds the line of the «已超期» recorded at registration, the one taken back.
        var handled = $"Deadline overdue of petition {caseKey} recorded";
        var before = LocalCluster.Silos.Sum(s => Lines(cluster.Log(s), handled));
        int Handled() => LocalCluster.Silos.Sum(s => Lines(cluster.Log(s), handled)) - before;
        async Task<int> RecordedAsync() => (await TestStores.QueryLinesAsync(StoreKind.PostgreSql, cluster.ConnectionString,
            $"SELECT version FROM grain_events WHERE stream_id = 'petition/{caseKey}' AND event_type = 'becameOverdue'")).Count;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        // The line follows the commit by a moment (the console logger writes from a queue).
        while (await RecordedAsync() == 0 || Handled() == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no other silo handled the passed deadline within 90 s:\n"
                + string.Join("\n", LocalCluster.Silos.Select(s => s + ": " + string.Join(" | ", cluster.Log(s).Split('\n').Where(l => l.Contains("eminder", StringComparison.Ordinal) || l.Contains("Deadline", StringComparison.Ordinal)).TakeLast(5)))));
            await Task.Delay(500);
        }
        Assert.Equal(1, await RecordedAsync());
        Assert.Equal(1, Handled());
        Assert.Equal(before, Lines(cluster.Log(victim), handled));

        // The silo comes back: its start-up sweep and the reminder's next period find the deadline recorded, and add nothing.
        await cluster.HealAsync();
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await RecordedAsync());
        Assert.Equal(1, Handled());
        Assert.Empty(await TestStores.QueryLinesAsync(StoreKind.PostgreSql, cluster.ConnectionString,
            $"SELECT reminder_name FROM orleans_reminders WHERE grain_id = 'petition/{caseKey}' AND reminder_name = 'overdue'"));
        var alerts = await admin.GetFromJsonAsync<JsonElement>($"/api/townships/{township}/alerts");
        output.WriteLine(alerts.ToString());
    }

    private static int Lines(string log, string text) => log.Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));

    [Fact]
    public async Task Two_silos_with_different_cluster_ids_on_one_database_lose_no_update()
    {
        // A split brain by mistake: each "cluster" activates the same cases; only the version guard stands between them.
        var connectionString = await NewDatabaseAsync();
        var started = await Task.WhenAll(
            ClusterTests.StartNodeAsync(connectionString, "split-a"),
            ClusterTests.StartNodeAsync(connectionString, "split-b"));
        await using var a = started[0];
        await using var b = started[1];
        (await a.Admin.PutAsJsonAsync("/api/townships/t1", new { name = "一镇", countyId = "c1" })).EnsureSuccessStatusCode();
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        string[] hot = ["t1/" + await RegisterAsync(a.Officer, now, "hot-1"), "t1/" + await RegisterAsync(b.Officer, now, "hot-2")];
        foreach (var key in hot)
        {
            (await a.Officer.PostAsJsonAsync($"/api/townships/{key.Replace("t1/", "t1/petitions/", StringComparison.Ordinal)}/accept", new { at = now })).EnsureSuccessStatusCode();
        }

        // Notes on the same two cases through both, and registrations through both, all at once, no If-Match.
        var notes = new ConcurrentBag<(string Case, string Note)>();
        var registered = new ConcurrentBag<(string Id, string Subject)>();
        var statuses = new ConcurrentBag<int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 80), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var node = i % 2 == 0 ? a : b;
            if (i % 4 == 3)
            {
                var subject = $"split-{i}";
                var answer = await node.Officer.PostAsJsonAsync("/api/townships/t1/petitions", Petition(now, subject));
                statuses.Add((int)answer.StatusCode);
                if (answer.StatusCode == HttpStatusCode.Created)
                {
                    registered.Add((answer.Headers.Location!.OriginalString[(answer.Headers.Location!.OriginalString.LastIndexOf('/') + 1)..], subject));
                }
                return;
            }
            var key = hot[i % 2];
            var note = $"split-note-{i}";
            var progress = await node.Officer.PostAsJsonAsync($"/api/townships/{key.Replace("t1/", "t1/petitions/", StringComparison.Ordinal)}/progress", new { at = now, note });
            statuses.Add((int)progress.StatusCode);
            if (progress.StatusCode == HttpStatusCode.OK)
            {
                notes.Add((key, note));
            }
        });
        output.WriteLine("split brain: " + string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))
            + $"; registered {string.Join(" ", registered.Select(r => r.Id).Order(StringComparer.Ordinal))}");
        // A clash the guard caught may be answered 409 (read and retry) but never 5xx.
        Assert.All(statuses, s => Assert.True(s is 200 or 201 or 409, $"answered {s}"));
        Assert.True(notes.Count >= 40, $"only {notes.Count} of 60 notes were acknowledged");

        // Every acknowledged note is in its case's trail once; every acknowledged registration is its own case, with its own subject.
        var store = CaseGrains.Storage.CaseStores.Create(new CaseGrains.Storage.StorageOptions
        {
            Provider = CaseGrains.Storage.StorageProvider.PostgreSql, ConnectionString = connectionString,
        });
        foreach (var key in hot)
        {
            var events = await store.ReadStreamAsync($"petition/{key}", 0);
            var recorded = events.Where(e => e.EventType == "petitionProgressRecorded")
                .Select(e => System.Text.Json.Nodes.JsonNode.Parse(e.Payload)!["note"]!.GetValue<string>()).ToList();
            Assert.Equal(notes.Where(n => n.Case == key).Select(n => n.Note).Order(StringComparer.Ordinal), recorded.Order(StringComparer.Ordinal));
        }
        Assert.Equal(registered.Count, registered.Select(r => r.Id).Distinct().Count());
        foreach (var (id, subject) in registered)
        {
            var first = (await store.ReadStreamAsync($"petition/t1/{id}", 0))[0];
            Assert.Equal("petitionRegistered", first.EventType);
            Assert.Equal(subject, System.Text.Json.Nodes.JsonNode.Parse(first.Payload)!["subject"]!.GetValue<string>());
        }
    }

    private async Task<string> NewDatabaseAsync()
    {
        var name = "split_" + Guid.NewGuid().ToString("N")[..12];
        await TestStores.ExecuteAsync(StoreKind.PostgreSql, cluster.AdminConnectionString, $"CREATE DATABASE {name}");
        return new Npgsql.NpgsqlConnectionStringBuilder(cluster.AdminConnectionString) { Database = name }.ToString();
    }

    private static async Task<string> RegisterAsync(HttpClient client, string at, string subject)
    {
        var answer = await client.PostAsJsonAsync("/api/townships/t1/petitions", Petition(at, subject));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return answer.Headers.Location!.OriginalString[(answer.Headers.Location!.OriginalString.LastIndexOf('/') + 1)..];
    }

    [Fact]
    public async Task A_rolling_restart_of_every_silo_under_load_fails_nothing_but_retryable_503s_and_loses_no_write()
    {
        await cluster.HealAsync();
        using var admin = cluster.Client(Roles.Admin);
        string[] townships = ["kf1", "kf2", "kf3"];
        await PrepareAsync(admin, townships);
        var before = LocalCluster.Silos.ToDictionary(s => s, cluster.Pid);

        var load = new CaseLoad(admin, townships, workers: 4, casesPerWorker: 200, tag: "f");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(330));
        var run = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var rollAt = load.Now;
        var (code, rolled, error) = await cluster.RunAsync(TimeSpan.FromSeconds(300), "roll", "silos");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await run;
        Report("rolling restart", load, rollAt);
        Assert.True(code == 0, error + rolled);

        Assert.All(LocalCluster.Silos, s => Assert.NotEqual(before[s], cluster.Pid(s)));
        Assert.Empty(load.Failures());
        Assert.Empty(load.Unexpected());
        Assert.True(load.Acknowledgements.Count(a => a.Verb == "conclude") >= 10, load.Summary());

        await CaseLoad.AuditAsync(cluster.ConnectionString, admin, townships, load.Acknowledgements);
    }

    [Fact]
    public async Task The_alert_stream_reaches_a_client_of_the_gateway_node_and_of_the_balancer()
    {
        await cluster.HealAsync();
        using var admin = cluster.Client(Roles.Admin);
        await PrepareAsync(admin, ["ks1"]);
        using var viaGateway = cluster.Client(Roles.Admin, cluster.NodeUrl(LocalCluster.Gateway));
        viaGateway.Timeout = Timeout.InfiniteTimeSpan;
        using var viaBalancer = cluster.Client(Roles.Admin);
        viaBalancer.Timeout = Timeout.InfiniteTimeSpan;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        async Task<string> FirstAlertAsync(HttpClient client, TaskCompletionSource open)
        {
            using var answer = await client.GetAsync("/api/alerts/stream", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            using var reader = new StreamReader(await answer.Content.ReadAsStreamAsync(cancel.Token));
            open.TrySetResult();
            while (await reader.ReadLineAsync(cancel.Token) is { } line)
            {
                if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains("\"ks1\"", StringComparison.Ordinal))
                {
                    return line;
                }
            }
            return "";
        }
        var gatewayOpen = new TaskCompletionSource();
        var balancerOpen = new TaskCompletionSource();
        var fromGateway = FirstAlertAsync(viaGateway, gatewayOpen);
        var fromBalancer = FirstAlertAsync(viaBalancer, balancerOpen);
        await Task.WhenAll(gatewayOpen.Task, balancerOpen.Task).WaitAsync(cancel.Token);
        await Task.Delay(500);

        // A case registered long after its acceptance deadline is «已超期» at once: an alert for every open stream.
        var late = await admin.PostAsJsonAsync("/api/townships/ks1/petitions",
            Petition(DateTimeOffset.UtcNow.AddDays(-20).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), "late"));
        Assert.Equal(HttpStatusCode.Created, late.StatusCode);
        Assert.Contains("overdue", await fromGateway, StringComparison.Ordinal);
        Assert.Contains("overdue", await fromBalancer, StringComparison.Ordinal);
        Assert.DoesNotContain("Subscribing to the alert stream failed", cluster.Log(LocalCluster.Gateway), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_is_for_admins_on_every_node_and_status_prints_a_line_per_process()
    {
        await cluster.HealAsync();
        foreach (var node in new[] { "silo-1", LocalCluster.Gateway })
        {
            using var anonymous = new HttpClient { BaseAddress = cluster.NodeUrl(node) };
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/DashboardCounters")).StatusCode);
            using var officer = cluster.Client(Roles.Officer, cluster.NodeUrl(node));
            Assert.Equal(HttpStatusCode.Forbidden, (await officer.PostAsync("/api/dashboard/session", null)).StatusCode);

            var cookies = new CookieContainer();
            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = cluster.NodeUrl(node) };
            browser.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TokenMinter.Mint(LocalCluster.Key, Roles.Admin, null, subject: "dash"));
            (await browser.PostAsync("/api/dashboard/session", null)).EnsureSuccessStatusCode();
            browser.DefaultRequestHeaders.Authorization = null;
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard/")).StatusCode);
            var counters = await browser.GetFromJsonAsync<JsonElement>("/dashboard/DashboardCounters");
            Assert.Equal(LocalCluster.Silos.Length, counters.GetProperty("hosts").EnumerateArray().Count(h => h.GetProperty("status").GetString() == "Active"));
        }

        var (code, status, error) = await cluster.RunAsync(TimeSpan.FromSeconds(60), "status");
        output.WriteLine(status);
        Assert.True(code == 0, error);
        var lines = status.Trim().Split('\n');
        Assert.Equal(1 + 1 + LocalCluster.Silos.Length + 1 + 1, lines.Length);
        foreach (var silo in LocalCluster.Silos)
        {
            Assert.Matches($@"^silo +{silo} +{cluster.Pid(silo)} +{cluster.NodeUrl(silo).ToString().TrimEnd('/')} +active$", lines.Single(l => l.Contains(silo, StringComparison.Ordinal)).TrimEnd());
        }
        Assert.Matches($@"^gateway +{LocalCluster.Gateway} +{cluster.Pid(LocalCluster.Gateway)} +http://127\.0\.0\.1:\d+ +client, connected", lines.Single(l => l.StartsWith("gateway", StringComparison.Ordinal)));
        Assert.Matches(@"^nginx +balancer +\d+ +http://127\.0\.0\.1:\d+ +round robin over 4 nodes", lines.Single(l => l.StartsWith("nginx", StringComparison.Ordinal)));
        Assert.Equal(cluster.Balancer.ToString().TrimEnd('/'), cluster.UpOutput.Trim().Split('\n')[^1].Trim());
    }
}

/// <summary>Gateway mode is validated at start-up: with no PostgreSQL membership table it has no silo to find.</summary>
public sealed class ClusterGatewayModeTests
{
    [Fact]
    public async Task A_gateway_node_on_sqlite_is_refused_at_start_with_one_line()
    {
        var (code, _, error) = await ServerProcess.RunAsync(ServerProcess.NewWorkingDirectory(), new Dictionary<string, string>
        {
            ["Orleans__Role"] = "Gateway",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ServerProcess.FreePort()}",
        });
        Assert.Equal(1, code);
        Assert.Equal("casegrains: invalid configuration: Orleans:Role=Gateway needs Storage:Provider=PostgreSql: a gateway node finds the silos in the PostgreSQL membership table.", error);
    }
}
