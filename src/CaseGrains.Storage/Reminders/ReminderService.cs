using CaseGrains.Runtime.Hosting;
using CaseGrains.Storage;
using CaseGrains.Runtime.Telemetry;
using Microsoft.Extensions.Logging;

namespace CaseGrains.Runtime.Reminders;

/// <summary>
/// Fires due reminders: leases them in the store (so one node fires each arming), delivers each to
/// its grain in a turn, then deletes the arming it fired. A crash between delivery and deletion
/// makes the reminder fire again after the lease runs out, which is why handlers are idempotent.
/// </summary>
public sealed class ReminderService
{
    private readonly GrainHost _host;
    private readonly ILogger _logger;

    internal ReminderService(GrainHost host, ReminderOptions options, ILogger logger)
    {
        _host = host;
        Options = options;
        _logger = logger;
    }

    /// <summary>The poller's settings.</summary>
    public ReminderOptions Options { get; }

    /// <summary>Leases and fires whatever is due now; returns how many fired successfully.</summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = _host.TimeProvider.GetUtcNow();
        var due = await _host.Store.LeaseDueRemindersAsync(_host.NodeId, now, now + Options.LeaseDuration, Options.BatchSize, cancellationToken);
        var outcomes = await Task.WhenAll(due.Select(reminder => FireAsync(reminder, cancellationToken)));
        return outcomes.Count(fired => fired);
    }

    private async Task<bool> FireAsync(ReminderRow reminder, CancellationToken cancellationToken)
    {
        using var activity = RuntimeTelemetry.Source.StartActivity("reminder fire");
        activity?.SetTag("casegrains.grain.type", reminder.Key.GrainType);
        activity?.SetTag("casegrains.reminder", reminder.Key.Name);
        var firedAt = _host.TimeProvider.GetUtcNow();
        var tick = new ReminderTick(reminder.DueAt, firedAt);
        RuntimeTelemetry.ReminderLateness.Record(Math.Max(0, tick.Lateness.TotalMilliseconds),
            new KeyValuePair<string, object?>("grain.type", reminder.Key.GrainType));
        try
        {
            var id = new GrainId(reminder.Key.GrainType, reminder.Key.GrainKey);
            await _host.InvokeAsync(id, nameof(IRemindable.ReceiveReminder), async grain =>
            {
                if (grain is IRemindable remindable)
                {
                    await remindable.ReceiveReminder(reminder.Key.Name, tick);
                }
                return true;
            });
            await _host.Store.CompleteReminderAsync(reminder.Key, reminder.Generation, _host.NodeId, cancellationToken);
            RuntimeTelemetry.RemindersFired.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RuntimeTelemetry.RemindersFired.Add(1, new KeyValuePair<string, object?>("outcome", "error"));
            RuntimeLog.ReminderFailed(_logger, ex, reminder.Key.GrainType, reminder.Key.Name);
            try
            {
                await _host.Store.ReleaseReminderAsync(reminder.Key, reminder.Generation, _host.NodeId, _host.TimeProvider.GetUtcNow() + Options.RetryDelay, cancellationToken);
            }
            catch (StorageUnavailableException)
            {
                // The lease runs out by itself; the reminder fires again then.
            }
            return false;
        }
    }

    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Options.PollInterval, _host.TimeProvider);
        try
        {
            do
            {
                try
                {
                    await PollOnceAsync(cancellationToken);
                }
                catch (StorageUnavailableException ex)
                {
                    RuntimeLog.ReminderPollFailed(_logger, ex.Message);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    RuntimeLog.ReminderPollFailed(_logger, ex.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
