using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Petitions;
using static CaseGrains.Domain.Tests.Kit;

namespace CaseGrains.Domain.Tests;

/// <summary>The statutory and practice rules for petitions, one named test each.</summary>
public sealed class PetitionRuleTests
{
    [Fact]
    public void AcceptanceNotice_Is15CalendarDaysFromReceipt()
    {
        var c = PetitionCase.Registered(At(2024, 3, 1, 16));
        Assert.Equal(D(2024, 3, 16), c.State.AcceptanceDueOn);
        Assert.Equal((DeadlineKind.AcceptanceNotice, D(2024, 3, 16)), Petition.CurrentDeadline(c.State));
        Assert.Equal("xinfang-2022", c.State.RuleSet);
    }

    [Fact]
    public void AcceptanceNotice_CountsFromTheShanghaiDate()
    {
        // 2024-03-31T23:30Z is 1 April in Shanghai: the notice is due 16 April, not 15 April.
        var c = PetitionCase.Registered(new DateTimeOffset(2024, 3, 31, 23, 30, 0, TimeSpan.Zero));
        Assert.Equal(D(2024, 4, 1), c.State.RegisteredOn);
        Assert.Equal(D(2024, 4, 16), c.State.AcceptanceDueOn);
    }

    [Fact]
    public void AcceptanceNotice_LandsOnLeapDay()
    {
        Assert.Equal(D(2024, 2, 29), PetitionCase.Registered(At(2024, 2, 14)).State.AcceptanceDueOn);
    }

    [Fact]
    public void Handling_Is60DaysFromAcceptance_AcrossLeapFebruary()
    {
        var c = PetitionCase.Accepted(At(2023, 12, 28), At(2024, 1, 1, 10));
        Assert.Equal(D(2024, 3, 1), c.State.HandlingDueOn);
        Assert.Equal((DeadlineKind.Handling, D(2024, 3, 1)), Petition.CurrentDeadline(c.State));
    }

    [Fact]
    public void Handling_Is60DaysFromAcceptance_InACommonYear()
    {
        var c = PetitionCase.Accepted(At(2022, 12, 28), At(2023, 1, 1, 10));
        Assert.Equal(D(2023, 3, 2), c.State.HandlingDueOn);
    }

    [Fact]
    public void Handling_CountsFromAcceptance_NotFromReceipt()
    {
        var c = PetitionCase.Accepted(At(2024, 1, 2), At(2024, 1, 15));
        Assert.Equal(D(2024, 3, 15), c.State.HandlingDueOn);
    }

    [Fact]
    public void Handling_RollsForwardOverNationalDay_WhenConfigured()
    {
        Assert.Equal(D(2024, 10, 1), PetitionCase.Accepted(At(2024, 8, 1), At(2024, 8, 2)).State.HandlingDueOn);
        Assert.Equal(D(2024, 10, 8), PetitionCase.Accepted(At(2024, 8, 1), At(2024, 8, 2), RollForward).State.HandlingDueOn);
    }

    [Fact]
    public void Extension_AddsItsDaysToTheHandlingDeadline_AcrossTheYearEnd()
    {
        var c = PetitionCase.Accepted(At(2024, 11, 1), At(2024, 11, 1))
            .Do(new ExtendPetition(30, "需多部门会商", "镇长 王某"), At(2024, 12, 20));
        Assert.Equal(D(2024, 12, 31), c.State.BaseHandlingDueOn);
        Assert.Equal(D(2025, 1, 30), c.State.HandlingDueOn);
        Assert.Equal(30, c.State.ExtendedDays);
        Assert.Equal("镇长 王某", c.State.ExtensionApprovedBy);
        Assert.Equal("需多部门会商", c.State.ExtensionReason);
    }

    [Fact]
    public void Extension_IsAtMost30Days()
    {
        var c = PetitionCase.Accepted(At(2024, 3, 1), At(2024, 3, 1));
        Assert.Equal(ErrorCodes.PetitionExtensionDaysOutOfRange, c.Fails(new ExtendPetition(31, "r", "a")).Code);
        Assert.Equal("days", c.Fails(new ExtendPetition(0, "r", "a")).Field);
        c.Do(new ExtendPetition(1, "r", "a"));
        Assert.Equal(D(2024, 5, 1), c.State.HandlingDueOn);
    }

