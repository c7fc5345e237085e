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
        var group = petitions.Map<RegisterPetitionRequest>(routes, "Petition", new CaseKindDocs("petition", "petitions", "登记",
            "信访件 — petitions under 《信访工作条例》, including 12345 hotline referrals: registration, acceptance (受理), the responsible leader (包案), " +
            "handling, extension (延期), conclusion (办结), evaluation (满意度), review (复查) and recheck (复核).",
            "Registers a petition the township received; the township numbers it (`2024-XF-0001`). Acceptance is due within 15 days of receipt. " +
            "A `hotline12345` petition carries the work order's `externalOrderId` and `platformDueOn`, which replaces the computed handling deadline; " +
            "a `headcount` at or over the configured threshold marks it collective; `repeatOf` links a repeat petition. Answers 201 with `Location`."));

        petitions.MapCommand<AcceptPetitionRequest>(group, "accept", Policies.WriteCases, "AcceptPetition", "Accept a petition (受理)",
            "Accepts a registered petition; the handling deadline (60 days) starts.");
        petitions.MapCommand<DeclinePetitionRequest>(group, "decline", Policies.WriteCases, "DeclinePetition", "Decline a petition (不予受理)",
            "Declines a registered petition, with the reason and the legal route the petitioner was told (`litigation`, `arbitration`, …).");
        petitions.MapCommand<AssignPetitionRequest>(group, "assign", Policies.AssignLeaders, "AssignPetition", "Assign the responsible leader (包案)",
            "Names the responsible leader from the township's roster of active leaders, and the handling officers. Supervisors and admins.");
        petitions.MapCommand<ProgressRequest>(group, "progress", Policies.WriteCases, "RecordPetitionProgress", "Record a handling step",
            "Records a step in handling an accepted petition (a visit, a meeting, a reply sent).");
        petitions.MapCommand<ExtendPetitionRequest>(group, "extend", Policies.ApproveExtensions, "ExtendPetition", "Extend the handling deadline (延期)",
            "Extends the handling deadline by 1 to 30 days, once, with the reason and who approved it. Supervisors and admins; not for 12345 work orders.");
        petitions.MapCommand<ConcludePetitionRequest>(group, "conclude", Policies.WriteCases, "ConcludePetition", "Conclude a petition (办结)",
            "Concludes an accepted petition with its outcome and the written reply; whether it was on time is recorded.");
        petitions.MapCommand<EvaluatePetitionRequest>(group, "evaluate", Policies.WriteCases, "EvaluatePetition", "Record the petitioner's evaluation (满意度)",
            "Records how satisfied the petitioner was with the conclusion: `satisfied`, `basicallySatisfied` or `dissatisfied`, once.");
        petitions.MapCommand<RequestReviewRequest>(group, "review", Policies.WriteCases, "RequestReview", "Record a request for review (复查)",
            "The petitioner asked for a review, within 30 days of the conclusion; the answer is due within 30 days.");
        petitions.MapCommand<ConcludeReviewRequest>(group, "review/conclude", Policies.WriteCases, "ConcludeReview", "Answer the review (复查意见)",
            "Records the review's decision: the conclusion `upheld` or `changed`.");
        petitions.MapCommand<RequestRecheckRequest>(group, "recheck", Policies.WriteCases, "RequestRecheck", "Record a request for recheck (复核)",
            "The petitioner asked for a recheck, within 30 days of the review's answer; the answer is due within 30 days.");
        petitions.MapCommand<StartHearingRequest>(group, "recheck/hearing/start", Policies.WriteCases, "StartRecheckHearing", "Start a recheck hearing (听证)",
            "A hearing of the recheck starts; its days do not count against the recheck's answer limit.");
        petitions.MapCommand<EndHearingRequest>(group, "recheck/hearing/end", Policies.WriteCases, "EndRecheckHearing", "End the recheck hearing",
            "The recheck's hearing ends; the answer limit runs again.");
        petitions.MapCommand<ConcludeRecheckRequest>(group, "recheck/conclude", Policies.WriteCases, "ConcludeRecheck", "Answer the recheck (复核意见)",
            "Records the recheck's decision; the matter is then final (终结) and nothing more can be done.");
        petitions.MapCommand<WithdrawPetitionRequest>(group, "withdraw", Policies.WriteCases, "WithdrawPetition", "Record a withdrawal (撤回)",
            "The petitioner withdrew the petition, with the reason.");
    }
}
