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
public abstract partial class CaseGrain<TState, TEvent, TRegister, TCommand>(GrainServices services, DeadlinePolicy policy)
    : EventSourcedGrain<TState, TEvent>(services), ICaseGrain<TState, TRegister, TCommand>
    where TState : class
    where TEvent : class
    where TRegister : TCommand
    where TCommand : class
{
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

    /// <summary>The township the case belongs to (its key's first part).</summary>
    protected string TownshipId => Key[..Key.IndexOf('/', StringComparison.Ordinal)];

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (Exists(State))
        {
            // A deadline may have come due while the case slept (or its silo was down): record it now, arm the rest.
            _notedOnActivation = await KeepDeadlinesAsync(noteNow: true);
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
        if (error is null)
        {
            // A case entered late, or a deadline moved into the past, is due soon or overdue at once: the caller's answer shows it.
            await KeepDeadlinesAsync(noteNow: !context.Historical);
        }
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
    protected override (IdempotencyRecord? Idempotency, IReadOnlyList<AccessLogEntry>? AccessLog, AlertLogEntry? Alert) CommandRecords(
        TState before, TState after, CommandContext context, DateTimeOffset now)
    {
        var idempotency = context.Idempotency is { } claim
            ? new IdempotencyRecord(claim.Scope, claim.Key, claim.RequestHash, 201, $"{claim.LocationPrefix}/{CaseIdOf(after)}", "", now)
            : null;
        IReadOnlyList<AccessLogEntry>? access = context.PersonalDataPurpose is { } purpose
            ? [new AccessLogEntry(now, context.Actor ?? "unknown", context.ActorRole ?? "", TownshipId, Key, purpose)]
            : null;
        return (idempotency, access, AlertChange(before, after, now));
    }

    /// <inheritdoc />
    protected override async Task OnCommittedAsync(TState before, TState after, IReadOnlyList<TEvent> events)
    {
        // The township learns of a registration from its own call; every later change is pushed here.
        if (Exists(before))
        {
            await GrainFactory.GetGrain<ITownshipGrain>(TownshipId).CaseChanged(Summarize(after));
        }
        if (AlertChange(before, after, Clock.GetUtcNow()) is not null)
        {
            await AnnounceAlertChangeAsync();
        }
    }
}
