using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Townships;
using static CaseGrains.Domain.Tests.Kit;

namespace CaseGrains.Domain.Tests;

/// <summary>Every error code the domain declares is reachable, and every message is written in both languages.</summary>
public sealed class ErrorCodeCoverageTests
{
    private static readonly DateTimeOffset T0 = At(2024, 3, 1);

    private static PetitionCase Final() =>
        PetitionCase.Reviewed(At(2024, 1, 10), At(2024, 1, 20), At(2024, 2, 1))
            .Do(new RequestRecheck(At(2024, 2, 10)))
            .Do(new ConcludeRecheck(At(2024, 2, 20), ReviewDecision.Upheld));

    private static PetitionCase UnderRecheck() =>
        PetitionCase.Reviewed(At(2024, 1, 10), At(2024, 1, 20), At(2024, 2, 1)).Do(new RequestRecheck(At(2024, 2, 10)));

    private static DisputeCase Resolved() =>
        DisputeCase.Accepted(T0).Do(new ResolveDispute(T0.AddDays(1), MediationProcedure.Simple, AgreementForm.Oral));

    public static IEnumerable<(string Code, Func<DomainError> Scenario)> Scenarios()
    {
        yield return (ErrorCodes.CaseNotFound, () => new PetitionCase().Fails(new AcceptPetition(T0)));
        yield return (ErrorCodes.CaseAlreadyExists, () => PetitionCase.Registered(T0).Fails(RegisterPetition(T0)));
        yield return (ErrorCodes.CaseInvalidId, () => new PetitionCase().Fails(RegisterPetition(T0, "XF-1")));
        yield return (ErrorCodes.ValueRequired, () => new PetitionCase().Fails(RegisterPetition(T0, subject: "")));
        yield return (ErrorCodes.ValueInvalid, () => PetitionCase.Registered(T0).Fails(new DeclinePetition(T0, "r", (DeclineRoute)42)));
        yield return (ErrorCodes.TimeInFuture, () => PetitionCase.Registered(T0).Fails(new AcceptPetition(T0.AddHours(1)), T0));
        yield return (ErrorCodes.TimeBeforeRegistration, () => PetitionCase.Registered(T0).Fails(new AcceptPetition(T0.AddHours(-1))));
        yield return (ErrorCodes.TimeOutOfOrder, () => PetitionCase.Accepted(T0, T0.AddDays(2)).Fails(new ConcludePetition(T0.AddDays(1), PetitionOutcome.Supported, "r")));
        yield return (ErrorCodes.LeaderNotOnRoster, () => PetitionCase.Registered(T0).Fails(new AssignPetition("ghost", [])));
        yield return (ErrorCodes.PetitionNoPetitioner, () => new PetitionCase().Fails(RegisterPetition(T0, petitioners: [])));
        yield return (ErrorCodes.PetitionHeadcountInvalid, () => new PetitionCase().Fails(RegisterPetition(T0, headcount: -1)));
        yield return (ErrorCodes.PetitionHotlineOrderRequired, () => new PetitionCase().Fails(RegisterPetition(T0, channel: PetitionChannel.Hotline12345)));
        yield return (ErrorCodes.PetitionNotHotline, () => new PetitionCase().Fails(RegisterPetition(T0, platformDueOn: D(2024, 3, 8))));
        yield return (ErrorCodes.PetitionPlatformDueInvalid, () => new PetitionCase().Fails(RegisterHotline(T0, D(2024, 2, 1))));
        yield return (ErrorCodes.PetitionRepeatOfInvalid, () => new PetitionCase().Fails(RegisterPetition(T0, repeatOf: "2024-XF-0001")));
        yield return (ErrorCodes.PetitionNotRegistered, () => PetitionCase.Accepted(T0, T0).Fails(new AcceptPetition(T0)));
        yield return (ErrorCodes.PetitionNotAccepted, () => PetitionCase.Registered(T0).Fails(new ConcludePetition(T0, PetitionOutcome.Explained, "r")));
        yield return (ErrorCodes.PetitionAlreadyConcluded, () => PetitionCase.Concluded(T0, T0.AddDays(1)).Fails(new ConcludePetition(T0.AddDays(2), PetitionOutcome.Explained, "r")));
        yield return (ErrorCodes.PetitionNotInProgress, () => PetitionCase.Concluded(T0, T0.AddDays(1)).Fails(new RecordPetitionProgress(T0.AddDays(2), "n")));
        yield return (ErrorCodes.PetitionNotConcluded, () => PetitionCase.Registered(T0).Fails(new EvaluatePetition(SatisfactionRating.Satisfied)));
        yield return (ErrorCodes.PetitionReviewAlreadyRequested, () => PetitionCase.Reviewed(At(2024, 1, 10), At(2024, 1, 20), At(2024, 2, 1)).Fails(new RequestReview(At(2024, 2, 2))));
        yield return (ErrorCodes.PetitionNotUnderReview, () => UnderRecheck().Fails(new ConcludeReview(At(2024, 2, 11), ReviewDecision.Upheld)));
        yield return (ErrorCodes.PetitionNotReviewed, () => PetitionCase.Accepted(T0, T0).Fails(new RequestRecheck(T0)));
        yield return (ErrorCodes.PetitionRecheckAlreadyRequested, () => UnderRecheck().Fails(new RequestRecheck(At(2024, 2, 11))));
        yield return (ErrorCodes.PetitionNotUnderRecheck, () => PetitionCase.Concluded(T0, T0.AddDays(1)).Fails(new StartRecheckHearing(T0.AddDays(2))));
        yield return (ErrorCodes.PetitionDeclined, () => PetitionCase.Registered(T0).Do(new DeclinePetition(T0, "r", DeclineRoute.Other)).Fails(new ConcludePetition(T0, PetitionOutcome.Supported, "r")));
        yield return (ErrorCodes.PetitionWithdrawn, () => PetitionCase.Registered(T0).Do(new WithdrawPetition(T0, "r")).Fails(new AssignPetition("leader-1", [])));
        yield return (ErrorCodes.PetitionFinal, () => Final().Fails(new EvaluatePetition(SatisfactionRating.Satisfied)));
        yield return (ErrorCodes.PetitionAlreadyExtended, () => PetitionCase.Accepted(T0, T0).Do(new ExtendPetition(5, "r", "a")).Fails(new ExtendPetition(5, "r", "a")));
        yield return (ErrorCodes.PetitionExtensionDaysOutOfRange, () => PetitionCase.Accepted(T0, T0).Fails(new ExtendPetition(45, "r", "a")));
        yield return (ErrorCodes.PetitionHotlineExtension, () => new PetitionCase().Do(RegisterHotline(T0, D(2024, 3, 8))).Do(new AcceptPetition(T0)).Fails(new ExtendPetition(5, "r", "a")));
        yield return (ErrorCodes.PetitionAlreadyEvaluated, () => PetitionCase.Concluded(T0, T0.AddDays(1)).Do(new EvaluatePetition(SatisfactionRating.Satisfied)).Fails(new EvaluatePetition(SatisfactionRating.Dissatisfied)));
        yield return (ErrorCodes.PetitionReviewWindowClosed, () => PetitionCase.Concluded(T0, T0.AddDays(1)).Fails(new RequestReview(T0.AddDays(32))));
        yield return (ErrorCodes.PetitionRecheckWindowClosed, () => PetitionCase.Reviewed(At(2024, 1, 10), At(2024, 1, 20), At(2024, 2, 1)).Fails(new RequestRecheck(At(2024, 3, 3))));
        yield return (ErrorCodes.PetitionHearingOpen, () => UnderRecheck().Do(new StartRecheckHearing(At(2024, 2, 12))).Fails(new StartRecheckHearing(At(2024, 2, 13))));
        yield return (ErrorCodes.PetitionNoHearingOpen, () => UnderRecheck().Fails(new EndRecheckHearing(At(2024, 2, 12))));
        yield return (ErrorCodes.DisputeNoParty, () => new DisputeCase().Fails(RegisterDispute(T0, parties: [])));
        yield return (ErrorCodes.DisputeUnknownCategory, () => new DisputeCase().Fails(RegisterDispute(T0, category: "其他/未知")));
        yield return (ErrorCodes.DisputeNotRegistered, () => DisputeCase.Accepted(T0).Fails(new AcceptDispute(T0)));
        yield return (ErrorCodes.DisputeNotAccepted, () => DisputeCase.Registered(T0).Fails(new RecordMediation(T0, "n")));
        yield return (ErrorCodes.DisputeAlreadySettled, () => Resolved().Fails(new AssignDispute("leader-1", [])));
        yield return (ErrorCodes.DisputeNotResolved, () => DisputeCase.Registered(T0).Fails(new FollowUpDispute(T0, FollowUpResult.Not)));
        yield return (ErrorCodes.DisputeAlreadyFollowedUp, () => Resolved().Do(new FollowUpDispute(T0.AddDays(5), FollowUpResult.Not)).Fails(new FollowUpDispute(T0.AddDays(6), FollowUpResult.Not)));
        yield return (ErrorCodes.DisputeAlreadyExtended, () => DisputeCase.Accepted(T0).Do(new ExtendDispute(5, "r", "a")).Fails(new ExtendDispute(5, "r", "a")));
        yield return (ErrorCodes.DisputeExtensionDaysOutOfRange, () => DisputeCase.Accepted(T0).Fails(new ExtendDispute(0, "r", "a")));
        yield return (ErrorCodes.TownshipNotFound, () => Township.Decide(TownshipState.New("x"), new UpsertLeader("l", "n", "t", true)).Error!);
    }

    [Fact]
    public void EveryDeclaredCode_HasAScenario()
    {
        Assert.Equal(ErrorCodes.All.Order(StringComparer.Ordinal), Scenarios().Select(s => s.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryScenario_ProducesItsCode_WithMessagesInBothLanguages()
    {
        foreach (var (code, scenario) in Scenarios())
        {
            var error = scenario();
            Assert.Equal(code, error.Code);
            Assert.False(string.IsNullOrWhiteSpace(error.MessageEn), code);
            Assert.Contains(error.MessageZh, ch => ch >= '\u4e00' && ch <= '\u9fff');
            Assert.Equal(ErrorCodes.KindOf(code), error.Kind);
        }
    }
}
