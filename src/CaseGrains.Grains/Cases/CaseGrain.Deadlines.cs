using System.Text.Json;
using CaseGrains.Domain;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Grains.Deadlines;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Storage;
using Orleans.Streams;

namespace CaseGrains.Grains.Cases;

/// <summary>
/// Deadlines of a case: the due dates live in its state; «即将到期» and «已超期» are recorded once per
/// deadline as events (never a status change, never a closure); one Orleans reminder per level still to
/// come wakes the case when it arrives, and is reconciled with the state after every command and on
/// activation. A raised or cleared alert goes to the alert log in the same commit and is announced on
/// the alert stream, so that every silo's live streams learn of it.
/// </summary>
public abstract partial class CaseGrain<TState, TEvent, TRegister, TCommand>
{
    /// <summary>The reminder for the moment the running deadline passes.</summary>
    public const string OverdueReminder = "overdue";

    /// <summary>The reminder for the moment the running deadline enters its due-soon window.</summary>
    public const string DueSoonReminder = "due-soon";

    /// <summary>Reminders are wake-up hints; the period is the retry should a firing fail.</summary>
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    /// <summary>Instants closer than this are the same arming (the reminder table keeps milliseconds).</summary>
    private static readonly TimeSpan SameInstant = TimeSpan.FromSeconds(1);

    private readonly IReminderTable _reminderTable = services.ReminderTable;

    /// <summary>What Orleans holds armed for this grain, by name, and for which instant; null until read.</summary>
    private Dictionary<string, (IGrainReminder? Reminder, DateTimeOffset At)>? _armed;

    private IGrainTimer? _reconcileRetry;

    /// <summary>The alert the state recorded last.</summary>
    protected abstract DeadlineAlert? RecordedAlert(TState state);

    /// <summary>The deadline running now.</summary>
    protected abstract (DeadlineKind Kind, DateOnly DueOn)? RunningDeadline(TState state);

    /// <summary>The clock's command that records an alert that has come due.</summary>
    protected abstract TCommand NoteDeadline(DateTimeOffset at);

    private static string ReminderName(AlertLevel level) => level == AlertLevel.Overdue ? OverdueReminder : DueSoonReminder;

    /// <summary>The levels of the running deadline still to be recorded, by reminder name, with the instant each comes.</summary>
    private Dictionary<string, (AlertLevel Level, DateTimeOffset At)> Pending(TState state)
        => Exists(state)
            ? DeadlineAlerts.Pending(Policy, RecordedAlert(state), RunningDeadline(state)).ToDictionary(p => ReminderName(p.Level), p => p, StringComparer.Ordinal)
            : [];

    /// <summary>Records what has come due (unless <paramref name="noteNow"/> is false: a reminder will, in a moment), then arms the rest; returns how many it recorded.</summary>
    private async Task<int> KeepDeadlinesAsync(bool noteNow)
    {
        var noted = 0;
        if (noteNow)
        {
            try
            {
                noted = await NoteDueAsync();
            }
            catch (Exception ex) when (ex is StorageUnavailableException or TimeoutException)
            {
                // The command itself is committed; the reminders armed below record the alert shortly.
                GrainsLog.ReminderHandlingFailed(Logger, "note", StreamType, ex.GetType().Name);
            }
        }
        await ReconcileRemindersAsync();
        return noted;
    }

    /// <summary>Records the level the running deadline has reached, if it is above the one in force; returns 1 when it did.</summary>
    private async Task<int> NoteDueAsync()
    {
        var now = Clock.GetUtcNow();
        if (!Pending(State).Values.Any(p => p.At <= now))
        {
            return 0;
        }
        var recorded = await ExecuteAsync(state =>
        {
            var decided = Decide(state, NoteDeadline(now), now, new HashSet<string>()).ToDecided();
            return new Decided<TEvent, bool>(decided.Events, decided.Events.Count > 0);
        }, CommandContext.System);
        if (recorded && RecordedAlert(State) is { } alert)
        {
            var lateness = now - DeadlineAlerts.StartOf(alert.Level, Policy, alert.DueOn);
            // The case key is a number, not a person: it may be logged.
            GrainsLog.DeadlinePassed(Logger, ReminderName(alert.Level), StreamType, Key, Math.Max(0, lateness.TotalSeconds));
            GrainTelemetry.ReminderLateness.Record(Math.Max(0, lateness.TotalMilliseconds),
                new KeyValuePair<string, object?>("grain.type", StreamType), new KeyValuePair<string, object?>("reminder", ReminderName(alert.Level)));
            GrainTelemetry.RemindersFired.Add(1, new KeyValuePair<string, object?>("reminder", ReminderName(alert.Level)));
        }
        return recorded ? 1 : 0;
    }