    [Fact]
    public void Extension_OnlyOnce()
    {
        var c = PetitionCase.Accepted(At(2024, 3, 1), At(2024, 3, 1)).Do(new ExtendPetition(10, "r", "a"));
        Assert.Equal(ErrorCodes.PetitionAlreadyExtended, c.Fails(new ExtendPetition(10, "r", "a")).Code);
    }

    [Fact]
    public void Extension_NeedsApproverAndReason()
    {
        var c = PetitionCase.Accepted(At(2024, 3, 1), At(2024, 3, 1));
        Assert.Equal("approvedBy", c.Fails(new ExtendPetition(10, "理由", " ")).Field);
        Assert.Equal("reason", c.Fails(new ExtendPetition(10, "", "镇长")).Field);
    }

    [Fact]
    public void Extension_OnlyWhileAccepted()
    {
        Assert.Equal(ErrorCodes.PetitionNotAccepted, PetitionCase.Registered(At(2024, 3, 1)).Fails(new ExtendPetition(10, "r", "a")).Code);
        Assert.Equal(ErrorCodes.PetitionAlreadyConcluded, PetitionCase.Concluded(At(2024, 3, 1), At(2024, 3, 5)).Fails(new ExtendPetition(10, "r", "a")).Code);
    }

    [Fact]
    public void Accept_NotBeforeReceipt()
    {
        var c = PetitionCase.Registered(At(2024, 3, 5));
        var e = c.Fails(new AcceptPetition(At(2024, 3, 4)), At(2024, 3, 6));
        Assert.Equal(ErrorCodes.TimeBeforeRegistration, e.Code);
        Assert.Equal("at", e.Field);
    }

    [Fact]
    public void AnyTime_InTheFuture_IsRefused_BeyondTheSkew()
    {
        var now = At(2024, 3, 5, 10);
        var c = PetitionCase.Registered(At(2024, 3, 5, 9));
        Assert.Equal(ErrorCodes.TimeInFuture, c.Fails(new AcceptPetition(now.AddMinutes(6)), now).Code);
        Assert.False(c.Try(new AcceptPetition(now.AddMinutes(5)), now).IsError);
        Assert.Equal("receivedAt", new PetitionCase().Fails(RegisterPetition(now.AddHours(1)), now).Field);
    }

    [Fact]
    public void Steps_MayNotBeDatedBeforeThePreviousStep()
    {
        var c = PetitionCase.Accepted(At(2024, 3, 1), At(2024, 3, 10));
        Assert.Equal(ErrorCodes.TimeOutOfOrder, c.Fails(new RecordPetitionProgress(At(2024, 3, 9), "走访"), At(2024, 3, 11)).Code);
        c.Do(new RecordPetitionProgress(At(2024, 3, 10), "走访"));
    }

    [Fact]
    public void Conclude_OnTime_IsOnOrBeforeTheDueDate_LocalTime()
    {
        var accepted = At(2024, 1, 1);
        var lastMinute = PetitionCase.Accepted(accepted, accepted).Do(new ConcludePetition(At(2024, 3, 1, 23, 59), PetitionOutcome.Explained, "已答复"));
        Assert.True(lastMinute.State.ConcludedOnTime);
        var nextDay = PetitionCase.Accepted(accepted, accepted).Do(new ConcludePetition(At(2024, 3, 2, 0, 0), PetitionOutcome.Explained, "已答复"));
        Assert.False(nextDay.State.ConcludedOnTime);
    }

    [Fact]
    public void Conclude_ADeclinedPetition_IsRefused()
    {
        var c = PetitionCase.Registered(At(2024, 3, 1)).Do(new DeclinePetition(At(2024, 3, 2), "属于诉讼事项", DeclineRoute.Litigation));
        Assert.Equal(PetitionStatus.Declined, c.State.Status);
        Assert.Equal(ErrorCodes.PetitionDeclined, c.Fails(new ConcludePetition(At(2024, 3, 3), PetitionOutcome.Supported, "x")).Code);
        Assert.Null(Petition.CurrentDeadline(c.State));
    }

