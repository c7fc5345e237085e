using System.Text.Json;
using CaseGrains.Domain;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Rollups;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Grains.Townships;
using CaseGrains.Storage;

namespace CaseGrains.Grains.Cases;

/// <summary>
/// What petition and dispute grains share: run the domain decider in a turn, honour If-Match, write
/// the current-state row with the events, keep one Orleans reminder per running deadline, and tell
/// the township what changed. Registration comes from the township grain, which numbers the case.
/// </summary>
public abstract class CaseGrain<TState, TEvent, TRegister, TCommand>(GrainServices services, DeadlinePolicy policy)
    : EventSourcedGrain<TState, TEvent>(services), ICaseGrain<TState, TRegister, TCommand>
    where TState : class
    where TEvent : class
    where TRegister : TCommand
    where TCommand : class
{
    /// <summary>Fires when the running deadline has passed (the case is overdue from then).</summary>
    public const string OverdueReminder = "overdue";

    /// <summary>Fires when the running deadline enters its due-soon window.</summary>
    public const string DueSoonReminder = "due-soon";

    /// <summary>Reminders are wake-up hints; the period is the retry should a firing fail.</summary>
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    /// <summary>Instants closer than this are the same arming (the reminder table keeps milliseconds).</summary>
    private static readonly TimeSpan SameInstant = TimeSpan.FromSeconds(1);

    /// <summary>What Orleans holds armed for this grain, by name; null until read on activation.</summary>
    private Dictionary<string, (IGrainReminder? Reminder, DateTimeOffset At)>? _armed;

    private readonly IReminderTable _reminderTable = services.ReminderTable;

    private IGrainTimer? _reconcileRetry;

    /// <summary>The deployment's deadline rules.</summary>
    protected DeadlinePolicy Policy { get; } = policy;

    /// <summary>True once the case is registered.</summary>
    protected abstract bool Exists(TState state);

    /// <summary>Commands that need the township's active roster (assignments).</summary>
    protected abstract bool NeedsRoster(TCommand command);

    /// <summary>The domain decider.</summary>
    protected abstract Decision<TEvent> Decide(TState state, TCommand command, DateTimeOffset now, IReadOnlySet<string> activeLeaders);

    /// <summary>The personal-data-free summary for lists and rollups.</summary>
    protected abstract CaseSummary Summarize(TState state);

    /// <summary>The case number of a state.</summary>
    protected abstract string CaseIdOf(TState state);

    private string TownshipId => Key[..Key.IndexOf('/', StringComparison.Ordinal)];

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (Exists(State))
        {
            await ReconcileRemindersAsync();
        }
    }

    /// <summary>Runs a command; <paramref name="expectedVersion"/> is the caller's If-Match.</summary>
    private async Task<CaseResult<CaseSnapshot<TState>>> HandleAsync(TCommand command, long? expectedVersion, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(context);
        if (expectedVersion is { } expected && expected != Version)
        {
            // Another silo may have moved the case on; the caller may know a newer version than this activation.
            await CatchUpAsync();
        }
        IReadOnlySet<string> roster = NeedsRoster(command)
            ? await GrainFactory.GetGrain<ITownshipGrain>(TownshipId).ActiveLeaders()
            : new HashSet<string>();
        var now = Clock.GetUtcNow();
        var error = await ExecuteAsync(state =>
        {
            if (expectedVersion is { } v && v != Version)
            {
                return new Decided<TEvent, DomainError?>([], GrainErrors.VersionMismatch(v, Version));
            }
            return Decide(state, command, now, roster).ToDecided();
        }, context);
        return error is null
            ? CaseResult<CaseSnapshot<TState>>.Ok(new CaseSnapshot<TState>(State, Version))
            : CaseResult<CaseSnapshot<TState>>.Fail(error);
    }

    /// <inheritdoc />
    public async Task<CaseResult<CaseSnapshot<TState>>> Register(TRegister command, CommandContext context)
    {
        try
        {
            return await HandleAsync(command, expectedVersion: null, context);
        }
        catch (IdempotencyKeyTakenException)
        {
            // An earlier request with this key created its case; this one created nothing and the number stays free.
            DeactivateOnIdle();
            return CaseResult<CaseSnapshot<TState>>.Fail(GrainErrors.IdempotencyKeyTaken());
        }
    }

    /// <inheritdoc />
    public Task<CaseResult<CaseSnapshot<TState>>> Execute(TCommand command, long? expectedVersion, CommandContext context)
        // Registration goes through the township, which numbers the case and counts it.
        => command is TRegister
            ? Task.FromResult(CaseResult<CaseSnapshot<TState>>.Fail(GrainErrors.RegisterThroughTownship()))
            : HandleAsync(command, expectedVersion, context);

    /// <inheritdoc />
    public Task<CaseSnapshot<TState>?> Get()
    {
        if (!Exists(State))
        {
            // Probing unknown numbers must not keep activations alive.
            DeactivateOnIdle();
            return Task.FromResult<CaseSnapshot<TState>?>(null);
        }
        return Task.FromResult<CaseSnapshot<TState>?>(new CaseSnapshot<TState>(State, Version));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredEvent>> History() => ReadHistoryAsync();

    /// <inheritdoc />
    public Task<CaseSummary?> Summary() => Task.FromResult(Exists(State) ? Summarize(State) : null);

    /// <inheritdoc />
    protected override IndexEntry? ToIndexEntry(TState state)
    {
        var summary = Summarize(state);
        return new IndexEntry(
            StreamType,
            summary.TownshipId,
            summary.Status,
            summary.Year,
            summary.LeaderId,
            summary.DueOn is { } due ? Policy.EndOfDay(due) : null,
            summary.RegisteredAt,
            JsonSerializer.Serialize(summary, GrainJson.Options));
    }

    /// <inheritdoc />
    protected override (IdempotencyRecord? Idempotency, IReadOnlyList<AccessLogEntry>? AccessLog) CommandRecords(
        TState after, CommandContext context, DateTimeOffset now)
    {
        var idempotency = context.Idempotency is { } claim
            ? new IdempotencyRecord(claim.Scope, claim.Key, claim.RequestHash, 201, $"{claim.LocationPrefix}/{CaseIdOf(after)}", "", now)
            : null;
        IReadOnlyList<AccessLogEntry>? access = context.PersonalDataPurpose is { } purpose
            ? [new AccessLogEntry(now, context.Actor ?? "unknown", context.ActorRole ?? "", TownshipId, Key, purpose)]
            : null;
        return (idempotency, access);
    }

    /// <summary>The deadline moments a state wants a reminder for, by name (end of the due day, local time).</summary>
    private IReadOnlyDictionary<string, DateTimeOffset> DeadlineMoments(TState state)
    {
        if (!Exists(state) || Summarize(state).DueOn is not { } due)
        {
            return new Dictionary<string, DateTimeOffset>();
        }
        return new Dictionary<string, DateTimeOffset>
        {
            [OverdueReminder] = Policy.EndOfDay(due),
            [DueSoonReminder] = Policy.EndOfDay(due.AddDays(-(Policy.Settings.DueSoonDays + 1))),
        };
    }

    /// <inheritdoc />
    protected override async Task OnCommittedAsync(TState before, TState after, IReadOnlyList<TEvent> events)
    {
        // The township learns of a registration from its own call; every later change is pushed here.
        if (Exists(before))
        {
            await GrainFactory.GetGrain<ITownshipGrain>(TownshipId).CaseChanged(Summarize(after));
        }
        await ReconcileRemindersAsync();
    }

    /// <summary>
    /// Brings Orleans' reminders in line with the state: a future deadline moment is armed (or moved), a
    /// moment the case no longer has is disarmed, and a passed moment still armed is left to fire. Registering
    /// is a write of its own after the commit: when it fails, a timer tries again while the grain is active,
    /// and the next activation reconciles anyway.
    /// </summary>
    private async Task ReconcileRemindersAsync()
    {
        try
        {
            var armed = await ArmedAsync();
            var now = Clock.GetUtcNow();
            var wanted = DeadlineMoments(State);
            foreach (var (name, reminder) in armed.ToList())
            {
                if (!wanted.ContainsKey(name))
                {
                    await UnregisterAsync(name, reminder.Reminder);
                    armed.Remove(name);
                }
            }
            foreach (var (name, dueAt) in wanted)
            {
                if (dueAt <= now || (armed.TryGetValue(name, out var current) && (current.At - dueAt).Duration() < SameInstant))
                {
                    continue;
                }
                armed[name] = (await this.RegisterOrUpdateReminder(name, dueAt - now, ReminderPeriod), dueAt);
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

    /// <summary>The reminders Orleans holds for this grain and the moment each is armed for, read once per activation
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

    /// <summary>A reminder fired: if its deadline moment has passed, the township's figures move (nothing about the
    /// case changes, nothing closes) and the reminder is disarmed; if the moment moved, it is re-armed.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var now = Clock.GetUtcNow();
        if (!DeadlineMoments(State).TryGetValue(reminderName, out var dueAt))
        {
            await DisarmAsync(reminderName);
            return;
        }
        if (dueAt > now)
        {
            // Early: the deadline moved since it was armed; arm it for the right moment.
            _armed = null;
            await ReconcileRemindersAsync();
            return;
        }
        try
        {
            await HandlePassedAsync(reminderName, dueAt, now);
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
        var now = Clock.GetUtcNow();
        // The sweep comes because the table says something is armed: read the table, not this activation's memory of it.
        _armed = null;
        var armed = await ArmedAsync();
        var handled = 0;
        foreach (var (name, dueAt) in DeadlineMoments(State))
        {
            if (dueAt <= now && armed.ContainsKey(name))
            {
                await HandlePassedAsync(name, dueAt, now);
                handled++;
            }
        }
        return handled;
    }

    private async Task HandlePassedAsync(string reminderName, DateTimeOffset dueAt, DateTimeOffset now)
    {
        // The case key is a number, not a person: it may be logged.
        GrainsLog.DeadlinePassed(Logger, reminderName, StreamType, Key, Math.Max(0, (now - dueAt).TotalSeconds));
        GrainTelemetry.ReminderLateness.Record(Math.Max(0, (now - dueAt).TotalMilliseconds),
            new KeyValuePair<string, object?>("grain.type", StreamType), new KeyValuePair<string, object?>("reminder", reminderName));
        await GrainFactory.GetGrain<ITownshipGrain>(TownshipId).CaseChanged(Summarize(State));
        await DisarmAsync(reminderName);
        GrainTelemetry.RemindersFired.Add(1, new KeyValuePair<string, object?>("reminder", reminderName));
    }

    private async Task DisarmAsync(string reminderName)
    {
        // A reminder that fired is armed, whatever this activation remembers (someone else may have armed it): look it up then.
        var armed = await ArmedAsync();
        armed.Remove(reminderName, out var known);
        await UnregisterAsync(reminderName, known.Reminder);
    }
}
