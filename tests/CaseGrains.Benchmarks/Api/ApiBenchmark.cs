using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CaseGrains.Server.Auth;
using CaseGrains.Storage.PostgreSql;
using CaseGrains.Testing;
using Npgsql;

namespace CaseGrains.Benchmarks.Api;

/// <summary>
/// The through-the-API run: a private PostgreSQL cluster with durable settings, the service binary as a child
/// process on loopback, and a closed-loop HTTP client per shape and connection count, beside pgbench's
/// single-row inserts on the same database. Then memory per active petition grain (in-process) and the time
/// to ready with many stored cases.
/// </summary>
internal static class ApiBenchmark
{
    private const string RegisterBody = """{"channel":"visit","receivedAt":"2024-03-05T09:30:00+08:00","subject":"征地补偿","summary":"反映补偿款未到位","category":"征地拆迁","petitioners":[{"name":"张三","phone":"13812345678"}]}""";
    private const string AcceptedAt = "2024-03-06T10:00:00+08:00";

    /// <summary>Progress instants start here, after every acceptance and long before now, and grow by a millisecond per request.</summary>
    private static readonly DateTimeOffset ProgressBase = new(2024, 6, 1, 8, 0, 0, TimeSpan.FromHours(8));
    private static long _progressTick;

    /// <summary>Runs everything and prints the report on stdout (progress on stderr); non-zero when something failed.</summary>
    public static async Task<int> RunAsync(ApiBenchmarkOptions options)
    {
        var work = Path.Combine(Path.GetTempPath(), "casegrains-apibench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        string[] settings = options.StatementStats ? ["shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track_utility=on"] : [];
        Log($"starting a private PostgreSQL cluster with fsync, synchronous_commit and full_page_writes on{(options.StatementStats ? ", with pg_stat_statements" : "")}");
        await using var cluster = await PostgresCluster.StartPrivateAsync(durable: true, settings);
        var postmaster = PostgresCpu.PostmasterPid(cluster.DataDirectory);
        TimeSpan PostgresCpuNow() => postmaster is { } pid ? PostgresCpu.Of(pid) : TimeSpan.Zero;
        var pgbench = PgBench.Find(cluster.BinDirectory) ?? throw new InvalidOperationException("pgbench is not installed (Debian: postgresql-client).");

        var connectionString = await cluster.NewDatabaseAsync();
        var postgres = await DescribePostgresAsync(connectionString);
        var key = RandomNumberGenerator.GetBytes(32);
        var townships = Enumerable.Range(1, options.Townships).Select(t => $"t{t:D2}").ToArray();
        var officers = townships.ToDictionary(t => t, t => TokenMinter.Mint(key, Roles.Officer, townships: [t], subject: $"officer-{t}", name: "李干事"));
        var admin = TokenMinter.Mint(key, Roles.Admin, subject: "admin-bench");

        var results = new List<LoadResult>();
        var pgbenchResults = new List<PgBenchResult>();
        var statements = new List<(string Shape, int Connections, IReadOnlyList<StatementStat> Rows, long Requests, string Wal)>();
        var profiles = new List<string>();
        TimeSpan readyEmpty;
        long residentAfter;
        var servicePid = 0;
        var perf = options.ProfileShape is null ? null : PerfProfile.Find();
        if (options.ProfileShape is not null && perf is null)
        {
            Log("perf is not installed (Debian: linux-perf): no profile");
        }
        await using (var service = ServiceProcess.Start(connectionString, key, work, perf is null ? null : PerfProfile.ServiceEnvironment))
        {
            readyEmpty = await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
            Log($"service ready in {readyEmpty.TotalSeconds:F2} s on {service.Address} (pid {service.Id})");
            (TimeSpan, TimeSpan) Cpu() => (service.CpuTime, PostgresCpuNow());

            var cases = await PrepareAsync(service.Address, admin, officers, townships, options.Cases);
            Log($"{townships.Length} townships and {cases.Count} accepted petitions ready");
            var script = await PgBench.PrepareAsync(connectionString, work);
            if (options.StatementStats)
            {
                await ExecuteAsync(connectionString, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            }

            // Tiered JIT needs thousands of calls before the service runs its optimised code; on 2 busy cores a short
            // warm-up measured the compiler (libclrjit was 15% of the service's samples after 5 s). Each shape runs once
            // at the largest count first, and each measured run is preceded by a short settle run at its own count.
            // Warm-up rounds repeat until the service's CPU per request stops falling (within 5% of the round before),
            // after at least 4 rounds (on a busy machine one round can be slower for other reasons), up to --warmup seconds per shape.
            foreach (var shape in options.Shapes)
            {
                var (expected, factory) = Shape(shape, options.Connections.Max(), officers, townships, cases);
                var round = TimeSpan.FromSeconds(Math.Min(5, options.WarmUp.TotalSeconds));
                var previous = double.NaN;
                var rounds = 0;
                for (var spent = TimeSpan.Zero; round > TimeSpan.Zero && spent < options.WarmUp; spent += round)
                {
                    var warm = await LoadRun.RunAsync(shape, options.Connections.Max(), round, service.Address, expected, factory, Cpu);
                    Log($"warm-up: {shape}, {options.Connections.Max()} connections, {warm.RequestsPerSecond:F0} req/s, service {warm.ServiceCpuMsPerRequest:F3} ms cpu/req");
                    if (++rounds >= 4 && warm.ServiceCpuMsPerRequest > previous * 0.95)
                    {
                        break;
                    }
                    previous = warm.ServiceCpuMsPerRequest;
                }
            }
            var settle = TimeSpan.FromSeconds(Math.Min(2, options.WarmUp.TotalSeconds));

            // pgbench runs right before each shape at the same count, so each ratio compares two runs a few seconds apart:
            // on a shared machine the background load drifts within minutes.
            foreach (var connections in options.Connections)
            {
                foreach (var shape in options.Shapes)
                {
                    Log($"pgbench, {connections} clients, {options.Duration.TotalSeconds:F0} s");
                    pgbenchResults.Add(await PgBench.RunAsync(pgbench, script, connectionString, connections, options.Duration, PostgresCpuNow) with { Shape = shape });
                    var (expected, factory) = Shape(shape, connections, officers, townships, cases);
                    if (settle > TimeSpan.Zero)
                    {
                        await LoadRun.RunAsync(shape, connections, settle, service.Address, expected, factory, Cpu);
                    }
                    if (options.StatementStats)
                    {
                        await ExecuteAsync(connectionString, "SELECT pg_stat_statements_reset(), pg_stat_reset(), pg_stat_reset_shared('wal')");
                    }
                    // The profile skips the run's first and last second.
                    var profile = perf is not null && options.ProfileShape == $"{shape}@{connections}"
                        ? PerfProfile.Start(perf, service.Id, options.Duration - TimeSpan.FromSeconds(2), work)
                        : ((Process Process, string File)?)null;
                    Log($"{shape}, {connections} connections, {options.Duration.TotalSeconds:F0} s");
                    var result = await LoadRun.RunAsync(shape, connections, options.Duration, service.Address, expected, factory, Cpu);
                    results.Add(result);
                    Log($"  {result.RequestsPerSecond:F0} req/s, p99 {result.Latency.P99:F1} ms, {result.Errors} errors{(result.FirstError is null ? "" : $" (first: {result.FirstError})")}");
                    if (options.StatementStats)
                    {
                        statements.Add((shape, connections, await StatementStat.ReadAsync(connectionString), result.Requests,
                            await StatementStat.WalAsync(connectionString, result.Requests)));
                    }
                    if (profile is { } recording)
                    {
                        profiles.Add(await PerfProfile.FinishAsync(perf!, recording.Process, recording.File, $"{shape} at {connections} connections",
                            result.ServiceCpuMsPerRequest));
                    }
                }
            }
            residentAfter = service.ResidentBytes;
            servicePid = service.Id;
        }
        if (perf is not null)
        {
            // The runtime's perf map of the service (several MB) is only of use to this run's profile.
            File.Delete(Path.Combine(Path.GetTempPath(), $"perf-{servicePid}.map"));
            File.Delete($"/tmp/perf-{servicePid}.map");
        }

        ActivationMemoryResult? memory = null;
        if (options.MemoryCases > 0)
        {
            Log($"memory: {options.MemoryCases} petitions registered through their townships, then activated on a fresh in-process silo");
            await using var store = await BenchStore.OnClusterAsync(cluster, "the benchmark's durable cluster", () => ValueTask.CompletedTask, dropDatabase: true);
            memory = await PetitionMemoryBenchmark.RunAsync(store, options.MemoryCases, options.Townships);
        }

        ReadinessResult? readiness = null;
        if (options.SeedCases > 0)
        {
            readiness = await MeasureReadinessAsync(cluster, options.Townships, options.SeedCases, key, work);
        }

        Report(options, postgres, readyEmpty, results, pgbenchResults, statements, profiles, memory, readiness, residentAfter);
        TryDelete(work);
        var failed = results.Sum(r => r.Errors) + (memory is { Check: not "ok" } ? 1 : 0) + (readiness is { Check: not "ok" } ? 1 : 0);
        return failed == 0 ? 0 : 1;
    }

    /// <summary>What each shape sends: its expected status and a request per send.</summary>
    private static (HttpStatusCode Expected, RequestFactory Factory) Shape(string shape, int connections, IReadOnlyDictionary<string, string> officers,
        IReadOnlyList<string> townships, IReadOnlyList<(string Township, string CaseId)> cases)
    {
        // Each worker owns the cases whose index is its number modulo the connection count, one request at a time,
        // so the instants it sends for a case only grow.
        var owned = Enumerable.Range(0, connections).Select(w => cases.Where((_, i) => i % connections == w).ToArray()).ToArray();
        var turns = new long[connections];
        (string Township, string CaseId) Next(int worker) => owned[worker][turns[worker]++ % owned[worker].Length];
        HttpRequestMessage Authorized(HttpMethod method, string path, string township, string? body)
        {
            var message = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", officers[township]);
            if (body is not null)
            {
                message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }
            return message;
        }
        return shape switch
        {
            "register" => (HttpStatusCode.Created, (_, sequence) =>
            {
                var township = townships[(int)(sequence % townships.Count)];
                var message = Authorized(HttpMethod.Post, $"/api/townships/{township}/petitions", township, RegisterBody);
                message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                return message;
            }),
            "progress" => (HttpStatusCode.OK, (worker, _) =>
            {
                var (township, caseId) = Next(worker);
                var at = ProgressBase.AddMilliseconds(Interlocked.Increment(ref _progressTick)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
                return Authorized(HttpMethod.Post, $"/api/townships/{township}/petitions/{caseId}/progress", township,
                    $$"""{"at":"{{at}}","note":"电话回访信访人，已协调镇国土所核实补偿款发放情况"}""");
            }),
            "read" => (HttpStatusCode.OK, (worker, _) =>
            {
                var (township, caseId) = Next(worker);
                return Authorized(HttpMethod.Get, $"/api/townships/{township}/petitions/{caseId}", township, null);
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
    }

    /// <summary>Creates the townships (admin) and registers and accepts the petitions that progress and read work on (officers).</summary>
    private static async Task<IReadOnlyList<(string Township, string CaseId)>> PrepareAsync(Uri address, string admin, IReadOnlyDictionary<string, string> officers,
        IReadOnlyList<string> townships, int count)
    {
        using var client = LoadRun.Client(address, 16);
        foreach (var township in townships)
        {
            await SendAsync(client, HttpMethod.Put, $"/api/townships/{township}", admin, $$"""{"name":"{{township}}镇","countyId":"county-1"}""");
        }
        var cases = new (string, string)[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var township = townships[i % townships.Count];
            var created = await SendAsync(client, HttpMethod.Post, $"/api/townships/{township}/petitions", officers[township], RegisterBody);
            var caseId = created.Location!.OriginalString[(created.Location.OriginalString.LastIndexOf('/') + 1)..];
            await SendAsync(client, HttpMethod.Post, $"/api/townships/{township}/petitions/{caseId}/accept", officers[township], $$"""{"at":"{{AcceptedAt}}"}""");
            cases[i] = (township, caseId);
        });
        return cases;
    }

    private static async Task<HttpResponseHeaders> SendAsync(HttpClient client, HttpMethod method, string path, string token, string? body)
    {
        using var message = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            message.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        using var answer = await client.SendAsync(message);
        if (!answer.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        }
        return answer.Headers;
    }

    /// <summary>How long the service takes to be ready, and to answer the first rollup, over many stored cases; then the county rollup
    /// over all the townships, first (activating every township grain) and warm (the median of <see cref="CountyRollupRuns"/>).</summary>
    internal sealed record ReadinessResult(int Cases, int Townships, int BigTownshipCases, TimeSpan Seeding, TimeSpan Ready, TimeSpan FirstRollup,
        TimeSpan SecondRollup, TimeSpan FirstRead, long ResidentBytes, string Check, TimeSpan CountyRollupFirst, Percentiles CountyRollupWarm);

    private const int CountyRollupRuns = 10;

    /// <summary>Seeds <paramref name="seedCases"/> petitions over <paramref name="townshipCount"/> townships of county-1 through the
    /// case store into a new database of <paramref name="cluster"/>, then starts the service on it and times its readiness and rollups.</summary>
    internal static async Task<ReadinessResult> MeasureReadinessAsync(PostgresCluster cluster, int townshipCount, int seedCases, byte[] key, string work)
    {
        var townships = Enumerable.Range(1, townshipCount).Select(t => $"s{t:D2}").ToArray();
        var counts = CaseSeeder.Spread(seedCases, townships.Length);
        var connectionString = await cluster.NewDatabaseAsync();
        Log($"seeding {seedCases} petitions over {townships.Length} townships ({counts[0]} in {townships[0]}) through the case store");
        var seeding = Stopwatch.StartNew();
        await using (var store = new PostgresCaseStore(connectionString))
        {
            await store.MigrateAsync();
            await CaseSeeder.SeedTownshipsAsync(store, townships);
            await CaseSeeder.SeedPetitionsAsync(store, townships, counts, new Progress<int>(n => Log($"  {n} seeded")));
        }
        seeding.Stop();
        await ExecuteAsync(connectionString, "VACUUM ANALYZE");

        Log("starting the service on the seeded database");
        var admin = TokenMinter.Mint(key, Roles.Admin, subject: "admin-bench");
        await using var service = ServiceProcess.Start(connectionString, key, work);
        var ready = await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(300));
        using var client = LoadRun.Client(service.Address, 2);
        client.Timeout = TimeSpan.FromSeconds(120);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        var rollupPath = new Uri($"/api/townships/{townships[0]}/rollups/2024", UriKind.Relative);
        using var first = await client.GetAsync(rollupPath);
        var firstRollup = Stopwatch.GetElapsedTime(service.StartedTimestamp);
        var firstBody = await first.Content.ReadAsStringAsync();
        var timer = Stopwatch.StartNew();
        using var second = await client.GetAsync(rollupPath);
        var secondRollup = timer.Elapsed;
        timer.Restart();
        using var read = await client.GetAsync(new Uri($"/api/townships/{townships[1]}/petitions/2024-XF-0001", UriKind.Relative));
        var firstRead = timer.Elapsed;

        // The county rollup asks every township grain for its live summaries; the first one activates those not yet active.
        var countyPath = new Uri("/api/counties/county-1/rollups/2024", UriKind.Relative);
        timer.Restart();
        using (var county = await client.GetAsync(countyPath))
        {
            county.EnsureSuccessStatusCode();
        }
        var countyFirst = timer.Elapsed;
        var countyRuns = new List<double>();
        for (var run = 0; run < CountyRollupRuns; run++)
        {
            timer.Restart();
            using var county = await client.GetAsync(countyPath);
            county.EnsureSuccessStatusCode();
            countyRuns.Add(timer.Elapsed.TotalMilliseconds);
        }

        var registered = first.IsSuccessStatusCode
            ? JsonDocument.Parse(firstBody).RootElement.GetProperty("petitions").GetProperty("registered").GetInt32()
            : -1;
        var check = first.IsSuccessStatusCode && registered == counts[0] && read.IsSuccessStatusCode
            ? "ok"
            : $"MISMATCH: rollup {(int)first.StatusCode} registered={registered} (seeded {counts[0]}), read {(int)read.StatusCode}";
        Log($"  ready {ready.TotalSeconds:F2} s, first rollup at {firstRollup.TotalSeconds:F2} s, {check}");
        return new ReadinessResult(seedCases, townships.Length, counts[0], seeding.Elapsed, ready, firstRollup, secondRollup, firstRead,
            service.ResidentBytes, check, countyFirst, Percentiles.Of(countyRuns));
    }

    private static void Report(ApiBenchmarkOptions options, string postgres, TimeSpan readyEmpty, IReadOnlyList<LoadResult> results,
        IReadOnlyList<PgBenchResult> pgbench, IReadOnlyList<(string Shape, int Connections, IReadOnlyList<StatementStat> Rows, long Requests, string Wal)> statements,
        IReadOnlyList<string> profiles, ActivationMemoryResult? memory, ReadinessResult? readiness, long residentAfter)
    {
        Console.WriteLine("CaseGrains through-the-API benchmark");
        Console.WriteLine($"command line: {Environment.CommandLine}");
        Console.WriteLine($"machine:      {MachineInfo.Describe()}");
        Console.WriteLine($"postgres:     {postgres}");
        Console.WriteLine($"service:      dotnet {ServiceProcess.ServerDll} (Release build of this program's reference), PostgreSql store, loopback");
        Console.WriteLine($"settings:     {options.Duration.TotalSeconds:F0} s per run; warm-up per shape first in 5 s rounds until the service's CPU per request stops falling (at most {options.WarmUp.TotalSeconds:F0} s), {Math.Min(2, options.WarmUp.TotalSeconds):F0} s settle before each run; {options.Townships} townships; "
            + $"progress and read over {options.Cases} accepted petitions (each worker owns its share); one officer token per township");
        Console.WriteLine($"client:       HttpClient (SocketsHttpHandler, HTTP/1.1), one connection per worker, closed loop: a worker sends its next request when the answer is in");
        Console.WriteLine($"pgbench:      {(pgbench.Count > 0 ? pgbench[0].CommandLine : "(not run)")} (one INSERT of a small row per transaction; -c/-j as in the table; one run before each shape)");
        Console.WriteLine();

        var table = new TextTable("shape", "connections", "requests/s", "p50 ms", "p95 ms", "p99 ms", "errors", "pgbench tps", "ratio");
        foreach (var r in results)
        {
            var tps = pgbench.FirstOrDefault(p => p.Clients == r.Connections && p.Shape == r.Shape)?.Tps ?? double.NaN;
            table.Add(r.Shape, $"{r.Connections}", $"{r.RequestsPerSecond:F0}", $"{r.Latency.P50:F2}", $"{r.Latency.P95:F2}", $"{r.Latency.P99:F2}",
                $"{r.Errors}", $"{tps:F0}", $"{r.RequestsPerSecond / tps:F2}");
        }
        Console.WriteLine("Requests through the API (latency at the client; ratio = requests/s ÷ the tps of the pgbench run just before, same client count):");
        Console.Write(table);
        Console.WriteLine();

        var cpu = new TextTable("shape", "connections", "requests", "service cpu ms/req", "postgres cpu ms/req", "client cpu ms/req", "machine cpu%");
        foreach (var r in results)
        {
            cpu.Add(r.Shape, $"{r.Connections}", $"{r.Requests}", $"{r.ServiceCpuMsPerRequest:F3}", $"{r.PostgresCpuMsPerRequest:F3}", $"{r.ClientCpuMsPerRequest:F3}", $"{r.MachineCpuPercent:F0}");
        }
        foreach (var p in pgbench)
        {
            cpu.Add($"pgbench (before {p.Shape})", $"{p.Clients}", $"{p.Tps * options.Duration.TotalSeconds:F0}", "", $"{p.PostgresCpuMsPerTransaction:F3}", "", "");
        }
        Console.WriteLine("Where the CPU went (2 cores = 2 ms of CPU per ms of wall time; the client is this program):");
        Console.Write(cpu);
        foreach (var r in results.Where(r => r.FirstError is not null))
        {
            Console.WriteLine($"  first error of {r.Shape}@{r.Connections}: {r.FirstError}");
        }
        Console.WriteLine();

        foreach (var (shape, connections, rows, requests, wal) in statements)
        {
            Console.WriteLine($"PostgreSQL WAL and current-state row updates, {shape} at {connections} connections: {wal}");
            Console.WriteLine($"PostgreSQL statements per request, {shape} at {connections} connections (pg_stat_statements, {requests} requests):");
            var stats = new TextTable("calls/req", "mean ms", "statement");
            foreach (var row in rows.Take(12))
            {
                stats.Add($"{row.Calls / (double)Math.Max(1, requests):F2}", $"{row.MeanMs:F3}", row.Query);
            }
            Console.Write(stats);
            Console.WriteLine();
        }
        profiles.ToList().ForEach(p => { Console.Write(p); Console.WriteLine(); });

        Console.WriteLine($"Time to ready, empty database: {readyEmpty.TotalSeconds:F2} s from process start to /readyz 200. "
            + $"Service resident memory after the runs: {residentAfter / 1048576.0:F0} MiB.");
        if (memory is not null)
        {
            Console.WriteLine($"Memory per active case grain: {memory.BytesPerActivation:F0} bytes of managed heap per PetitionGrain activation "
                + $"({memory.Activations} registered petitions activated on a fresh in-process silo over the same cluster, managed heap after a full GC before and after; "
                + $"{memory.ActivationsPerSecond:F0} activations/s; registering them took {memory.Seeding.TotalSeconds:F1} s; check {memory.Check}).");
        }
        if (readiness is not null)
        {
            Console.WriteLine($"Time to ready with {readiness.Cases} stored cases ({readiness.Townships} townships, {readiness.BigTownshipCases} in the largest; "
                + $"seeded through ICaseStore.AppendAsync in {readiness.Seeding.TotalSeconds:F0} s): /readyz 200 at {readiness.Ready.TotalSeconds:F2} s after process start, "
                + $"first rollup of the largest township answered at {readiness.FirstRollup.TotalSeconds:F2} s (its township grain loads every current-state row of its cases); "
                + $"a second rollup {readiness.SecondRollup.TotalMilliseconds:F0} ms; first read of a case {readiness.FirstRead.TotalMilliseconds:F0} ms; "
                + $"service resident memory then {readiness.ResidentBytes / 1048576.0:F0} MiB; county rollup over all {readiness.Townships} townships "
                + $"{readiness.CountyRollupFirst.TotalMilliseconds:F0} ms first, {readiness.CountyRollupWarm.P50:F0} ms warm (median of {CountyRollupRuns}); check {readiness.Check}.");
        }
    }

    private static async Task<string> DescribePostgresAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes'), current_setting('wal_sync_method'), current_setting('shared_buffers')",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return $"PostgreSQL {reader.GetString(0)}, private initdb cluster on 127.0.0.1, data under {Path.GetTempPath()} ({MachineInfo.FileSystemOf(Path.GetTempPath())}); "
            + $"fsync={reader.GetString(1)}, synchronous_commit={reader.GetString(2)}, full_page_writes={reader.GetString(3)}, wal_sync_method={reader.GetString(4)}, shared_buffers={reader.GetString(5)}";
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    private static void Log(string line) => Console.Error.WriteLine($"[api] {line}");

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it lives under the temp folder.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort.
        }
    }
}

/// <summary>One statement as pg_stat_statements counts it in the current database since the last reset.</summary>
internal sealed record StatementStat(long Calls, double MeanMs, string Query)
{
    /// <summary>WAL written per request since the last reset (cluster-wide), and how many grain_index updates were HOT.</summary>
    public static async Task<string> WalAsync(string connectionString, long requests)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT w.wal_records, w.wal_fpi, w.wal_bytes, COALESCE(t.n_tup_upd, 0), COALESCE(t.n_tup_hot_upd, 0)
            FROM pg_stat_wal w LEFT JOIN pg_stat_user_tables t ON t.relname = 'grain_index'
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var per = Math.Max(1, requests);
        return string.Create(CultureInfo.InvariantCulture,
            $"{reader.GetInt64(0) / (double)per:F1} WAL records, {reader.GetInt64(1) / (double)per:F2} full-page images, {reader.GetDecimal(2) / per:F0} WAL bytes per request; "
            + $"grain_index updates {reader.GetInt64(3)}, of which HOT {reader.GetInt64(4)}");
    }

    public static async Task<IReadOnlyList<StatementStat>> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT calls, mean_exec_time, regexp_replace(query, '\s+', ' ', 'g') FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND query NOT LIKE '%pg_stat_statements%'
            ORDER BY calls DESC LIMIT 20
            """, connection);
        var rows = new List<StatementStat>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var query = reader.GetString(2);
            rows.Add(new StatementStat(reader.GetInt64(0), reader.GetDouble(1), query.Length > 110 ? query[..110] + "…" : query));
        }
        return rows;
    }
}
