using System.Diagnostics;
using System.Net;

namespace CaseGrains.Benchmarks.Api;

/// <summary>One request a worker sends: built afresh for each send, with the status that counts as success.</summary>
internal delegate HttpRequestMessage RequestFactory(int worker, long sequence);

/// <summary>What one shape at one connection count achieved, and what it cost in CPU per request.</summary>
internal sealed record LoadResult(
    string Shape,
    int Connections,
    long Requests,
    long Errors,
    TimeSpan Elapsed,
    Percentiles Latency,
    string? FirstError,
    double ServiceCpuMsPerRequest,
    double PostgresCpuMsPerRequest,
    double ClientCpuMsPerRequest,
    double MachineCpuPercent)
{
    /// <summary>Successful requests per second of wall time.</summary>
    public double RequestsPerSecond => (Requests - Errors) / Elapsed.TotalSeconds;
}

/// <summary>
/// A closed loop: <c>connections</c> workers each send one request, wait for its whole answer, and send the
/// next, until the duration is up or the request bound is reached. Every worker has its own connection
/// (the handler allows exactly that many), all on loopback.
/// </summary>
internal static class LoadRun
{
    /// <summary>An HTTP/1.1 client with exactly <paramref name="connections"/> pooled connections to the service.</summary>
    public static HttpClient Client(Uri address, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseCookies = false,
        UseProxy = false,
        AllowAutoRedirect = false,
    })
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Runs the loop and measures it; <paramref name="cpu"/> reads the service's and PostgreSQL's CPU.</summary>
    public static async Task<LoadResult> RunAsync(string shape, int connections, TimeSpan duration, Uri address, HttpStatusCode expected,
        RequestFactory request, Func<(TimeSpan Service, TimeSpan Postgres)> cpu)
    {
        using var client = Client(address, connections);
        var latencies = new List<double>[connections];
        long issued = 0, errors = 0;
        string? firstError = null;
        var stopAt = 0L;

        async Task WorkerAsync(int worker)
        {
            var mine = latencies[worker] = new List<double>(4096);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var sequence = Interlocked.Increment(ref issued);
                if (sequence > ApiBenchmarkOptions.MaxRequestsPerRun)
                {
                    Interlocked.Decrement(ref issued);
                    return;
                }
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var message = request(worker, sequence);
                    using var answer = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead);
                    if (answer.StatusCode != expected)
                    {
                        Interlocked.Increment(ref errors);
                        var body = await answer.Content.ReadAsStringAsync();
                        Interlocked.CompareExchange(ref firstError, $"{(int)answer.StatusCode} {body[..Math.Min(300, body.Length)]}", null);
                        continue;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, $"{ex.GetType().Name}: {ex.Message}", null);
                    continue;
                }
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var (serviceBefore, postgresBefore) = cpu();
        var clientBefore = CpuSample.Take();
        stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(w => Task.Run(() => WorkerAsync(w))));
        clock.Stop();
        var clientAfter = CpuSample.Take();
        var (serviceAfter, postgresAfter) = cpu();

        var requests = Interlocked.Read(ref issued);
        var ok = Math.Max(1, requests - errors);
        return new LoadResult(shape, connections, requests, errors, clock.Elapsed,
            Percentiles.Of(latencies.Where(l => l is not null).SelectMany(l => l)), firstError,
            (serviceAfter - serviceBefore).TotalMilliseconds / ok,
            (postgresAfter - postgresBefore).TotalMilliseconds / ok,
            (clientAfter.Process - clientBefore.Process).TotalMilliseconds / ok,
            clientAfter.MachinePercentSince(clientBefore));
    }
}
