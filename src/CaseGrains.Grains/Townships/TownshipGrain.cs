using System.Text.Json;
using CaseGrains.Domain;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Rollups;
using CaseGrains.Domain.Townships;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Disputes;
using CaseGrains.Grains.Petitions;
using CaseGrains.Runtime.EventSourcing;
using CaseGrains.Runtime.Hosting;
using CaseGrains.Storage;

namespace CaseGrains.Grains.Townships;

/// <summary>乡镇 — a township: profile, roster of leaders (包案领导), case numbering and live rollups.</summary>
public interface ITownshipGrain : IGrainWithStringKey
{
    /// <summary>Creates or renames the township.</summary>
    Task<CaseResult<TownshipSnapshot>> SetProfile(SetTownshipProfile command);

    /// <summary>Adds or updates a leader on the roster.</summary>
    Task<CaseResult<TownshipSnapshot>> UpsertLeader(UpsertLeader command);

    /// <summary>The township, or null if it was never created.</summary>
    Task<TownshipSnapshot?> Get();

    /// <summary>Ids of the leaders who may be assigned cases now.</summary>
    Task<IReadOnlySet<string>> ActiveLeaders();

    /// <summary>Numbers and registers a petition (<c>2024-XF-0001</c>); no gap, no duplicate.</summary>
    Task<CaseResult<CaseSnapshot<PetitionState>>> RegisterPetition(RegisterPetition command);

    /// <summary>Numbers and registers a dispute (<c>2024-JF-0001</c>); no gap, no duplicate.</summary>
    Task<CaseResult<CaseSnapshot<DisputeState>>> RegisterDispute(RegisterDispute command);

    /// <summary>A case of this township committed a change.</summary>
    Task CaseChanged(CaseSummary summary);

    /// <summary>The live summaries of this township's cases (no personal data).</summary>
    Task<IReadOnlyList<CaseSummary>> Cases();

    /// <summary>The summaries as stored now, read afresh from the current-state rows (for checks).</summary>
    Task<IReadOnlyList<CaseSummary>> CasesFromStorage();
}

/// <summary>A township at a version; <see cref="Created"/> tells a first profile from an update.</summary>
public sealed record TownshipSnapshot(TownshipState State, long Version, bool Created = false);

/// <summary>
/// The township grain. Its profile and roster are its own event stream; its case map is rebuilt on
/// activation from the current-state rows of its cases (never from their events) and kept current
/// by the cases after each commit. Case numbers come from that map inside the township's turn, and
/// the number is only used once the case's first event is durable, so numbers have no gaps; a case
/// stream's primary key makes a duplicate impossible even with a second activation elsewhere.
/// </summary>
public sealed class TownshipGrain(DeadlinePolicy policy) : EventSourcedGrain<TownshipState, TownshipEvent>, ITownshipGrain
{
    private const int MaxNumberingAttempts = 20;
    private readonly Dictionary<string, CaseSummary> _cases = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override TownshipState InitialState => TownshipState.New(GetPrimaryKeyString());

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
        await LoadCasesAsync(cancellationToken);
    }

    private async Task LoadCasesAsync(CancellationToken cancellationToken = default)
    {
        _cases.Clear();
        foreach (var summary in await ReadCasesAsync(cancellationToken))
        {
            _cases[summary.Id] = summary;
        }
    }

    private async Task<List<CaseSummary>> ReadCasesAsync(CancellationToken cancellationToken = default)
    {
        var township = GetPrimaryKeyString();
        var summaries = new List<CaseSummary>();
        foreach (var type in (string[])[GrainTypes.Petition, GrainTypes.Dispute])
        {
            var page = await Store.QueryIndexAsync(new IndexQuery(type) { Partitions = [township] }, cancellationToken);
            summaries.AddRange(page.Rows.Select(row => JsonSerializer.Deserialize<CaseSummary>(row.Entry.Summary, GrainJson.Options)!));
        }
        return summaries;
    }

    /// <inheritdoc />
    public Task<CaseResult<TownshipSnapshot>> SetProfile(SetTownshipProfile command) => DecideAsync(command);

    /// <inheritdoc />
    public Task<CaseResult<TownshipSnapshot>> UpsertLeader(UpsertLeader command) => DecideAsync(command);

    private async Task<CaseResult<TownshipSnapshot>> DecideAsync(TownshipCommand command)
    {
        var existed = State.Exists;
        var error = await ExecuteAsync(state => Township.Decide(state, command).ToDecided());
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
        // Another node may have changed the roster since this activation loaded it; an assignment must not
        // pass on a leader who was deactivated there. Only events after this activation's version are read.
        await CatchUpAsync();
        return Township.ActiveLeaderIds(State);
    }

    /// <inheritdoc />
    public Task<CaseResult<CaseSnapshot<PetitionState>>> RegisterPetition(RegisterPetition command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return RegisterAsync(CaseKind.Petition, command.ReceivedAt, async caseId =>
        {
            var grain = GrainFactory.GetGrain<IPetitionGrain>(GrainTypes.CaseKey(GetPrimaryKeyString(), caseId));
            var result = await grain.Register(command with { TownshipId = GetPrimaryKeyString(), CaseId = caseId });
            return (result, result.Value is { } snapshot ? Petition.Summarize(snapshot.State) : null);
        });
    }

    /// <inheritdoc />
    public Task<CaseResult<CaseSnapshot<DisputeState>>> RegisterDispute(RegisterDispute command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return RegisterAsync(CaseKind.Dispute, command.ReportedAt, async caseId =>
        {
            var grain = GrainFactory.GetGrain<IDisputeGrain>(GrainTypes.CaseKey(GetPrimaryKeyString(), caseId));
            var result = await grain.Register(command with { TownshipId = GetPrimaryKeyString(), CaseId = caseId });
            return (result, result.Value is { } snapshot ? Dispute.Summarize(snapshot.State) : null);
        });
    }

    private async Task<CaseResult<T>> RegisterAsync<T>(CaseKind kind, DateTimeOffset receivedAt, Func<string, Task<(CaseResult<T> Result, CaseSummary? Summary)>> register)
        where T : class
    {
        if (!State.Exists)
        {
            // This activation may predate a profile set up through another node; look again before refusing.
            await CatchUpAsync();
            if (!State.Exists)
            {
                return CaseResult<T>.Fail(GrainErrors.TownshipNotFound());
            }
        }
        var year = policy.LocalDate(receivedAt).Year;
        for (var attempt = 1; ; attempt++)
        {
            var caseId = CaseNumber.Format(year, kind, NextSequence(kind, year));
            var (result, summary) = await register(caseId);
            if (summary is not null)
            {
                _cases[summary.Id] = summary;
                return result;
            }
            if (result.Error?.Code != ErrorCodes.CaseAlreadyExists)
            {
                return result;
            }
            if (attempt == MaxNumberingAttempts)
            {
                // Still racing another node: a retryable clash (409), not "this case exists", since nothing was created.
                throw new StreamVersionConflictException(GrainId.StreamId, Version);
            }
            // Another activation of this township (on another node) used the number: re-read the rows and go on,
            // after a short random pause so the two nodes stop colliding in lock-step.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)));
            await LoadCasesAsync();
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
        _cases[summary.Id] = summary;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CaseSummary>> Cases() => Task.FromResult<IReadOnlyList<CaseSummary>>([.. _cases.Values]);

    /// <inheritdoc />
    public async Task<IReadOnlyList<CaseSummary>> CasesFromStorage() => await ReadCasesAsync();
}
