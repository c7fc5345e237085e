using System.Diagnostics;

namespace CaseGrains.Benchmarks;

/// <summary>One measured shape: how fast commands committed and how long each caller waited.</summary>
internal sealed record ThroughputResult(
    string Store,
    string Shape,
    int Commands,
    int Failed,
    TimeSpan Elapsed,
    Percentiles Latency,
    double ProcessCpuPercent,
    double MachineCpuPercent,
    int ThreadPoolThreads,
    string Check)
{
    /// <summary>Committed commands per second of wall time.</summary>
    public double CommandsPerSecond => (Commands - Failed) / Elapsed.TotalSeconds;
}

/// <summary>
/// Sends every command of a shape at once and waits for all of them. Each latency runs from the call
/// at the caller to its answer, so it includes the wait in the grain's mailbox: with one grain, the
/// p50 is roughly half the queue times one commit.
/// </summary>
internal static class ThroughputBenchmark
{
    /// <summary>Runs <paramref name="commands"/> commands spread round-robin over <paramref name="grains"/> grains on a fresh silo.</summary>
    public static async Task<ThroughputResult> RunAsync(BenchStore store, string shape, int commands, int grains)
    {
        await using var silo = await BenchSilo.StartAsync(store);
        var run = Guid.NewGuid().ToString("N")[..8];
        var keys = Enumerable.Range(0, grains).Select(g => $"{shape}-{run}-{g}").ToArray();
        var references = keys.Select(key => silo.Grains.GetGrain<ITallyGrain>(key)).ToArray();

        // Activation is measured apart; here every grain is already in memory when the clock starts.
        await Task.WhenAll(references.Select(r => r.GetTotal()));

        var latencies = new double[commands];
        var failed = 0;
        string? firstError = null;
        async Task TimeOneAsync(ITallyGrain grain, int index)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await grain.Add(1);
                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            catch (Exception ex)
            {
                // A benchmark reports a failed command instead of stopping at it.
                latencies[index] = double.NaN;
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, $"{ex.GetType().Name}: {ex.Message}", null);
            }
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var cpuBefore = CpuSample.Take();
        var clock = Stopwatch.StartNew();
        var calls = new Task[commands];
        for (var i = 0; i < commands; i++)
        {
            calls[i] = TimeOneAsync(references[i % grains], i);
        }
        await Task.WhenAll(calls);
        clock.Stop();
        var cpuAfter = CpuSample.Take();
        var threads = ThreadPool.ThreadCount;

        var check = await CheckStoredAsync(store, keys.Select(TallyGrain.StreamIdOf).ToArray(), commands - failed);
        if (firstError is not null)
        {
            check += $"; first error: {firstError}";
        }
        return new ThroughputResult(store.Name, shape, commands, failed, clock.Elapsed,
            Percentiles.Of(latencies.Where(l => !double.IsNaN(l))),
            cpuAfter.ProcessPercentSince(cpuBefore), cpuAfter.MachinePercentSince(cpuBefore), threads, check);
    }

    /// <summary>Confirms that every committed command reached the store: the index rows' versions add up to the commits.</summary>
    private static async Task<string> CheckStoredAsync(BenchStore store, IReadOnlyList<string> streamIds, int committed)
    {
        long stored = 0;
        foreach (var streamId in streamIds)
        {
            stored += (await store.Store.GetIndexRowAsync(streamId))?.Version ?? 0;
        }
        return stored == committed ? "ok" : $"MISMATCH: {stored} stored, {committed} committed";
    }
}

/// <summary>Nearest-rank percentiles of latencies in milliseconds.</summary>
internal sealed record Percentiles(double P50, double P95, double P99, double Max)
{
    /// <summary>The percentiles of a sample; NaN when it is empty.</summary>
    public static Percentiles Of(IEnumerable<double> sample)
    {
        var sorted = sample.Order().ToArray();
        double At(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
        return new Percentiles(At(50), At(95), At(99), sorted.Length == 0 ? double.NaN : sorted[^1]);
    }
}