    [Fact]
    public void AcceptOrDecline_OnlyWhileRegistered()
    {
        var c = PetitionCase.Accepted(At(2024, 3, 1), At(2024, 3, 2));
        Assert.Equal(ErrorCodes.PetitionNotRegistered, c.Fails(new AcceptPetition(At(2024, 3, 3))).Code);
        Assert.Equal(ErrorCodes.PetitionNotRegistered, c.Fails(new DeclinePetition(At(2024, 3, 3), "r", DeclineRoute.Other)).Code);
    }

    [Fact]
    public void Decline_RecordsTheRoute()
    {
        var c = PetitionCase.Registered(At(2024, 3, 1)).Do(new DeclinePetition(At(2024, 3, 2), "应申请行政复议", DeclineRoute.AdministrativeReconsideration));
        Assert.Equal(DeclineRoute.AdministrativeReconsideration, c.State.DeclineRoute);
        Assert.Equal("应申请行政复议", c.State.DeclineReason);
    }

    [Fact]
    public void Assign_OnlyToAnActiveLeaderOnTheRoster()
    {
        var c = PetitionCase.Registered(At(2024, 3, 1));
        var e = c.Fails(new AssignPetition("leader-9", []));
        Assert.Equal(ErrorCodes.LeaderNotOnRoster, e.Code);
        Assert.Equal("leaderId", e.Field);
        c.Do(new AssignPetition("leader-1", ["officer-1", "officer-1", " officer-2 "]));
        Assert.Equal("leader-1", c.State.LeaderId);
        Assert.Equal(["officer-1", "officer-2"], c.State.Handlers);
    }

    [Fact]
    public void Assign_TheSameAgain_IsANoOp()
    {
        var c = PetitionCase.Registered(At(2024, 3, 1)).Do(new AssignPetition("leader-1", ["officer-1"]));
        var d = c.Try(new AssignPetition("leader-1", ["officer-1"]));
        Assert.False(d.IsError);
        Assert.Empty(d.Events);
    }

    [Fact]
    public void Assign_NotAfterConclusion()
    {
        Assert.Equal(ErrorCodes.PetitionAlreadyConcluded, PetitionCase.Concluded(At(2024, 3, 1), At(2024, 3, 5)).Fails(new AssignPetition("leader-1", [])).Code);
    }

    [Fact]
    public void Evaluate_OnlyAfterConclusion_AndOnce()
    {
        Assert.Equal(ErrorCodes.PetitionNotConcluded, PetitionCase.Accepted(At(2024, 3, 1), At(2024, 3, 1)).Fails(new EvaluatePetition(SatisfactionRating.Satisfied)).Code);
        var c = PetitionCase.Concluded(At(2024, 3, 1), At(2024, 3, 5)).Do(new EvaluatePetition(SatisfactionRating.BasicallySatisfied), At(2024, 3, 6));
        Assert.Equal(SatisfactionRating.BasicallySatisfied, c.State.Rating);
        Assert.Equal(At(2024, 3, 6), c.State.EvaluatedAt);
        Assert.Empty(c.Try(new EvaluatePetition(SatisfactionRating.BasicallySatisfied)).Events);
        Assert.Equal(ErrorCodes.PetitionAlreadyEvaluated, c.Fails(new EvaluatePetition(SatisfactionRating.Satisfied)).Code);
    }

    [Fact]
    public void ReviewRequest_Within30DaysOfTheAnswer_LastDayIncluded()
    {
        // Answered 2024-01-31: the window ends 2024-03-01 (leap year).
        var c = PetitionCase.Concluded(At(2024, 1, 2), At(2024, 1, 31, 17));
        Assert.Equal(D(2024, 3, 1), c.State.ReviewRequestDueOn);
        Assert.Null(Petition.CurrentDeadline(c.State)); // the petitioner's window is not an officer deadline
        Assert.Equal(ErrorCodes.PetitionReviewWindowClosed, c.Fails(new RequestReview(At(2024, 3, 2, 0, 1))).Code);
        c.Do(new RequestReview(At(2024, 3, 1, 23, 59)));
        Assert.Equal(PetitionStatus.UnderReview, c.State.Status);
    }

