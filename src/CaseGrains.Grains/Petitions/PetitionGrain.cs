using CaseGrains.Domain;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Rollups;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Placement;

namespace CaseGrains.Grains.Petitions;

/// <summary>信访件 — one petition, keyed <c>{townshipId}/{caseId}</c>.</summary>
[Alias("casegrains.IPetitionGrain")]
public interface IPetitionGrain : ICaseGrain<PetitionState, RegisterPetition, PetitionCommand>;

/// <summary>Runs <see cref="Petition"/>'s rules for one petition.</summary>
[GrainType(GrainTypes.Petition)]
[TownshipPlacement]
public sealed class PetitionGrain(GrainServices services, DeadlinePolicy policy)
    : CaseGrain<PetitionState, PetitionEvent, RegisterPetition, PetitionCommand>(services, policy), IPetitionGrain
{
    /// <inheritdoc />
    protected override PetitionState InitialState => PetitionState.Empty;

    /// <inheritdoc />
    protected override string StreamType => GrainTypes.Petition;

    /// <inheritdoc />
    protected override PetitionState Evolve(PetitionState state, PetitionEvent @event) => Petition.Evolve(state, @event);

    /// <inheritdoc />
    protected override bool Exists(PetitionState state) => state.Exists;

    /// <inheritdoc />
    protected override string CaseIdOf(PetitionState state) => state.Id;

    /// <inheritdoc />
    protected override bool NeedsRoster(PetitionCommand command) => command is AssignPetition;

    /// <inheritdoc />
    protected override Decision<PetitionEvent> Decide(PetitionState state, PetitionCommand command, DateTimeOffset now, IReadOnlySet<string> activeLeaders)
        => Petition.Decide(state, command, new PetitionContext(now, Policy, activeLeaders));

    /// <inheritdoc />
    protected override DeadlineAlert? RecordedAlert(PetitionState state) => state.Alert;

    /// <inheritdoc />
    protected override (DeadlineKind Kind, DateOnly DueOn)? RunningDeadline(PetitionState state) => Petition.CurrentDeadline(state);

    /// <inheritdoc />
    protected override PetitionCommand NoteDeadline(DateTimeOffset at) => new NotePetitionDeadline(at);

    /// <inheritdoc />
    protected override CaseSummary Summarize(PetitionState state) => Petition.Summarize(state);
}
