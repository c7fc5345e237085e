using System.Text.Json;
using CaseGrains.Domain;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Rollups;
using CaseGrains.Domain.Townships;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Disputes;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Grains.Petitions;
using CaseGrains.Grains.Placement;
using CaseGrains.Storage;
using Orleans.Concurrency;
using Orleans.Runtime.Placement;

namespace CaseGrains.Grains.Townships;

/// <summary>乡镇 — a township: profile, roster of leaders (包案领导), case numbering and live rollups.</summary>
[Alias("casegrains.ITownshipGrain")]
public interface ITownshipGrain : IGrainWithStringKey
{
    /// <summary>Creates or renames the township.</summary>
    [Alias("set-profile")]
    Task<CaseResult<TownshipSnapshot>> SetProfile(SetTownshipProfile command, CommandContext context);

    /// <summary>Adds or updates a leader on the roster.</summary>
    [Alias("upsert-leader")]
    Task<CaseResult<TownshipSnapshot>> UpsertLeader(UpsertLeader command, CommandContext context);

    /// <summary>The township, or null if it was never created.</summary>
    [Alias("get"), AlwaysInterleave]
    Task<TownshipSnapshot?> Get();

    /// <summary>Ids of the leaders who may be assigned cases now.</summary>
    [Alias("active-leaders"), AlwaysInterleave]
    Task<IReadOnlySet<string>> ActiveLeaders();

    /// <summary>Numbers and registers a petition (<c>2024-XF-0001</c>); no gap, no duplicate.</summary>
    [Alias("register-petition")]
    Task<CaseResult<CaseSnapshot<PetitionState>>> RegisterPetition(RegisterPetition command, CommandContext context);

    /// <summary>Numbers and registers a dispute (<c>2024-JF-0001</c>); no gap, no duplicate.</summary>
    [Alias("register-dispute")]
    Task<CaseResult<CaseSnapshot<DisputeState>>> RegisterDispute(RegisterDispute command, CommandContext context);

    /// <summary>A case of this township committed a change (or one of its deadlines passed).</summary>
    [Alias("case-changed"), AlwaysInterleave]
    Task CaseChanged(CaseSummary summary);

    /// <summary>The live summaries of this township's cases (no personal data).</summary>
    [Alias("cases"), AlwaysInterleave]
    Task<IReadOnlyList<CaseSummary>> Cases();

    /// <summary>预警 — the alerts in force in this township, from its in-memory alert index (no case is read).</summary>
    [Alias("alerts"), AlwaysInterleave]
    Task<IReadOnlyList<CaseAlert>> Alerts();

    /// <summary>The summaries as stored now, read afresh from the current-state rows (for checks).</summary>
    [Alias("cases-from-storage")]
    Task<IReadOnlyList<CaseSummary>> CasesFromStorage();
}

/// <summary>A township at a version; <see cref="Created"/> tells a first profile from an update.</summary>
[GenerateSerializer, Immutable, Alias("casegrains.township-snapshot")]
public sealed record TownshipSnapshot([property: Id(0)] TownshipState State, [property: Id(1)] long Version, [property: Id(2)] bool Created = false);

/// <summary>
/// The township grain. Its profile and roster are its own event stream; its case map is rebuilt on
/// activation from the current-state rows of its cases (never from their events) and kept current
/// by the cases after each commit. Case numbers come from that map inside the township's turn, and
/// the number is only used once the case's first event is durable, so numbers have no gaps; a case
/// stream's primary key makes a duplicate impossible even with a second activation elsewhere.
/// Reads and the cases' notifications interleave with a registration in progress: they only read or
/// replace entries of the map, on the grain's one thread.
/// </summary>
[GrainType(GrainTypes.Township)]
[TownshipPlacement]
public sealed class TownshipGrain(GrainServices services, DeadlinePolicy policy) : EventSourcedGrain<TownshipState, TownshipEvent>(services), ITownshipGrain
{
    private const int MaxNumberingAttempts = 20;
    private Dictionary<string, CaseSummary> _cases = new(StringComparer.Ordinal);

    /// <summary>The alert index: the cases with an alert in force, kept with the case map.</summary>
    private Dictionary<string, CaseAlert> _alerts = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override string StreamType => GrainTypes.Township;

    /// <inheritdoc />
    protected override TownshipState InitialState => TownshipState.New(Key);

    /// <inheritdoc />
    protected override TownshipState Evolve(TownshipState state, TownshipEvent @event) => Township.Evolve(state, @event);