    [Fact]
    public void ReviewRequest_OnlyFromConcluded()
    {
        Assert.Equal(ErrorCodes.PetitionNotConcluded, PetitionCase.Accepted(At(2024, 3, 1), At(2024, 3, 1)).Fails(new RequestReview(At(2024, 3, 2))).Code);
        var c = PetitionCase.Concluded(At(2024, 3, 1), At(2024, 3, 5)).Do(new RequestReview(At(2024, 3, 6)));
        Assert.Equal(ErrorCodes.PetitionReviewAlreadyRequested, c.Fails(new RequestReview(At(2024, 3, 7))).Code);
    }

    [Fact]
    public void ReviewAnswer_Is30DaysFromTheRequest()
    {
        var c = PetitionCase.Concluded(At(2024, 1, 2), At(2024, 1, 31)).Do(new RequestReview(At(2024, 2, 1)));
        Assert.Equal(D(2024, 3, 2), c.State.ReviewAnswerDueOn);
        Assert.Equal((DeadlineKind.ReviewAnswer, D(2024, 3, 2)), Petition.CurrentDeadline(c.State));
        Assert.Equal(ErrorCodes.PetitionNotUnderReview, PetitionCase.Concluded(At(2024, 1, 2), At(2024, 1, 31)).Fails(new ConcludeReview(At(2024, 2, 2), ReviewDecision.Upheld)).Code);
    }

    [Fact]
    public void RecheckRequest_Within30DaysOfTheReviewAnswer()
    {
        var c = PetitionCase.Reviewed(At(2024, 11, 1), At(2024, 11, 10), At(2024, 12, 2));
        Assert.Equal(PetitionStatus.Reviewed, c.State.Status);
        Assert.Equal(D(2025, 1, 1), c.State.RecheckRequestDueOn);
        Assert.Equal(ErrorCodes.PetitionRecheckWindowClosed, c.Fails(new RequestRecheck(At(2025, 1, 2))).Code);
        c.Do(new RequestRecheck(At(2025, 1, 1, 20)));
        Assert.Equal(ErrorCodes.PetitionRecheckAlreadyRequested, c.Fails(new RequestRecheck(At(2025, 1, 2))).Code);
        Assert.Equal(ErrorCodes.PetitionNotReviewed, PetitionCase.Concluded(At(2024, 3, 1), At(2024, 3, 5)).Fails(new RequestRecheck(At(2024, 3, 6))).Code);
    }

    [Fact]
    public void RecheckAnswer_Is30Days_HearingDaysNotCounted()
    {
        var c = PetitionCase.Reviewed(At(2024, 1, 10), At(2024, 1, 20), At(2024, 2, 1))
            .Do(new RequestRecheck(At(2024, 2, 10)));
        Assert.Equal(D(2024, 3, 11), c.State.RecheckAnswerDueOn);

        c.Do(new StartRecheckHearing(At(2024, 2, 20, 9)));
        Assert.Null(Petition.CurrentDeadline(c.State)); // the clock stands still during the hearing
        c.Do(new EndRecheckHearing(At(2024, 2, 22, 17)));
        Assert.Equal(3, c.State.HearingDays); // 20, 21 and 22 February
        Assert.Equal(D(2024, 3, 14), c.State.RecheckAnswerDueOn);

        c.Do(new StartRecheckHearing(At(2024, 3, 1, 9))).Do(new EndRecheckHearing(At(2024, 3, 1, 12)));
        Assert.Equal(4, c.State.HearingDays);
        Assert.Equal((DeadlineKind.RecheckAnswer, D(2024, 3, 15)), Petition.CurrentDeadline(c.State));
    }

    [Fact]
    public void Hearing_MustBeEndedBeforeTheRecheckIsAnswered()
    {
        var c = PetitionCase.Reviewed(At(2024, 1, 10), At(2024, 1, 20), At(2024, 2, 1))
            .Do(new RequestRecheck(At(2024, 2, 10)))
            .Do(new StartRecheckHearing(At(2024, 2, 20)));
        Assert.Equal(ErrorCodes.PetitionHearingOpen, c.Fails(new ConcludeRecheck(At(2024, 2, 21), ReviewDecision.Upheld)).Code);
        Assert.Equal(ErrorCodes.PetitionHearingOpen, c.Fails(new StartRecheckHearing(At(2024, 2, 21))).Code);
        c.Do(new EndRecheckHearing(At(2024, 2, 21)));
        Assert.Equal(ErrorCodes.PetitionNoHearingOpen, c.Fails(new EndRecheckHearing(At(2024, 2, 22))).Code);
    }

