using CaseGrains.Domain.Petitions;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Petitions;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Cases;

namespace CaseGrains.Server.Petitions;

/// <summary>信访件 routes: <c>/api/townships/{t}/petitions</c>.</summary>
internal static class PetitionsApi
{
    public static void MapPetitions(this IEndpointRouteBuilder routes)
    {
        var petitions = new CaseRoutes<PetitionState, RegisterPetition, PetitionCommand, IPetitionGrain>(
            GrainTypes.Petition, "petitions",
            (township, command, context) => township.RegisterPetition(command, context),
            state => state.Id,
            (snapshot, context) => PetitionView.From(snapshot, context),
            typeof(PetitionView));
        var group = petitions.Map<RegisterPetitionRequest>(routes, "Petition");

        petitions.MapCommand<AcceptPetitionRequest>(group, "accept", Policies.WriteCases, "AcceptPetition");
        petitions.MapCommand<DeclinePetitionRequest>(group, "decline", Policies.WriteCases, "DeclinePetition");
        petitions.MapCommand<AssignPetitionRequest>(group, "assign", Policies.AssignLeaders, "AssignPetition");
        petitions.MapCommand<ProgressRequest>(group, "progress", Policies.WriteCases, "RecordPetitionProgress");
        petitions.MapCommand<ExtendPetitionRequest>(group, "extend", Policies.ApproveExtensions, "ExtendPetition");
        petitions.MapCommand<ConcludePetitionRequest>(group, "conclude", Policies.WriteCases, "ConcludePetition");
        petitions.MapCommand<EvaluatePetitionRequest>(group, "evaluate", Policies.WriteCases, "EvaluatePetition");
        petitions.MapCommand<RequestReviewRequest>(group, "review", Policies.WriteCases, "RequestReview");
        petitions.MapCommand<ConcludeReviewRequest>(group, "review/conclude", Policies.WriteCases, "ConcludeReview");
        petitions.MapCommand<RequestRecheckRequest>(group, "recheck", Policies.WriteCases, "RequestRecheck");
        petitions.MapCommand<StartHearingRequest>(group, "recheck/hearing/start", Policies.WriteCases, "StartRecheckHearing");
        petitions.MapCommand<EndHearingRequest>(group, "recheck/hearing/end", Policies.WriteCases, "EndRecheckHearing");
        petitions.MapCommand<ConcludeRecheckRequest>(group, "recheck/conclude", Policies.WriteCases, "ConcludeRecheck");
        petitions.MapCommand<WithdrawPetitionRequest>(group, "withdraw", Policies.WriteCases, "WithdrawPetition");
    }
}
