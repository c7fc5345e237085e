using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using static CaseGrains.Domain.Tests.Kit;

namespace CaseGrains.Domain.Tests;

/// <summary>The mediation rules (人民调解法, 《人民调解工作若干规定》) and configured practice, one named test each.</summary>
public sealed class DisputeRuleTests
{
    [Fact]
    public void Settlement_Is30DaysFromAcceptance_ByDefault()
    {
        var c = DisputeCase.Accepted(At(2024, 1, 31));
        Assert.Equal(D(2024, 3, 1), c.State.SettlementDueOn); // across leap February
        Assert.Equal(30, c.State.SettlementDays);
        Assert.Equal((DeadlineKind.DisputeSettlement, D(2024, 3, 1)), Dispute.CurrentDeadline(c.State));
        Assert.Null(Dispute.CurrentDeadline(DisputeCase.Registered(At(2024, 1, 31)).State));
    }

    [Fact]
    public void Settlement_ConfigurablePerCategoryAndProcedure()
    {
        var policy = new DeadlinePolicy(new DeadlineSettings
        {
            DisputeDaysByCategory = new Dictionary<string, int> { ["劳动争议/欠薪"] = 10 },
            DisputeDaysByProcedure = new Dictionary<MediationProcedure, int> { [MediationProcedure.Simple] = 3 },
        });
        Assert.Equal(D(2024, 3, 11), DisputeCase.Accepted(At(2024, 3, 1), policy, "劳动争议/欠薪").State.SettlementDueOn);
        Assert.Equal(D(2024, 3, 31), DisputeCase.Accepted(At(2024, 3, 1), policy, "劳动争议").State.SettlementDueOn);
        Assert.Equal(D(2024, 3, 4), DisputeCase.Accepted(At(2024, 3, 1), policy, "邻里", MediationProcedure.Simple).State.SettlementDueOn);
    }

    [Fact]
    public void Settlement_RollsForwardOverNationalDay_WhenConfigured()
    {
        Assert.Equal(D(2024, 10, 8), DisputeCase.Accepted(At(2024, 9, 1), RollForward).State.SettlementDueOn); // 10-01 → 10-08
    }

    [Fact]
    public void Extension_WithConsent_Once_UpToTheConfiguredDays()
    {
        var c = DisputeCase.Accepted(At(2024, 3, 1));
        Assert.Equal(ErrorCodes.DisputeExtensionDaysOutOfRange, c.Fails(new ExtendDispute(31, "双方同意", "调解员 李某")).Code);
        Assert.Equal("approvedBy", c.Fails(new ExtendDispute(10, "双方同意", "")).Field);
        c.Do(new ExtendDispute(15, "双方同意继续调解", "调解员 李某"));
        Assert.Equal(D(2024, 4, 15), c.State.SettlementDueOn);
        Assert.Equal(D(2024, 3, 31), c.State.BaseSettlementDueOn);
        Assert.Equal(ErrorCodes.DisputeAlreadyExtended, c.Fails(new ExtendDispute(5, "r", "a")).Code);
        Assert.Equal(ErrorCodes.DisputeNotAccepted, DisputeCase.Registered(At(2024, 3, 1)).Fails(new ExtendDispute(5, "r", "a")).Code);
    }

    [Fact]
    public void Category_MustBeInTheConfiguredList()
    {
        var e = new DisputeCase().Fails(RegisterDispute(At(2024, 3, 1), category: "交通事故"));
        Assert.Equal(ErrorCodes.DisputeUnknownCategory, e.Code);
        Assert.Equal("category", e.Field);
        Assert.Equal("劳动争议/欠薪", new DisputeCase().Do(RegisterDispute(At(2024, 3, 1), category: "劳动争议／欠薪")).State.Category);
        var custom = new DeadlinePolicy(new DeadlineSettings { DisputeCategories = [new DisputeCategory("交通事故")] });
        Assert.Equal("交通事故", new DisputeCase(custom).Do(RegisterDispute(At(2024, 3, 1), category: "交通事故")).State.Category);
    }

    [Fact]
    public void Register_NeedsANamedParty_AndADisputeNumber()
    {
        Assert.Equal(ErrorCodes.DisputeNoParty, new DisputeCase().Fails(RegisterDispute(At(2024, 3, 1), parties: [])).Code);
        Assert.Equal("parties[0].name", new DisputeCase().Fails(RegisterDispute(At(2024, 3, 1), parties: [new Person("")])).Field);
        Assert.Equal(ErrorCodes.CaseInvalidId, new DisputeCase().Fails(RegisterDispute(At(2024, 3, 1), "2024-XF-0001")).Code);
        Assert.Equal(ErrorCodes.CaseAlreadyExists, DisputeCase.Registered(At(2024, 3, 1)).Fails(RegisterDispute(At(2024, 3, 1))).Code);
        Assert.Equal(ErrorCodes.CaseNotFound, new DisputeCase().Fails(new AcceptDispute(At(2024, 3, 1))).Code);
    }

    [Fact]
    public void Mediation_IsVoluntary_APartyMayRefuseBeforeAcceptance()
    {
        var c = DisputeCase.Registered(At(2024, 3, 1)).Do(new FailDispute(At(2024, 3, 2), ReferralRoute.Litigation, "一方不同意调解，已告知可向法院起诉"));
        Assert.Equal(DisputeStatus.Failed, c.State.Status);
        Assert.Null(c.State.SettledOnTime);
        Assert.Equal(ErrorCodes.DisputeAlreadySettled, c.Fails(new AcceptDispute(At(2024, 3, 3))).Code);
    }