    [Fact]
    public void Final_AfterRecheck_NothingMore()
    {
        var c = PetitionCase.Reviewed(At(2024, 1, 10), At(2024, 1, 20), At(2024, 2, 1))
            .Do(new RequestRecheck(At(2024, 2, 10)))
            .Do(new ConcludeRecheck(At(2024, 3, 1), ReviewDecision.Upheld));
        Assert.Equal(PetitionStatus.Final, c.State.Status);
        Assert.Null(Petition.CurrentDeadline(c.State));
        PetitionCommand[] attempts =
        [
            new AcceptPetition(At(2024, 3, 2)), new RequestReview(At(2024, 3, 2)), new RequestRecheck(At(2024, 3, 2)),
            new ConcludeRecheck(At(2024, 3, 2), ReviewDecision.Changed), new EvaluatePetition(SatisfactionRating.Satisfied),
            new WithdrawPetition(At(2024, 3, 2), "r"), new LinkRepeat("2023-XF-0001"), new RecordPetitionProgress(At(2024, 3, 2), "n"),
        ];
        foreach (var attempt in attempts)
        {
            Assert.Equal(ErrorCodes.PetitionFinal, c.Fails(attempt).Code);
        }
    }

    [Fact]
    public void Withdraw_WhileRegisteredOrAccepted_NotAfterConclusionOrDecline()
    {
        Assert.Equal(PetitionStatus.Withdrawn, PetitionCase.Registered(At(2024, 3, 1)).Do(new WithdrawPetition(At(2024, 3, 2), "已协商解决")).State.Status);
        Assert.Equal(PetitionStatus.Withdrawn, PetitionCase.Accepted(At(2024, 3, 1), At(2024, 3, 1)).Do(new WithdrawPetition(At(2024, 3, 2), "已协商解决")).State.Status);
        Assert.Equal(ErrorCodes.PetitionAlreadyConcluded, PetitionCase.Concluded(At(2024, 3, 1), At(2024, 3, 5)).Fails(new WithdrawPetition(At(2024, 3, 6), "r")).Code);
        var declined = PetitionCase.Registered(At(2024, 3, 1)).Do(new DeclinePetition(At(2024, 3, 2), "r", DeclineRoute.Arbitration));
        Assert.Equal(ErrorCodes.PetitionDeclined, declined.Fails(new WithdrawPetition(At(2024, 3, 3), "r")).Code);
        var withdrawn = PetitionCase.Registered(At(2024, 3, 1)).Do(new WithdrawPetition(At(2024, 3, 2), "r"));
        Assert.Equal(ErrorCodes.PetitionWithdrawn, withdrawn.Fails(new AcceptPetition(At(2024, 3, 3))).Code);
    }

    [Fact]
    public void Collective_AtOrOverTheConfiguredThreshold()
    {
        Assert.False(new PetitionCase().Do(RegisterPetition(At(2024, 3, 1), headcount: 4)).State.Collective);
        Assert.True(new PetitionCase().Do(RegisterPetition(At(2024, 3, 1), headcount: 5)).State.Collective);
        var ten = new DeadlinePolicy(new DeadlineSettings { CollectiveThreshold = 10 });
        Assert.False(new PetitionCase(ten).Do(RegisterPetition(At(2024, 3, 1), headcount: 9)).State.Collective);
        // Without a headcount the people named count.
        var five = Enumerable.Range(1, 5).Select(i => new Person($"信访人{i}")).ToArray();
        Assert.True(new PetitionCase().Do(RegisterPetition(At(2024, 3, 1), petitioners: five)).State.Collective);
    }

    [Fact]
    public void Headcount_AtLeastOne_AndNotFewerThanNamed()
    {
        Assert.Equal(ErrorCodes.PetitionHeadcountInvalid, new PetitionCase().Fails(RegisterPetition(At(2024, 3, 1), headcount: 0)).Code);
        var two = new[] { new Person("甲"), new Person("乙") };
        Assert.Equal("headcount", new PetitionCase().Fails(RegisterPetition(At(2024, 3, 1), headcount: 1, petitioners: two)).Field);
    }

