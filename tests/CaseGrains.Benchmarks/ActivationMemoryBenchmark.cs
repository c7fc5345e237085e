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

/// <summary>
/// The same measurement with real petition grains: petitions registered through their township grain (as the
/// API registers them: numbered, with the officer's access-log row in the commit), then activated on a fresh
/// silo by reading each one. Each activation holds the petition's state read from its snapshot, its reminder
/// bookkeeping, and what Orleans keeps per activation.
/// </summary>
internal static class PetitionMemoryBenchmark
{
    private const int Writers = 32;
    private const int ActivatingCallers = 16;

    /// <summary>Registers <paramref name="petitions"/> petitions over <paramref name="townships"/> townships and measures their activations.</summary>
    public static async Task<ActivationMemoryResult> RunAsync(BenchStore store, int petitions, int townships)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var townshipIds = Enumerable.Range(1, townships).Select(t => $"m{run}-{t:D2}").ToArray();
        var officer = new Grains.CommandContext("officer-bench", "officer", "register");
        var keys = new System.Collections.Concurrent.ConcurrentBag<string>();
        var failed = 0;

        var seeding = Stopwatch.StartNew();
        await using (var seeder = await BenchSilo.StartAsync(store))
        {
            foreach (var township in townshipIds)
            {
                await seeder.Grains.GetGrain<Grains.Townships.ITownshipGrain>(township)
                    .SetProfile(new Domain.Townships.SetTownshipProfile($"{township}镇", "county-m"), Grains.CommandContext.System);
            }
            await Parallel.ForEachAsync(Enumerable.Range(0, petitions), new ParallelOptions { MaxDegreeOfParallelism = Writers }, async (i, _) =>
            {
                var township = townshipIds[i % townships];
                var result = await seeder.Grains.GetGrain<Grains.Townships.ITownshipGrain>(township).RegisterPetition(
                    new Domain.Petitions.RegisterPetition("", "", Domain.Petitions.PetitionChannel.Visit,
                        new DateTimeOffset(2024, 3, 5, 9, 30, 0, TimeSpan.FromHours(8)), "征地补偿", "反映补偿款未到位", "征地拆迁",
                        [new Domain.Person("张三", Phone: "13812345678")], null, null, null, null, null),
                    officer);
                if (result.Value is { } snapshot)
                {
                    keys.Add(Grains.Cases.GrainTypes.CaseKey(township, snapshot.State.Id));
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            });
        }
        seeding.Stop();

        await using var host = await BenchSilo.StartAsync(store);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var activating = Stopwatch.StartNew();
        var missing = 0;
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = ActivatingCallers }, async (key, _) =>
        {
            if (await host.Grains.GetGrain<Grains.Petitions.IPetitionGrain>(key).Get() is null)
            {
                Interlocked.Increment(ref missing);
            }
        });
        activating.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var activations = await host.ActivationCountAsync("PetitionGrain");
        GC.KeepAlive(host);

        var check = activations == petitions && missing == 0 && failed == 0
            ? "ok"
            : $"MISMATCH: {activations} activations, {failed} failed registrations, {missing} not found";
        return new ActivationMemoryResult(store.Name, activations, (after - before) / (double)Math.Max(1, activations), seeding.Elapsed, activating.Elapsed, check);
    }
}