    /// <inheritdoc />
    protected override IndexEntry? ToIndexEntry(TownshipState state) => new(
        GrainTypes.Township, state.CountyId, "active", 0, null, null, DateTimeOffset.UnixEpoch,
        JsonSerializer.Serialize(new { state.Id, state.Name, state.CountyId }, GrainJson.Options));

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        UseCases(await ReadCasesAsync(cancellationToken));
    }

    private async Task<Dictionary<string, CaseSummary>> ReadCasesAsync(CancellationToken cancellationToken = default)
    {
        var summaries = new Dictionary<string, CaseSummary>(StringComparer.Ordinal);
        foreach (var type in (string[])[GrainTypes.Petition, GrainTypes.Dispute])
        {
            var page = await Store.QueryIndexAsync(new IndexQuery(type) { Partitions = [Key] }, cancellationToken);
            foreach (var row in page.Rows)
            {
                var summary = JsonSerializer.Deserialize<CaseSummary>(row.Entry.Summary, GrainJson.Options)!;
                summaries[summary.Id] = summary;
            }
        }
        return summaries;
    }

    /// <inheritdoc />
    public Task<CaseResult<TownshipSnapshot>> SetProfile(SetTownshipProfile command, CommandContext context) => DecideAsync(command, context);

    /// <inheritdoc />
    public Task<CaseResult<TownshipSnapshot>> UpsertLeader(UpsertLeader command, CommandContext context) => DecideAsync(command, context);

    private async Task<CaseResult<TownshipSnapshot>> DecideAsync(TownshipCommand command, CommandContext context)
    {
        var existed = State.Exists;
        var error = await ExecuteAsync(state => Township.Decide(state, command).ToDecided(), context);
        return error is null
            ? CaseResult<TownshipSnapshot>.Ok(new TownshipSnapshot(State, Version, Created: !existed))
            : CaseResult<TownshipSnapshot>.Fail(error);
    }

    /// <inheritdoc />
    public Task<TownshipSnapshot?> Get()
    {
        if (!State.Exists)
        {
            // Scope checks look townships up by id; an unknown id should not keep an activation alive.
            DeactivateOnIdle();
            return Task.FromResult<TownshipSnapshot?>(null);
        }
        return Task.FromResult<TownshipSnapshot?>(new TownshipSnapshot(State, Version));
    }

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> ActiveLeaders()
    {
        // Another silo may have changed the roster since this activation loaded it; an assignment must not pass
        // on a leader who was deactivated there. Only events after this activation's version are read, and
        // nothing is adopted, since this read may interleave with a roster change in progress.
        var (state, _) = await ReadAheadAsync();
        return Township.ActiveLeaderIds(state);
    }

    /// <inheritdoc />
    public Task<CaseResult<CaseSnapshot<PetitionState>>> RegisterPetition(RegisterPetition command, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(command);
        return RegisterAsync(CaseKind.Petition, command.ReceivedAt, async caseId =>
        {
            var grain = GrainFactory.GetGrain<IPetitionGrain>(GrainTypes.CaseKey(Key, caseId));
            var result = await grain.Register(command with { TownshipId = Key, CaseId = caseId }, context);
            return (result, result.Value is { } snapshot ? Petition.Summarize(snapshot.State) : null);
        });
    }

    /// <inheritdoc />
    public Task<CaseResult<CaseSnapshot<DisputeState>>> RegisterDispute(RegisterDispute command, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(command);
        return RegisterAsync(CaseKind.Dispute, command.ReportedAt, async caseId =>
        {
            var grain = GrainFactory.GetGrain<IDisputeGrain>(GrainTypes.CaseKey(Key, caseId));
            var result = await grain.Register(command with { TownshipId = Key, CaseId = caseId }, context);
            return (result, result.Value is { } snapshot ? Dispute.Summarize(snapshot.State) : null);
        });
    }

    private async Task<CaseResult<T>> RegisterAsync<T>(CaseKind kind, DateTimeOffset receivedAt, Func<string, Task<(CaseResult<T> Result, CaseSummary? Summary)>> register)
        where T : class
    {
        if (!State.Exists)
        {
            // This activation may predate a profile set up through another silo; look again before refusing.
            await CatchUpAsync();
            if (!State.Exists)
            {
                return CaseResult<T>.Fail(GrainErrors.TownshipNotFound());
            }
        }
        var year = policy.LocalDate(receivedAt).Year;
        // A new case is born on this silo, beside its township (the placement director honours the hint).
        if (GrainContext.Address.SiloAddress is { } here)
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, here);
        }
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var caseId = CaseNumber.Format(year, kind, NextSequence(kind, year));
                var (result, summary) = await register(caseId);
                if (summary is not null)
                {
                    Track(summary);
                    return result;
                }
                if (result.Error?.Code != ErrorCodes.CaseAlreadyExists)
                {
                    return result;
                }
                if (attempt == MaxNumberingAttempts)
                {
                    // Still racing another silo: a retryable clash (409), not "this case exists", since nothing was created.
                    throw new StreamVersionConflictException(StreamId, Version);
                }
                // Another activation of this township (on another silo) used the number: re-read the rows and go on,
                // after a short random pause so the two stop colliding in lock-step.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)));
                UseCases(await ReadCasesAsync());
            }
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    private int NextSequence(CaseKind kind, int year)
    {
        var last = 0;
        foreach (var id in _cases.Keys)
        {
            if (CaseNumber.TryParse(id, out var y, out var k, out var sequence) && y == year && k == kind && sequence > last)
            {
                last = sequence;
            }
        }
        return last + 1;
    }

    /// <inheritdoc />
    public Task CaseChanged(CaseSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Track(summary);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CaseAlert>> Alerts() => Task.FromResult<IReadOnlyList<CaseAlert>>([.. _alerts.Values]);

    /// <summary>Keeps a case's summary and its alert, if one is in force.</summary>
    private void Track(CaseSummary summary)
    {
        _cases[summary.Id] = summary;
        if (CaseAlert.Of(summary) is { } alert)
        {
            _alerts[summary.Id] = alert;
        }
        else
        {
            _alerts.Remove(summary.Id);
        }
    }

    /// <summary>Replaces the case map and the alert index with ones rebuilt from the current-state rows.</summary>
    private void UseCases(Dictionary<string, CaseSummary> cases)
    {
        var alerts = new Dictionary<string, CaseAlert>(StringComparer.Ordinal);
        foreach (var summary in cases.Values)
        {
            if (CaseAlert.Of(summary) is { } alert)
            {
                alerts[summary.Id] = alert;
            }
        }
        (_cases, _alerts) = (cases, alerts);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CaseSummary>> Cases() => Task.FromResult<IReadOnlyList<CaseSummary>>([.. _cases.Values]);

    /// <inheritdoc />
    public async Task<IReadOnlyList<CaseSummary>> CasesFromStorage() => [.. (await ReadCasesAsync()).Values];
}