    [Fact]
    public void Repeat_IsLinkedByAPerson_NeverRejected()
    {
        var c = new PetitionCase().Do(RegisterPetition(At(2024, 3, 1), "2024-XF-0002", repeatOf: "2024-XF-0001"));
        Assert.Equal("2024-XF-0001", c.State.RepeatOf);
        Assert.True(Petition.Summarize(c.State).Repeat);

        var later = PetitionCase.Registered(At(2024, 3, 1)).Do(new LinkRepeat("2023-XF-0107"));
        Assert.Equal("2023-XF-0107", later.State.RepeatOf);
        Assert.Equal(ErrorCodes.PetitionRepeatOfInvalid, later.Fails(new LinkRepeat("2023-JF-0001")).Code);
        Assert.Equal(ErrorCodes.PetitionRepeatOfInvalid, later.Fails(new LinkRepeat("2024-XF-0001")).Code); // itself
        Assert.Equal(ErrorCodes.PetitionRepeatOfInvalid, new PetitionCase().Fails(RegisterPetition(At(2024, 3, 1), repeatOf: "上次那件")).Code);
    }

    [Fact]
    public void Hotline12345_NeedsOrderIdAndPlatformDeadline()
    {
        Assert.Equal("externalOrderId", new PetitionCase().Fails(RegisterPetition(At(2024, 3, 1), channel: PetitionChannel.Hotline12345, platformDueOn: D(2024, 3, 8))).Field);
        Assert.Equal("platformDueOn", new PetitionCase().Fails(RegisterPetition(At(2024, 3, 1), channel: PetitionChannel.Hotline12345, externalOrderId: "A1")).Field);
        Assert.Equal(ErrorCodes.PetitionPlatformDueInvalid, new PetitionCase().Fails(RegisterHotline(At(2024, 3, 1), D(2024, 2, 28))).Code);
        Assert.Equal(ErrorCodes.PetitionNotHotline, new PetitionCase().Fails(RegisterPetition(At(2024, 3, 1), externalOrderId: "A1")).Code);
    }

    [Fact]
    public void Hotline12345_PlatformDeadlineReplacesTheHandlingDeadline()
    {
        // Five working days written on the order: 2024-03-01 (Fri) → 2024-03-08.
        var c = new PetitionCase().Do(RegisterHotline(At(2024, 3, 1), D(2024, 3, 8)));
        Assert.Equal((DeadlineKind.PlatformOrder, D(2024, 3, 8)), Petition.CurrentDeadline(c.State));
        c.Do(new AcceptPetition(At(2024, 3, 1, 10)));
        Assert.Equal(D(2024, 3, 8), c.State.HandlingDueOn);
        Assert.Equal((DeadlineKind.PlatformOrder, D(2024, 3, 8)), Petition.CurrentDeadline(c.State));
        Assert.Equal("12345-2024-000123", Petition.Summarize(c.State).ExternalOrderId);

        Assert.Equal(ErrorCodes.PetitionHotlineExtension, c.Fails(new ExtendPetition(10, "r", "a")).Code);
        c.Do(new ChangePlatformDeadline(D(2024, 3, 15), "平台批准延期"));
        Assert.Equal(D(2024, 3, 15), c.State.HandlingDueOn);
        Assert.Empty(c.Try(new ChangePlatformDeadline(D(2024, 3, 15), "again")).Events);
        Assert.Equal(ErrorCodes.PetitionNotHotline, PetitionCase.Registered(At(2024, 3, 1)).Fails(new ChangePlatformDeadline(D(2024, 3, 15), "r")).Code);
    }

