using System.Globalization;
using CaseGrains.Benchmarks;

// Numbers print the same whatever the machine's locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// `reports …`: the county report and ledger import benchmark (ReportsBenchmark.cs).
if (args is ["reports", ..])
{
    return await ReportsBenchmark.RunAsync(args[1..]);
}

// `bench …`: the realistic mix against one silo and the local cluster, beside pgbench (Bench/MixBenchmark.cs).
if (args is ["bench", ..])
{
    var mixOptions = CaseGrains.Benchmarks.Bench.MixOptions.Parse(args[1..], out var mixError);
    if (mixOptions is null)
    {
        if (mixError is not null)
        {
            Console.Error.WriteLine(mixError);
        }
        Console.Error.WriteLine(CaseGrains.Benchmarks.Bench.MixOptions.Usage);
        return mixError is null ? 0 : 2;
    }
    try
    {
        return await CaseGrains.Benchmarks.Bench.MixBenchmark.RunAsync(mixOptions);
    }
    catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException)
    {
        // Every process the run started is already stopped (await using); say what went wrong in one place.
        Console.Error.WriteLine($"benchmark failed: {ex.Message}");
        return 1;
    }
}

// `alerts …`: the alert indexes, GET /api/alerts and alert lateness on a fake and a real clock (Alerts/AlertBenchmark.cs).
if (args is ["alerts", ..])
{
    return await CaseGrains.Benchmarks.Alerts.AlertBenchmark.MainAsync(args[1..]);
}

// --api: the service binary through HTTP on a durable PostgreSQL, beside pgbench (Api/ApiBenchmark.cs).
if (args.Contains("--api"))
{
    var apiOptions = CaseGrains.Benchmarks.Api.ApiBenchmarkOptions.Parse([.. args.Where(a => a != "--api")], out var apiError);
    if (apiOptions is null)
    {
        if (apiError is not null)
        {
            Console.Error.WriteLine(apiError);
        }
        Console.Error.WriteLine(CaseGrains.Benchmarks.Api.ApiBenchmarkOptions.Usage);
    Console.Error.WriteLine("   or: CaseGrains.Benchmarks --api ... (--api --help for its options)");
        return apiError is null ? 0 : 2;
    }
    try
    {
        return await CaseGrains.Benchmarks.Api.ApiBenchmark.RunAsync(apiOptions);
    }
    catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException)
    {
        // The cluster and the service are already stopped (await using); say what went wrong in one place.
        Console.Error.WriteLine($"benchmark failed: {ex.Message}");
        return 1;
    }
}

var options = BenchmarkOptions.Parse(args, out var error);
if (options is null)
{
    if (error is not null)
    {
        Console.Error.WriteLine(error);
    }
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    Console.Error.WriteLine("   or: CaseGrains.Benchmarks --api ... (--api --help for its options)");
    return error is null ? 0 : 2;
}

// Progress goes to stderr; stdout carries only the report.
var throughput = new List<ThroughputResult>();
var memory = new List<ActivationMemoryResult>();
var stores = new List<string>();
var caveats = new List<string>();
var warmUpCommands = Math.Min(200, options.Commands);
foreach (var kind in options.Stores)
{
    await using var store = await BenchStore.OpenAsync(kind);
    stores.Add($"  {store.Name,-9} {store.Description}");
    if (store.Caveat is not null)
    {
        caveats.Add($"  {store.Name}: {store.Caveat}");
    }

    // Warm-up: JIT, connection pools and the thread pool's first threads, on a host that is thrown away.
    Console.Error.WriteLine($"[{store.Name}] warm-up ({warmUpCommands} commands on 1 grain, {warmUpCommands} on {Math.Min(20, options.Grains)})");
    await ThroughputBenchmark.RunAsync(store, "warmup-one", warmUpCommands, 1);
    await ThroughputBenchmark.RunAsync(store, "warmup-many", warmUpCommands, Math.Min(20, options.Grains));

    Console.Error.WriteLine($"[{store.Name}] 1 grain x {options.Commands} concurrent commands");
    throughput.Add(await ThroughputBenchmark.RunAsync(store, "one-grain", options.Commands, 1));
    Console.Error.WriteLine($"[{store.Name}] {options.Grains} grains, {options.Commands} concurrent commands");
    throughput.Add(await ThroughputBenchmark.RunAsync(store, "many-grains", options.Commands, options.Grains));
    Console.Error.WriteLine($"[{store.Name}] {options.IdleGrains} idle activations (seeding, then activating)");
    memory.Add(await ActivationMemoryBenchmark.RunAsync(store, options.IdleGrains));
}

Console.WriteLine("CaseGrains grain host benchmark");
Console.WriteLine($"command line: {Environment.CommandLine}");
Console.WriteLine($"machine:      {MachineInfo.Describe()}");
Console.WriteLine($"settings:     commands={options.Commands} per shape, grains={options.Grains}, idle-grains={options.IdleGrains}, "
    + $"warm-up={warmUpCommands}+{warmUpCommands} commands per store; all commands of a shape are sent at once");
Console.WriteLine("stores:");
stores.ForEach(Console.WriteLine);
Console.WriteLine();

var commandTable = new TextTable("store", "shape", "commands", "failed", "seconds", "cmd/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "cpu proc%", "cpu machine%", "pool threads", "stored");
foreach (var r in throughput)
{
    var shape = r.Shape == "one-grain" ? $"1 grain x {r.Commands}" : $"{options.Grains} grains x ~{r.Commands / options.Grains}";
    commandTable.Add(r.Store, shape, $"{r.Commands}", $"{r.Failed}", $"{r.Elapsed.TotalSeconds:F2}", $"{r.CommandsPerSecond:F0}",
        $"{r.Latency.P50:F1}", $"{r.Latency.P95:F1}", $"{r.Latency.P99:F1}", $"{r.Latency.Max:F1}",
        $"{r.ProcessCpuPercent:F0}", $"{r.MachineCpuPercent:F0}", $"{r.ThreadPoolThreads}", r.Check);
}
Console.WriteLine("Commands (one event + one current-state row per command, latency measured at the caller, grains already active):");
Console.Write(commandTable);
Console.WriteLine();

var memoryTable = new TextTable("store", "idle activations", "bytes/activation", "activations/s", "activate s", "seed s", "check");
foreach (var m in memory)
{
    memoryTable.Add(m.Store, $"{m.Activations}", $"{m.BytesPerActivation:F0}", $"{m.ActivationsPerSecond:F0}",
        $"{m.Activating.TotalSeconds:F2}", $"{m.Seeding.TotalSeconds:F2}", m.Check);
}
Console.WriteLine("Idle activations (each holds the state of 1 event; managed heap after a full GC, fresh host):");
Console.Write(memoryTable);

if (caveats.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("caveats:");
    caveats.ForEach(Console.WriteLine);
}
Console.WriteLine("cpu proc% / cpu machine%: share of all cores used by this process / by the whole machine (database server and any other build included).");

var failures = throughput.Sum(r => r.Failed) + memory.Count(m => m.Check != "ok") + throughput.Count(r => r.Check != "ok");
return failures == 0 ? 0 : 1;
