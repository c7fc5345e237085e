using System.Text.Json;
using CaseGrains.Domain;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Rollups;
using CaseGrains.Grains.Townships;
using CaseGrains.Runtime.EventSourcing;
using CaseGrains.Runtime.Hosting;
using CaseGrains.Storage;

namespace CaseGrains.Grains.Cases;

/// <summary>
/// What petition and dispute grains share: run the domain decider in a turn, honour If-Match,
/// write the current-state row and deadline reminders with the events, and tell the township
/// what changed. Registration comes from the township grain, which updates itself from the answer.
/// </summary>
public abstract class CaseGrain<TState, TEvent, TRegister, TCommand>(DeadlinePolicy policy)
    : EventSourcedGrain<TState, TEvent>, ICaseGrain<TState, TRegister, TCommand>, IRemindable
    where TState : class
    where TEvent : class
    where TRegister : TCommand
    where TCommand : class
{
    /// <summary>Fires when the running deadline has passed (the case is overdue from then).</summary>
    public const string OverdueReminder = "overdue";

    /// <summary>Fires when the running deadline enters its due-soon window.</summary>
    public const string DueSoonReminder = "due-soon";

    /// <summary>The deployment's deadline rules.</summary>
    protected DeadlinePolicy Policy { get; } = policy;

    /// <summary>The grain type name (<see cref="GrainTypes"/>).</summary>
    protected abstract string TypeName { get; }

    /// <summary>True once the case is registered.</summary>
    protected abstract bool Exists(TState state);

    /// <summary>Commands that need the township's active roster (assignments).</summary>
    protected abstract bool NeedsRoster(TCommand command);

    /// <summary>The domain decider.</summary>
    protected abstract Decision<TEvent> Decide(TState state, TCommand command, DateTimeOffset now, IReadOnlySet<string> activeLeaders);

    /// <summary>The personal-data-free summary for lists and rollups.</summary>
    protected abstract CaseSummary Summarize(TState state);

    private string TownshipId => GetPrimaryKeyString()[..GetPrimaryKeyString().IndexOf('/', StringComparison.Ordinal)];

    /// <summary>Runs a command; <paramref name="expectedVersion"/> is the caller's If-Match.</summary>
    private async Task<CaseResult<CaseSnapshot<TState>>> HandleAsync(TCommand command, long? expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (expectedVersion is { } expected && expected != Version)
        {
            // Another node may have moved the case on; the caller may know a newer version than this activation.
            await CatchUpAsync();
        }
        IReadOnlySet<string> roster = NeedsRoster(command)
            ? await GrainFactory.GetGrain<ITownshipGrain>(TownshipId).ActiveLeaders()
            : new HashSet<string>();
        var now = TimeProvider.GetUtcNow();
        var error = await ExecuteAsync(state =>
        {
            if (expectedVersion is { } v && v != Version)
            {
                return new Decided<TEvent, DomainError?>([], GrainErrors.VersionMismatch(v, Version));
            }
            return Decide(state, command, now, roster).ToDecided();
        });
        return error is null
            ? CaseResult<CaseSnapshot<TState>>.Ok(new CaseSnapshot<TState>(State, Version))
            : CaseResult<CaseSnapshot<TState>>.Fail(error);
    }

    /// <inheritdoc />
    public Task<CaseResult<CaseSnapshot<TState>>> Register(TRegister command) => HandleAsync(command, expectedVersion: null);

    /// <inheritdoc />
    public Task<CaseResult<CaseSnapshot<TState>>> Execute(TCommand command, long? expectedVersion)
        // Registration goes through the township, which numbers the case and counts it.
        => command is TRegister
            ? Task.FromResult(CaseResult<CaseSnapshot<TState>>.Fail(GrainErrors.RegisterThroughTownship()))
            : HandleAsync(command, expectedVersion);

    /// <inheritdoc />
    public Task<CaseSnapshot<TState>?> Get()
        => Task.FromResult(Exists(State) ? new CaseSnapshot<TState>(State, Version) : null);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredEvent>> History() => ReadHistoryAsync();

    /// <inheritdoc />
    public Task<CaseSummary?> Summary() => Task.FromResult(Exists(State) ? Summarize(State) : null);

    /// <inheritdoc />
    protected override IndexEntry? ToIndexEntry(TState state)
    {
        var summary = Summarize(state);
        return new IndexEntry(
            TypeName,
            summary.TownshipId,
            summary.Status,
            summary.Year,
            summary.LeaderId,
            summary.DueOn is { } due ? Policy.EndOfDay(due) : null,
            summary.RegisteredAt,
            JsonSerializer.Serialize(summary, GrainJson.Options));
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, DateTimeOffset> DesiredReminders(TState state)
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
    }

    /// <summary>A deadline moment passed: the township's overdue figures change. Never closes anything.</summary>
    public async Task ReceiveReminder(string reminderName, ReminderTick tick)
    {
        if (Exists(State))
        {
            await GrainFactory.GetGrain<ITownshipGrain>(TownshipId).CaseChanged(Summarize(State));
        }
    }
}
