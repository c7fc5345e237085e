using System.Diagnostics;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Grains.Townships;

namespace CaseGrains.Benchmarks.Alerts;

/// <summary>When each new alert reached its township's index, as lateness figures for the report.</summary>
internal sealed record IndexLateness(TimeSpan Interval, Percentiles Poll, int Seen, int Missing, IReadOnlyList<double> RealDelayMs, IReadOnlyList<double> TotalMs);

/// <summary>One alert seen in a township's index for the first time, with the real instant of the poll that saw it.</summary>
internal readonly record struct SeenAlert(CaseAlert Alert, long Timestamp);

/// <summary>
/// Polls every township's <c>Alerts()</c> (what <c>GET /api/alerts</c> answers from) at a fixed interval and
/// notes the first poll that shows each (case, level) not in the index when it started. The instant noted is
/// the end of that poll, so a figure is late by at most one interval plus one poll, never early.
/// </summary>
internal sealed class IndexWatcher
{
    private readonly IGrainFactory _grains;
    private readonly IReadOnlyList<string> _townships;
    private readonly HashSet<(string Township, string Case, AlertLevel Level)> _known = [];
    private readonly List<SeenAlert> _seen = [];
    private readonly List<double> _polls = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private IndexWatcher(IGrainFactory grains, IReadOnlyList<string> townships, TimeSpan interval)
    {
        _grains = grains;
        _townships = townships;
        Interval = interval;
    }

    /// <summary>How often the indexes are read.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Reads the indexes once (what is already there does not count) and starts polling.</summary>
    public static async Task<IndexWatcher> StartAsync(IGrainFactory grains, IReadOnlyList<string> townships, TimeSpan interval)
    {
        var watcher = new IndexWatcher(grains, townships, interval);
        foreach (var answer in await watcher.ReadAsync())
        {
            foreach (var alert in answer)
            {
                watcher._known.Add((alert.TownshipId, alert.CaseId, alert.Level));
            }
        }
        watcher._loop = Task.Run(watcher.LoopAsync);
        return watcher;
    }

    /// <summary>Stops polling after one last read; the alerts seen, in the order seen.</summary>
    public async Task<IReadOnlyList<SeenAlert>> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await PollAsync();
        _stop.Dispose();
        return _seen;
    }

    /// <summary>
    /// The figures, given how to place a real instant: the real milliseconds since the clock last passed a deadline
    /// (the fake clock's step; zero on the real clock) and the instant on the grains' clock.
    /// </summary>
    public IndexLateness Lateness(DeadlinePolicy policy, int expected, Func<long, (double RealDelayMs, DateTimeOffset At)> place)
    {
        var real = new List<double>(_seen.Count);
        var total = new List<double>(_seen.Count);
        foreach (var seen in _seen)
        {
            var (delay, at) = place(seen.Timestamp);
            real.Add(delay);
            total.Add((at - DeadlineAlerts.StartOf(seen.Alert.Level, policy, seen.Alert.DueOn)).TotalMilliseconds);
        }
        return new IndexLateness(Interval, Percentiles.Of(_polls), _seen.Count, expected - _seen.Count, real, total);
    }

    private async Task<IReadOnlyList<CaseAlert>[]> ReadAsync()
        => await Task.WhenAll(_townships.Select(t => _grains.GetGrain<ITownshipGrain>(t).Alerts()));

    private async Task PollAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var answers = await ReadAsync();
        var at = Stopwatch.GetTimestamp();
        _polls.Add(Stopwatch.GetElapsedTime(started, at).TotalMilliseconds);
        foreach (var answer in answers)
        {
            foreach (var alert in answer)
            {
                if (_known.Add((alert.TownshipId, alert.CaseId, alert.Level)))
                {
                    _seen.Add(new SeenAlert(alert, at));
                }
            }
        }
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await PollAsync();
            try
            {
                await Task.Delay(Interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
