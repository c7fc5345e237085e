using System.Diagnostics;
using System.Security.Cryptography;
using CaseGrains.Benchmarks.Api;
using CaseGrains.Server.Auth;
using CaseGrains.Testing;

namespace CaseGrains.Benchmarks.Bench;

/// <summary>
/// The <c>bench</c> verb: the realistic mix against one silo and against the local cluster, each beside pgbench's
/// single-row inserts on the very database the service uses, at the same client count, run before and after the mix;
/// then memory per active case grain and the time to ready with many stored cases (with the county rollup), each on a
/// private durable PostgreSQL. Prints a report on stdout, progress on stderr.
/// </summary>
internal static class MixBenchmark
{
    private const string County = "county-1";
    private const int LateCasesPerTownship = 3;

    /// <summary>Runs everything the options ask for; non-zero when a request failed unexpectedly or a check did not hold.</summary>
    public static async Task<int> RunAsync(MixOptions options)
    {
        var work = Path.Combine(Path.GetTempPath(), "casegrains-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        var loadAtStart = MachineInfo.LoadAverage();
        var key = options.Url is null
            ? RandomNumberGenerator.GetBytes(32)
            : Convert.FromBase64String(Environment.GetEnvironmentVariable("Auth__SigningKey")
                ?? throw new InvalidOperationException("a URL target needs its signing key in Auth__SigningKey"));
        var townships = Enumerable.Range(1, options.Townships).Select(t => $"t{t:D2}").ToArray();
        var callers = townships.Select(t => new TownshipCallers(t,
            TokenMinter.Mint(key, Roles.Officer, townships: [t], subject: $"officer-{t}", name: "李干事"),
            TokenMinter.Mint(key, Roles.Supervisor, townships: [t], subject: $"supervisor-{t}", name: "赵主任"))).ToArray();
        var admin = TokenMinter.Mint(key, Roles.Admin, subject: "admin-bench");

        var runs = new List<TargetRun>();
        var notes = new List<string>();
        foreach (var name in options.Targets)
        {
            if (name == "cluster" && BenchTarget.FindClusterScript() is null)
            {
                var note = "deploy/local-cluster.sh is not in this checkout: the cluster was not measured, only the single silo.";
                Log(note);
                notes.Add(note);
                continue;
            }
            runs.Add(await RunTargetAsync(name, options, key, work, callers, admin));
        }

        ActivationMemoryResult? memory = null;
        ApiBenchmark.ReadinessResult? readiness = null;
        string? readinessLoad = null;
        if (options.Url is null && (options.MemoryCases > 0 || options.SeedCases > 0))
        {
            Log("starting a private durable PostgreSQL for the memory and readiness measurements");
            await using var cluster = await PostgresCluster.StartPrivateAsync(durable: true);
            if (options.MemoryCases > 0)
            {
                Log($"memory: {options.MemoryCases} petitions registered through their townships, then activated on a fresh in-process silo");
                await using var store = await BenchStore.OnClusterAsync(cluster, "the benchmark's durable cluster", () => ValueTask.CompletedTask, dropDatabase: true);
                memory = await PetitionMemoryBenchmark.RunAsync(store, options.MemoryCases, Math.Min(options.Townships, 40));
                Log($"  {memory.BytesPerActivation:F0} bytes per activation, {memory.Check}");
            }
            if (options.SeedCases > 0)
            {
                var before = MachineInfo.LoadAverage();
                readiness = await ApiBenchmark.MeasureReadinessAsync(cluster, options.Townships, options.SeedCases, key, work);
                readinessLoad = $"{before} -> {MachineInfo.LoadAverage()}";
            }
        }

        Report(options, runs, notes, memory, readiness, readinessLoad, loadAtStart);
        TryDelete(work);
        var failed = runs.Sum(r => r.Mix.Errors) + (memory is { Check: not "ok" } ? 1 : 0) + (readiness is { Check: not "ok" } ? 1 : 0);
        return failed == 0 ? 0 : 1;
    }

    /// <summary>What one target gave: its description, the two pgbench runs around the mix, the mix, and a profile.</summary>
    private sealed record TargetRun(string Name, string Description, TimeSpan Ready, PgBenchResult? Before, MixResult Mix, PgBenchResult? After,
        long ResidentBytes, string? Profile, string PgBenchLoad)
    {
        /// <summary>The reference: the mean of the two pgbench runs, NaN without them.</summary>
        public double ReferenceTps => Before is null || After is null ? double.NaN : (Before.Tps + After.Tps) / 2;
    }

    private static async Task<TargetRun> RunTargetAsync(string name, MixOptions options, byte[] key, string work,
        IReadOnlyList<TownshipCallers> callers, string admin)
    {
        var perf = options.Profile && name == "single" ? PerfProfile.Find() : null;
        if (options.Profile && name == "single" && perf is null)
        {
            Log("perf is not installed (Debian: linux-perf): no profile");
        }
        Log(name switch
        {
            "single" => "starting a private durable PostgreSQL and one service process",
            "cluster" => "starting the local cluster with deploy/local-cluster.sh up (three silos, a gateway node, nginx)",
            _ => $"using {options.Url}",
        });
        await using var target = name switch
        {
            "single" => await BenchTarget.StartSingleAsync(key, work, perf is null ? null : PerfProfile.ServiceEnvironment),
            "cluster" => await BenchTarget.StartClusterAsync(BenchTarget.FindClusterScript()!, key, work),
            _ => await BenchTarget.AtAsync(options.Url!, options.ReferenceDatabase),
        };
        Log($"{target.Name}: ready in {target.Ready.TotalSeconds:F1} s; {target.Description}");

        await PrepareAsync(target.Address, admin, callers);
        Log($"{callers.Count} townships with a leader each and {callers.Count * LateCasesPerTownship} late petitions (for the alerts) ready");
        var pipelines = Enumerable.Range(0, options.Concurrency).Select(w => new CasePipeline(w, callers)).ToArray();

        // Unmeasured: JIT tiering, connection pools, grain activations; and every pipeline fills its stages.
        if (options.WarmUp > TimeSpan.Zero)
        {
            var warm = await MixRun.RunAsync(target.Name, target.Address, pipelines, options.WarmUp, target.Cpu);
            Log($"warm-up: {warm.RequestsPerSecond:F0} req/s, {warm.Errors} errors{FirstError(warm)}");
        }

        var pgbench = target.ConnectionString is null ? null : PgBench.Find(target.PgBinDirectory);
        var script = pgbench is null ? null : await PgBench.PrepareAsync(target.ConnectionString!, work);
        TimeSpan PostgresCpu() => target.Cpu().Postgres;
        var pgLoadBefore = MachineInfo.LoadAverage();
        PgBenchResult? before = null, after = null;
        if (pgbench is not null)
        {
            Log($"pgbench, {options.Concurrency} clients, {options.Duration.TotalSeconds:F0} s (before the mix)");
            before = await PgBench.RunAsync(pgbench, script!, target.ConnectionString!, options.Concurrency, options.Duration, PostgresCpu);
            Log($"  {before.Tps:F0} tps");
        }
        else
        {
            Log("no pgbench or no database to run it on: no ratio");
        }

        var profile = perf is not null && target.ServicePid is { } pid
            ? PerfProfile.Start(perf, pid, options.Duration - TimeSpan.FromSeconds(2), work)
            : ((Process Process, string File)?)null;
        Log($"the mix at {options.Concurrency} connections, {options.Duration.TotalSeconds:F0} s");
        var mix = await MixRun.RunAsync(target.Name, target.Address, pipelines, options.Duration, target.Cpu);
        Log($"  {mix.RequestsPerSecond:F0} req/s, {mix.CommandsPerSecond:F0} commands/s, p99 {mix.Overall.P99:F1} ms, {mix.Errors} errors{FirstError(mix)}");
        string? summary = null;
        if (profile is { } recording)
        {
            summary = await PerfProfile.FinishAsync(perf!, recording.Process, recording.File, $"the mix at {options.Concurrency} connections (single)",
                mix.ServiceCpuMsPerRequest);
            File.Delete($"/tmp/perf-{target.ServicePid}.map");
        }
        var resident = target.ResidentBytes();

        if (pgbench is not null)
        {
            Log($"pgbench, {options.Concurrency} clients, {options.Duration.TotalSeconds:F0} s (after the mix)");
            after = await PgBench.RunAsync(pgbench, script!, target.ConnectionString!, options.Concurrency, options.Duration, PostgresCpu);
            Log($"  {after.Tps:F0} tps");
        }
        return new TargetRun(target.Name, target.Description, target.Ready, before, mix, after, resident, summary,
            $"{pgLoadBefore} -> {MachineInfo.LoadAverage()}");
    }

    /// <summary>Townships of one county with a leader each (admin), and a few petitions received 70 days ago so the alerts have something to say.</summary>
    private static async Task PrepareAsync(Uri address, string admin, IReadOnlyList<TownshipCallers> callers)
    {
        using var client = LoadRun.Client(address, 8);
        client.Timeout = TimeSpan.FromSeconds(60);
        foreach (var township in callers)
        {
            await SendAsync(client, HttpMethod.Put, $"/api/townships/{township.Township}", admin, $$"""{"name":"{{township.Township}}镇","countyId":"{{County}}"}""");
            await SendAsync(client, HttpMethod.Put, $"/api/townships/{township.Township}/leaders/{MixWorkload.LeaderId}", admin,
                """{"name":"王书记","title":"党委书记","active":true}""");
        }
        var received = DateTimeOffset.UtcNow.AddDays(-70);
        await Parallel.ForEachAsync(callers.SelectMany(c => Enumerable.Repeat(c, LateCasesPerTownship)), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (township, _) =>
            {
                using var created = await SendAsync(client, HttpMethod.Post, $"/api/townships/{township.Township}/petitions", township.Officer,
                    MixWorkload.RegisterBody(received));
                var location = created.Headers.Location!.OriginalString;
                var caseId = location[(location.LastIndexOf('/') + 1)..];
                using var accepted = await SendAsync(client, HttpMethod.Post, $"/api/townships/{township.Township}/petitions/{caseId}/accept", township.Officer,
                    $$"""{"at":"{{MixWorkload.Instant(received.AddDays(1))}}"}""");
            });
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string token, string? body)
    {
        using var message = MixWorkload.Request(method, path, token, body);
        var answer = await client.SendAsync(message);
        if (!answer.IsSuccessStatusCode)
        {
            var text = await answer.Content.ReadAsStringAsync();
            answer.Dispose();
            throw new InvalidOperationException($"{method} {path}: {(int)answer.StatusCode} {text}");
        }
        return answer;
    }

    private static string FirstError(MixResult result)
        => result.Operations.FirstOrDefault(o => o.FirstError is not null)?.FirstError is { } error ? $" (first: {error})" : "";

    private static void Report(MixOptions options, IReadOnlyList<TargetRun> runs, IReadOnlyList<string> notes, ActivationMemoryResult? memory,
        ApiBenchmark.ReadinessResult? readiness, string? readinessLoad, string loadAtStart)
    {
        Console.WriteLine("CaseGrains load benchmark (bench)");
        Console.WriteLine($"command line: {Environment.CommandLine}");
        Console.WriteLine($"machine:      {MachineInfo.Describe()}; {MachineInfo.Hardware()}");
        Console.WriteLine($"load average: {loadAtStart} at the start, {MachineInfo.LoadAverage()} at the end (1, 5, 15 min)");
        Console.WriteLine($"settings:     {options.Concurrency} connections, closed loop (one request in flight each); {options.WarmUp.TotalSeconds:F0} s warm-up, "
            + $"{options.Duration.TotalSeconds:F0} s measured; {options.Townships} townships of {County}; pgbench -c {options.Concurrency} for "
            + $"{options.Duration.TotalSeconds:F0} s before and after the mix on the service's own database");
        Console.WriteLine($"mix weights:  {string.Join(", ", MixWorkload.Weights.Select(w => $"{Name(w.Operation)} {w.Weight}"))} (of 100; "
            + "an operation with no case in the stage it needs sends the step that feeds it, so the executed share is in the table)");
        foreach (var run in runs)
        {
            Console.WriteLine($"target {run.Name,-8} {run.Description}; ready in {run.Ready.TotalSeconds:F1} s");
        }
        notes.ToList().ForEach(n => Console.WriteLine($"note:         {n}"));
        Console.WriteLine();

        var summary = new TextTable("target", "requests/s", "commands/s", "p50 ms", "p95 ms", "p99 ms", "errors", "pgbench tps before/after",
            "ratio req/tps", "ratio cmd/tps", "load avg (mix)");
        foreach (var run in runs)
        {
            var m = run.Mix;
            summary.Add(run.Name, $"{m.RequestsPerSecond:F0}", $"{m.CommandsPerSecond:F0}", $"{m.Overall.P50:F1}", $"{m.Overall.P95:F1}", $"{m.Overall.P99:F1}",
                $"{m.Errors}", run.Before is null ? "n/a" : $"{run.Before.Tps:F0} / {run.After!.Tps:F0}",
                $"{m.RequestsPerSecond / run.ReferenceTps:F2}", $"{m.CommandsPerSecond / run.ReferenceTps:F2}", $"{m.LoadBefore} -> {m.LoadAfter}");
        }
        Console.WriteLine("The mix (requests/s: answered as expected, the deliberate refusals included; commands/s: the successful writes; "
            + "ratio: ÷ the mean of the two pgbench runs on the same database at the same client count):");
        Console.Write(summary);
        if (runs.Count == 2 && runs[0].Name == "single" && runs[1].Name == "cluster")
        {
            Console.WriteLine($"one silo -> three silos + a gateway node behind nginx: requests/s x{runs[1].Mix.RequestsPerSecond / runs[0].Mix.RequestsPerSecond:F2}, "
                + $"ratio to pgbench {runs[0].Mix.RequestsPerSecond / runs[0].ReferenceTps:F2} -> {runs[1].Mix.RequestsPerSecond / runs[1].ReferenceTps:F2}");
        }
        Console.WriteLine();

        foreach (var run in runs)
        {
            var m = run.Mix;
            var answered = Math.Max(1, m.Operations.Sum(o => o.Answered));
            var table = new TextTable("operation", "share %", "ok", "4xx expected", "4xx unexpected", "5xx/transport", "p50 ms", "p95 ms", "p99 ms", "max ms");
            foreach (var o in m.Operations)
            {
                table.Add(Name(o.Operation), $"{100.0 * o.Answered / answered:F1}", $"{o.Ok}", $"{o.ExpectedRefusals}", $"{o.UnexpectedClientErrors}", $"{o.ServerErrors}",
                    $"{o.Latency.P50:F1}", $"{o.Latency.P95:F1}", $"{o.Latency.P99:F1}", $"{o.Latency.Max:F1}");
            }
            Console.WriteLine($"Per operation, {run.Name} ({m.Elapsed.TotalSeconds:F1} s, latency at the client of the answers as expected):");
            Console.Write(table);
            foreach (var o in m.Operations.Where(o => o.FirstError is not null))
            {
                Console.WriteLine($"  first error of {Name(o.Operation)}: {o.FirstError}");
            }
            Console.WriteLine($"CPU per request: service {m.ServiceCpuMsPerRequest:F3} ms, PostgreSQL {m.PostgresCpuMsPerRequest:F3} ms, this client {m.ClientCpuMsPerRequest:F3} ms; "
                + $"machine busy {m.MachineCpuPercent:F0}% of both cores; service resident memory {run.ResidentBytes / 1048576.0:F0} MiB"
                + (run.Before is null ? "" : $"; pgbench PostgreSQL CPU {run.Before.PostgresCpuMsPerTransaction:F3} ms/tx, load average over the pgbench runs {run.PgBenchLoad}"));
            if (run.Before is not null)
            {
                Console.WriteLine($"pgbench: {run.Before.CommandLine}");
            }
            Console.WriteLine();
        }
        runs.Where(r => r.Profile is not null).ToList().ForEach(r => { Console.Write(r.Profile); Console.WriteLine(); });

        if (memory is not null)
        {
            Console.WriteLine($"Memory per active case grain: {memory.BytesPerActivation:F0} bytes of managed heap per PetitionGrain activation "
                + $"({memory.Activations} petitions registered through their townships, activated on a fresh in-process silo, managed heap after a full GC before and after; "
                + $"{memory.ActivationsPerSecond:F0} activations/s; check {memory.Check}).");
        }
        if (readiness is not null)
        {
            Console.WriteLine($"Time to ready with {readiness.Cases} stored cases ({readiness.Townships} townships, {readiness.BigTownshipCases} in the largest; "
                + $"seeded through ICaseStore.AppendAsync in {readiness.Seeding.TotalSeconds:F0} s): /readyz 200 at {readiness.Ready.TotalSeconds:F2} s after process start; "
                + $"first rollup of the largest township at {readiness.FirstRollup.TotalSeconds:F2} s, then {readiness.SecondRollup.TotalMilliseconds:F0} ms; "
                + $"county rollup over all {readiness.Townships} townships {readiness.CountyRollupFirst.TotalMilliseconds:F0} ms first, "
                + $"warm p50 {readiness.CountyRollupWarm.P50:F0} ms / max {readiness.CountyRollupWarm.Max:F0} ms; service resident memory then "
                + $"{readiness.ResidentBytes / 1048576.0:F0} MiB; load average {readinessLoad}; check {readiness.Check}.");
        }
    }

    private static string Name(MixOperation operation) => operation.ToString().ToLowerInvariant();

    private static void Log(string line) => Console.Error.WriteLine($"[bench] {line}");

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
