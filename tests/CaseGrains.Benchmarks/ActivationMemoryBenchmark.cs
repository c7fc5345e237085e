using System.Diagnostics;

namespace CaseGrains.Benchmarks;

/// <summary>What idle activations cost in managed memory.</summary>
internal sealed record ActivationMemoryResult(string Store, int Activations, double BytesPerActivation, TimeSpan Seeding, TimeSpan Activating, string Check)
{
    /// <summary>Activations per second while activating (one stream read each).</summary>
    public double ActivationsPerSecond => Activations / Activating.TotalSeconds;
}

/// <summary>
/// Seeds grains with one event each, then activates all of them on a fresh silo and compares the
/// managed heap after a full collection before and after. Native memory (SQLite's page cache,
/// sockets) is not in that figure; it does not grow with the number of activations.
/// </summary>
internal static class ActivationMemoryBenchmark
{
    // SQLite takes one writer at a time, so more seeding writers would only queue on its lock.
    private const int SqliteSeedingWriters = 1;
    private const int PostgresSeedingWriters = 16;
    private const int ActivatingCallers = 16;

    /// <summary>Measures <paramref name="idleGrains"/> activations of grains that each hold the state of one event.</summary>
    public static async Task<ActivationMemoryResult> RunAsync(BenchStore store, int idleGrains)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var keys = Enumerable.Range(0, idleGrains).Select(g => $"idle-{run}-{g}").ToArray();

        // Seeding goes through a silo of its own, so the events are exactly what the grain writes.
        var seeding = Stopwatch.StartNew();
        await using (var seeder = await BenchSilo.StartAsync(store))
        {
            var writers = store.Name == "sqlite" ? SqliteSeedingWriters : PostgresSeedingWriters;
            await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = writers },
                async (key, _) => await seeder.Grains.GetGrain<ITallyGrain>(key).Add(1));
        }
        seeding.Stop();

        await using var host = await BenchSilo.StartAsync(store);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var activating = Stopwatch.StartNew();
        var wrongTotals = 0;
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = ActivatingCallers }, async (key, _) =>
        {
            if (await host.Grains.GetGrain<ITallyGrain>(key).GetTotal() != 1)
            {
                Interlocked.Increment(ref wrongTotals);
            }
        });
        activating.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var activations = await host.ActivationCountAsync();
        GC.KeepAlive(host);

        var check = activations == idleGrains && wrongTotals == 0
            ? "ok"
            : $"MISMATCH: {activations} activations, {wrongTotals} wrong totals";
        return new ActivationMemoryResult(store.Name, activations, (after - before) / (double)Math.Max(1, activations), seeding.Elapsed, activating.Elapsed, check);
    }
}