    /// <summary>
    /// Brings Orleans' reminders in line with the state: each level still to come is armed for its instant
    /// (at once when the instant has passed and it is not recorded yet), and a reminder for a level that is
    /// recorded or no longer coming is disarmed. Registering is a write of its own after the commit: when it
    /// fails, a timer tries again while the grain is active, and the next activation reconciles anyway.
    /// </summary>
    private async Task ReconcileRemindersAsync()
    {
        try
        {
            var armed = await ArmedAsync();
            var now = Clock.GetUtcNow();
            var wanted = Pending(State);
            foreach (var (name, reminder) in armed.ToList())
            {
                if (!wanted.ContainsKey(name))
                {
                    await UnregisterAsync(name, reminder.Reminder);
                    armed.Remove(name);
                }
            }
            foreach (var (name, (_, at)) in wanted)
            {
                var target = at > now ? at : now;
                if (armed.TryGetValue(name, out var current) && (current.At - at).Duration() < SameInstant)
                {
                    continue;
                }
                if (armed.TryGetValue(name, out current) && at <= now && current.At <= now)
                {
                    // Already armed in the past: Orleans fires it at its next period, or the sweep does.
                    continue;
                }
                armed[name] = (await this.RegisterOrUpdateReminder(name, target - now, ReminderPeriod), at);
            }
            _reconcileRetry?.Dispose();
            _reconcileRetry = null;
        }
        catch (Exception ex) when (ex is StorageUnavailableException or TimeoutException or OrleansException or System.Data.Common.DbException)
        {
            // What Orleans holds is unknown now: read it again next time.
            _armed = null;
            GrainsLog.ReminderReconcileFailed(Logger, StreamType, ex.GetType().Name);
            _reconcileRetry ??= this.RegisterGrainTimer(_ => ReconcileRemindersAsync(), new GrainTimerCreationOptions(ReminderPeriod, ReminderPeriod));
        }
    }

    /// <summary>The reminders Orleans holds for this grain and the instant each is armed for, read once per activation
    /// from the reminder table (both clocks are the deployment's, so an entry's start is its deadline moment).</summary>
    private async Task<Dictionary<string, (IGrainReminder? Reminder, DateTimeOffset At)>> ArmedAsync()
    {
        if (_armed is null)
        {
            var entries = await _reminderTable.ReadRows(this.GetGrainId());
            _armed = entries.Reminders.ToDictionary(
                e => e.ReminderName,
                e => ((IGrainReminder?)null, new DateTimeOffset(DateTime.SpecifyKind(e.StartAt, DateTimeKind.Utc))),
                StringComparer.Ordinal);
        }
        return _armed;
    }

    /// <summary>Disarms a reminder, by the handle this activation got when arming it or else by looking it up.</summary>
    private async Task UnregisterAsync(string name, IGrainReminder? handle)
    {
        if ((handle ?? await this.GetReminder(name)) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>What activation recorded (a deadline that passed while the case slept), until the sweep that woke it asks.</summary>
    private int _notedOnActivation;

    /// <summary>A reminder fired: record what has come due, and bring the reminders in line (this one included: a
    /// reminder that fired is armed, whatever this activation remembers, so the table is read again).</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        try
        {
            _armed = null;
            await NoteDueAsync();
            await ReconcileRemindersAsync();
        }
        catch (Exception ex)
        {
            // Orleans fires it again at the next period; say why this one did not go through.
            GrainsLog.ReminderHandlingFailed(Logger, reminderName, StreamType, ex.GetType().Name);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<int> CheckDeadlines()
    {
        // The sweep comes because the table says something is armed: read the table, not this activation's memory of it.
        _armed = null;
        // The sweep's call usually activates the case, and activation already noted what had passed: count that too.
        var noted = await NoteDueAsync() + _notedOnActivation;
        _notedOnActivation = 0;
        await ReconcileRemindersAsync();
        return noted;
    }

    /// <summary>The alert change a commit makes (raised, moved on to overdue, or cleared), for the alert log; null when none.</summary>
    private AlertLogEntry? AlertChange(TState before, TState after, DateTimeOffset now)
    {
        var was = Exists(before) ? CaseAlert.Of(Summarize(before)) : null;
        var now_ = Exists(after) ? CaseAlert.Of(Summarize(after)) : null;
        if (was == now_)
        {
            return null;
        }
        return now_ is not null
            ? new AlertLogEntry(TownshipId, AlertChanges.Raised, now, JsonSerializer.Serialize(now_, GrainJson.Options))
            : new AlertLogEntry(TownshipId, AlertChanges.Cleared, now, JsonSerializer.Serialize(was, GrainJson.Options));
    }

    /// <summary>Tells every silo's live alert streams that the alert log has news; a lost notice is caught up by their next poll.</summary>
    private async Task AnnounceAlertChangeAsync()
    {
        try
        {
            var stream = this.GetStreamProvider(AlertStream.ProviderName).GetStream<AlertNotice>(AlertStream.Id);
            await stream.OnNextAsync(new AlertNotice(TownshipId));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GrainsLog.AlertAnnouncementFailed(Logger, StreamType, ex.GetType().Name);
        }
    }
}
