using CaseGrains.Domain;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Rollups;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Placement;

namespace CaseGrains.Grains.Disputes;

/// <summary>矛盾纠纷 — one dispute, keyed <c>{townshipId}/{caseId}</c>.</summary>
[Alias("casegrains.IDisputeGrain")]
public interface IDisputeGrain : ICaseGrain<DisputeState, RegisterDispute, DisputeCommand>;

/// <summary>Runs <see cref="Dispute"/>'s rules for one dispute.</summary>
[GrainType(GrainTypes.Dispute)]
[TownshipPlacement]
public sealed class DisputeGrain(GrainServices services, DeadlinePolicy policy)
    : CaseGrain<DisputeState, DisputeEvent, RegisterDispute, DisputeCommand>(services, policy), IDisputeGrain
{
    /// <inheritdoc />
    protected override DisputeState InitialState => DisputeState.Empty;

    /// <inheritdoc />
    protected override string StreamType => GrainTypes.Dispute;

    /// <inheritdoc />
    protected override DisputeState Evolve(DisputeState state, DisputeEvent @event) => Dispute.Evolve(state, @event);

    /// <inheritdoc />
    protected override bool Exists(DisputeState state) => state.Exists;

    /// <inheritdoc />
    protected override string CaseIdOf(DisputeState state) => state.Id;

    /// <inheritdoc />
    protected override bool NeedsRoster(DisputeCommand command) => command is AssignDispute;

    /// <inheritdoc />
    protected override Decision<DisputeEvent> Decide(DisputeState state, DisputeCommand command, DateTimeOffset now, IReadOnlySet<string> activeLeaders)
        => Dispute.Decide(state, command, new DisputeContext(now, Policy, activeLeaders));

    /// <inheritdoc />
    protected override DeadlineAlert? RecordedAlert(DisputeState state) => state.Alert;

    /// <inheritdoc />
    protected override (DeadlineKind Kind, DateOnly DueOn)? RunningDeadline(DisputeState state) => Dispute.CurrentDeadline(state);

    /// <inheritdoc />
    protected override DisputeCommand NoteDeadline(DateTimeOffset at) => new NoteDisputeDeadline(at);

    /// <inheritdoc />
    protected override CaseSummary Summarize(DisputeState state) => Dispute.Summarize(state);
}