    [Fact]
    public void RuleSet_IsTheOneInForceOnTheDayOfReceipt_AndStaysWithTheCase()
    {
        var provincial = new DeadlineRuleSet("province-2023", D(2023, 1, 1), HandlingDays: 45);
        var policy = new DeadlinePolicy(new DeadlineSettings { RuleSets = [DeadlineRuleSet.Regulation2005, DeadlineRuleSet.Regulation2022, provincial] });

        var before = new PetitionCase(policy).Do(RegisterPetition(At(2022, 12, 31))).Do(new AcceptPetition(At(2023, 1, 5)));
        Assert.Equal("xinfang-2022", before.State.RuleSet);
        Assert.Equal(D(2023, 3, 6), before.State.HandlingDueOn); // 60 days, although accepted under the new set

        var after = new PetitionCase(policy).Do(RegisterPetition(At(2023, 1, 1))).Do(new AcceptPetition(At(2023, 1, 5)));
        Assert.Equal("province-2023", after.State.RuleSet);
        Assert.Equal(D(2023, 2, 19), after.State.HandlingDueOn);

        Assert.Equal("xinfang-2005", PetitionCase.Registered(At(2022, 4, 30)).State.RuleSet);
    }

    [Fact]
    public void NeverClosesOnADeadline_OverdueIsOnlyReported()
    {
        var c = PetitionCase.Accepted(At(2024, 1, 1), At(2024, 1, 1));
        var muchLater = At(2024, 12, 31);
        var status = Petition.DeadlineStatus(c.State, c.Policy, muchLater);
        Assert.NotNull(status);
        Assert.True(status.Overdue);
        Assert.Equal(305, status.DaysOverdue);
        Assert.Equal(PetitionStatus.Accepted, c.State.Status);
        c.Do(new ConcludePetition(muchLater, PetitionOutcome.Supported, "已办结"), muchLater);
        Assert.Equal(false, c.State.ConcludedOnTime);
    }

    [Fact]
    public void Register_Validates_RequiredFields()
    {
        Assert.Equal("subject", new PetitionCase().Fails(RegisterPetition(At(2024, 3, 1), subject: " ")).Field);
        Assert.Equal("summary", new PetitionCase().Fails(RegisterPetition(At(2024, 3, 1), summary: "")).Field);
        Assert.Equal("category", new PetitionCase().Fails(RegisterPetition(At(2024, 3, 1), category: "")).Field);
        Assert.Equal(ErrorCodes.PetitionNoPetitioner, new PetitionCase().Fails(RegisterPetition(At(2024, 3, 1), petitioners: [])).Code);
        Assert.Equal("petitioners[1].name", new PetitionCase().Fails(RegisterPetition(At(2024, 3, 1), petitioners: [new Person("甲"), new Person(" ")])).Field);
        Assert.Equal(ErrorCodes.CaseInvalidId, new PetitionCase().Fails(RegisterPetition(At(2024, 3, 1), "2024-JF-0001")).Code);
        Assert.Equal(ErrorCodes.ValueInvalid, new PetitionCase().Fails(RegisterPetition(At(2024, 3, 1), channel: (PetitionChannel)99)).Code);
    }

    [Fact]
    public void Register_Twice_IsRefused_AndOtherCommandsNeedACase()
    {
        var c = PetitionCase.Registered(At(2024, 3, 1));
        Assert.Equal(ErrorCodes.CaseAlreadyExists, c.Fails(RegisterPetition(At(2024, 3, 1))).Code);
        Assert.Equal(ErrorCodes.CaseNotFound, new PetitionCase().Fails(new AcceptPetition(At(2024, 3, 1))).Code);
    }

    [Fact]
    public void Register_TrimsText_AndKeepsPersonalDataForMaskingLater()
    {
        var c = new PetitionCase().Do(RegisterPetition(At(2024, 3, 1), subject: "  道路破损 ", petitioners: [new Person(" 张三 ", "610102199001011234")]));
        Assert.Equal("道路破损", c.State.Subject);
        Assert.Equal("张三", c.State.Petitioners[0].Name);
        Assert.Equal("张*", Masking.Mask(c.State.Petitioners[0]).Name);
    }

    [Fact]
    public void Summary_CarriesNoPersonalData()
    {
        var c = PetitionCase.Concluded(At(2024, 3, 1), At(2024, 3, 5));
        var json = System.Text.Json.JsonSerializer.Serialize(Petition.Summarize(c.State), DomainJson.Options);
        foreach (var secret in new[] { "张三", "610102199001011234", "13812345678", "王曲街道" })
        {
            Assert.DoesNotContain(secret, json, StringComparison.Ordinal);
        }

        Assert.Contains("\"status\":\"concluded\"", json, StringComparison.Ordinal);
    }
}
