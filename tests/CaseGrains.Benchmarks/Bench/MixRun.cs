using System.Diagnostics;
using CaseGrains.Benchmarks.Api;

namespace CaseGrains.Benchmarks.Bench;

/// <summary>What one operation of the mix achieved in a run.</summary>
internal sealed record OperationResult(MixOperation Operation, long Ok, long ExpectedRefusals, long UnexpectedClientErrors, long ServerErrors,
    Percentiles Latency, string? FirstError)
{
    /// <summary>Answers of any kind.</summary>
    public long Answered => Ok + ExpectedRefusals + UnexpectedClientErrors + ServerErrors;
}

/// <summary>One measured run of the mix at one concurrency against one target.</summary>
internal sealed record MixResult(string Target, int Concurrency, TimeSpan Elapsed, IReadOnlyList<OperationResult> Operations,
    double ServiceCpuMsPerRequest, double PostgresCpuMsPerRequest, double ClientCpuMsPerRequest, double MachineCpuPercent,
    string LoadBefore, string LoadAfter)
{
    /// <summary>Requests answered as expected (2xx, and the deliberate refusals), per second.</summary>
    public double RequestsPerSecond => Operations.Sum(o => o.Ok + o.ExpectedRefusals) / Elapsed.TotalSeconds;

    /// <summary>Successful commands (durable appends), per second.</summary>
    public double CommandsPerSecond => Operations.Where(o => MixWorkload.Writes(o.Operation)).Sum(o => o.Ok) / Elapsed.TotalSeconds;

    /// <summary>5xx, transport errors and 4xx nobody expected.</summary>
    public long Errors => Operations.Sum(o => o.UnexpectedClientErrors + o.ServerErrors);

    /// <summary>Every request's latency together.</summary>
    public Percentiles Overall { get; init; } = new(double.NaN, double.NaN, double.NaN, double.NaN);
}

/// <summary>
/// The closed loop of the mix: <c>concurrency</c> workers, each with its own connection and its own
/// <see cref="CasePipeline"/>, send one request, read the whole answer, and send the next, until the duration is up.
/// The pipelines survive from the warm-up into the measured run, so the measured run starts with cases at every stage.
/// </summary>
internal static class MixRun
{
    /// <summary>Runs the loop and measures it; <paramref name="cpu"/> reads the service's and PostgreSQL's CPU so far.</summary>
    public static async Task<MixResult> RunAsync(string target, Uri address, IReadOnlyList<CasePipeline> pipelines, TimeSpan duration,
        Func<(TimeSpan Service, TimeSpan Postgres)> cpu)
    {
        var concurrency = pipelines.Count;
        using var client = LoadRun.Client(address, concurrency);
        var operations = Enum.GetValues<MixOperation>();
        var latencies = new List<double>[concurrency, operations.Length];
        var counts = new long[operations.Length, 4];
        var firstErrors = new string?[operations.Length];
        long issued = 0;
        var stopAt = 0L;

        async Task WorkerAsync(int worker)
        {
            for (var o = 0; o < operations.Length; o++)
            {
                latencies[worker, o] = new List<double>(1024);
            }
            var pipeline = pipelines[worker];
            while (Stopwatch.GetTimestamp() < stopAt && Interlocked.Increment(ref issued) <= MixOptions.MaxRequestsPerRun)
            {
                var operation = pipeline.Next();
                var o = (int)operation;
                var (request, onSuccess) = pipeline.Build(operation);
                var started = Stopwatch.GetTimestamp();
                AnswerKind kind;
                try
                {
                    using (request)
                    using (var answer = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead))
                    {
                        kind = MixWorkload.Classify(operation, answer.StatusCode);
                        if (kind == AnswerKind.Ok)
                        {
                            onSuccess(answer);
                        }
                        else if (kind is AnswerKind.UnexpectedClientError or AnswerKind.ServerError)
                        {
                            var body = await answer.Content.ReadAsStringAsync();
                            Interlocked.CompareExchange(ref firstErrors[o], $"{request.Method} {request.RequestUri}: {(int)answer.StatusCode} {body[..Math.Min(300, body.Length)]}", null);
                        }
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    kind = AnswerKind.ServerError;
                    Interlocked.CompareExchange(ref firstErrors[o], $"{operation}: {ex.GetType().Name}: {ex.Message}", null);
                }
                Interlocked.Increment(ref counts[o, (int)kind]);
                if (kind is AnswerKind.Ok or AnswerKind.ExpectedRefusal)
                {
                    latencies[worker, o].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var loadBefore = MachineInfo.LoadAverage();
        var (serviceBefore, postgresBefore) = cpu();
        var clientBefore = CpuSample.Take();
        stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => WorkerAsync(w))));
        clock.Stop();
        var clientAfter = CpuSample.Take();
        var (serviceAfter, postgresAfter) = cpu();
        var loadAfter = MachineInfo.LoadAverage();

        var results = operations.Select(op =>
        {
            var o = (int)op;
            var sample = Enumerable.Range(0, concurrency).SelectMany(w => latencies[w, o]);
            return new OperationResult(op, counts[o, 0], counts[o, 1], counts[o, 2], counts[o, 3], Percentiles.Of(sample), firstErrors[o]);
        }).ToList();
        var answered = Math.Max(1, results.Sum(r => r.Answered));
        var all = Enumerable.Range(0, concurrency).SelectMany(w => Enumerable.Range(0, operations.Length).SelectMany(o => latencies[w, o]));
        return new MixResult(target, concurrency, clock.Elapsed, results,
            (serviceAfter - serviceBefore).TotalMilliseconds / answered,
            (postgresAfter - postgresBefore).TotalMilliseconds / answered,
            (clientAfter.Process - clientBefore.Process).TotalMilliseconds / answered,
            clientAfter.MachinePercentSince(clientBefore), loadBefore, loadAfter)
        {
            Overall = Percentiles.Of(all),
        };
    }
}