    [Fact]
    public void Resolve_SimpleOrGeneral_OralOrWritten_OnlyWhileAccepted()
    {
        Assert.Equal(ErrorCodes.DisputeNotAccepted, DisputeCase.Registered(At(2024, 3, 1)).Fails(new ResolveDispute(At(2024, 3, 1), MediationProcedure.Simple, AgreementForm.Oral)).Code);
        var c = DisputeCase.Accepted(At(2024, 3, 1)).Do(new ResolveDispute(At(2024, 3, 1, 11), MediationProcedure.Simple, AgreementForm.Oral));
        Assert.Equal(DisputeStatus.Resolved, c.State.Status);
        Assert.True(c.State.SettledOnTime);
        Assert.Null(Dispute.CurrentDeadline(c.State));
        Assert.Equal(ErrorCodes.DisputeAlreadySettled, c.Fails(new FailDispute(At(2024, 3, 2), ReferralRoute.Other, "n")).Code);
        Assert.Equal(ErrorCodes.DisputeAlreadySettled, c.Fails(new RecordMediation(At(2024, 3, 2), "n")).Code);
    }

    [Fact]
    public void Resolve_AfterTheLimit_IsLate_NotRefused()
    {
        var c = DisputeCase.Accepted(At(2024, 3, 1)).Do(new ResolveDispute(At(2024, 4, 1), MediationProcedure.General, AgreementForm.Written));
        Assert.False(c.State.SettledOnTime);
    }

    [Fact]
    public void Fail_TellsTheRoute()
    {
        var c = DisputeCase.Accepted(At(2024, 3, 1)).Do(new FailDispute(At(2024, 3, 20), ReferralRoute.Arbitration, "告知申请劳动仲裁"));
        Assert.Equal(ReferralRoute.Arbitration, c.State.Referral);
        Assert.True(c.State.SettledOnTime);
        Assert.Equal("note", DisputeCase.Accepted(At(2024, 3, 1)).Fails(new FailDispute(At(2024, 3, 2), ReferralRoute.Other, " ")).Field);
    }

    [Fact]
    public void FollowUp_OnlyAfterResolution_Once_ThenClosed()
    {
        Assert.Equal(ErrorCodes.DisputeNotResolved, DisputeCase.Accepted(At(2024, 3, 1)).Fails(new FollowUpDispute(At(2024, 3, 2), FollowUpResult.Fulfilled)).Code);
        var c = DisputeCase.Accepted(At(2024, 3, 1))
            .Do(new ResolveDispute(At(2024, 3, 5), MediationProcedure.General, AgreementForm.Written))
            .Do(new FollowUpDispute(At(2024, 4, 5), FollowUpResult.Partly));
        Assert.Equal(DisputeStatus.Closed, c.State.Status);
        Assert.Equal(FollowUpResult.Partly, c.State.FollowUp);
        Assert.Equal(ErrorCodes.DisputeAlreadyFollowedUp, c.Fails(new FollowUpDispute(At(2024, 4, 6), FollowUpResult.Fulfilled)).Code);
    }

    [Fact]
    public void Accept_OnlyOnce_NotBeforeReport()
    {
        var c = DisputeCase.Registered(At(2024, 3, 5));
        Assert.Equal(ErrorCodes.TimeBeforeRegistration, c.Fails(new AcceptDispute(At(2024, 3, 4)), At(2024, 3, 6)).Code);
        c.Do(new AcceptDispute(At(2024, 3, 5)));
        Assert.Equal(ErrorCodes.DisputeNotRegistered, c.Fails(new AcceptDispute(At(2024, 3, 6))).Code);
    }

    [Fact]
    public void Assign_OnlyToAnActiveLeader_NoOpWhenUnchanged()
    {
        var c = DisputeCase.Registered(At(2024, 3, 1));
        Assert.Equal(ErrorCodes.LeaderNotOnRoster, c.Fails(new AssignDispute("nobody", [])).Code);
        c.Do(new AssignDispute("leader-2", ["mediator-1"]));
        Assert.Equal("leader-2", c.State.LeaderId);
        Assert.Empty(c.Try(new AssignDispute("leader-2", ["mediator-1"])).Events);
    }

    [Fact]
    public void Steps_InOrder_AndNotInTheFuture()
    {
        var c = DisputeCase.Registered(At(2024, 3, 1)).Do(new AcceptDispute(At(2024, 3, 10)));
        Assert.Equal(ErrorCodes.TimeOutOfOrder, c.Fails(new RecordMediation(At(2024, 3, 9, 23), "n"), At(2024, 3, 11)).Code);
        Assert.Equal(ErrorCodes.TimeInFuture, c.Fails(new RecordMediation(At(2024, 3, 12), "n"), At(2024, 3, 11)).Code);
        Assert.Equal("reportedAt", new DisputeCase().Fails(RegisterDispute(At(2024, 3, 12)), At(2024, 3, 11)).Field);
    }

    [Fact]
    public void Summary_HasNoPartyData()
    {
        var c = DisputeCase.Accepted(At(2024, 3, 1));
        var json = System.Text.Json.JsonSerializer.Serialize(Dispute.Summarize(c.State), DomainJson.Options);
        Assert.DoesNotContain("李四", json, StringComparison.Ordinal);
        Assert.Contains("\"source\":\"gridReport\"", json, StringComparison.Ordinal);
    }
}
