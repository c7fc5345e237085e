using System.Text.Json;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Rollups;
using static CaseGrains.Domain.Tests.Kit;

namespace CaseGrains.Domain.Tests;

/// <summary>The rollup figures must reproduce the townships' own report lines.</summary>
public sealed class RollupTests
{
    private static string Pid(int n) => CaseNumber.Format(2024, CaseKind.Petition, n);

    private static string Did(int n) => CaseNumber.Format(2024, CaseKind.Dispute, n);

    private static CaseSummary AcceptedPetition(int n, DateTimeOffset receivedAt, DateTimeOffset? concludedAt = null)
    {
        var c = new PetitionCase().Do(RegisterPetition(receivedAt, Pid(n))).Do(new AcceptPetition(receivedAt.AddDays(1)));
        if (concludedAt is { } at)
        {
            c.Do(new ConcludePetition(at, PetitionOutcome.Supported, "已办结"));
        }

        return Petition.Summarize(c.State);
    }

    private static CaseSummary ResolvedDispute(int n, DateTimeOffset reportedAt) =>
        Dispute.Summarize(new DisputeCase()
            .Do(RegisterDispute(reportedAt, Did(n)))
            .Do(new AcceptDispute(reportedAt))
            .Do(new ResolveDispute(reportedAt.AddDays(3), n % 3 == 0 ? MediationProcedure.General : MediationProcedure.Simple, n % 3 == 0 ? AgreementForm.Written : AgreementForm.Oral))
            .State);

    [Fact]
    public void Tianjiazhai2024_ReproducesTheReportLines()
    {
        // 田家寨镇 2024: 共受理信访件189件，其中已处理解决173件，正在处理16件；共化解矛盾纠纷52件，化解率100%。
        var cases = new List<CaseSummary>();
        for (var n = 1; n <= 189; n++)
        {
            var received = At(2024, 1, 2).AddDays(n);
            cases.Add(AcceptedPetition(n, received, n <= 173 ? received.AddDays(20) : null));
        }

        for (var n = 1; n <= 52; n++)
        {
            cases.Add(ResolvedDispute(n, At(2024, 1, 5).AddDays(n * 5)));
        }

        var rollup = Rollup.Compute("tjz", 2024, D(2024, 12, 14), cases, Policy);
        Assert.Equal(189, rollup.Petitions.Accepted);
        Assert.Equal(173, rollup.Petitions.Concluded);
        Assert.Equal(16, rollup.Petitions.InProgress);
        Assert.Equal(52, rollup.Disputes.Resolved);
        Assert.Equal(new Rate(1.0, 52, 52, "resolved / (resolved + failed)"), rollup.Disputes.ResolutionRate);
        Assert.Equal(new Rate(1.0, 173, 173, "concludedOnTime / concluded"), rollup.Petitions.OnTimeRate);
        Assert.Equal((35, 17), (rollup.Disputes.SimpleProcedure, rollup.Disputes.GeneralProcedure));

        Assert.Equal("全年共受理信访件189件，其中已办结173件，正在办理16件，按期办结率100%", ReportNarrative.PetitionLine(rollup.Petitions, wholeYear: true));
        Assert.Equal("共化解矛盾纠纷52件，化解率100%", ReportNarrative.DisputeLine(rollup.Disputes));
        Assert.Equal("共受理信访件189件，其中已办结173件，正在办理16件，按期办结率100%；共化解矛盾纠纷52件，化解率100%。", ReportNarrative.Paragraph(rollup));
    }

    [Fact]
    public void Jiepaiji2023_SixResolved_Rate100()
    {
        var cases = Enumerable.Range(1, 6).Select(n => ResolvedDispute(n, At(2023, 3, 1).AddDays(n * 30)) with { Id = CaseNumber.Format(2023, CaseKind.Dispute, n), Year = 2023 });
        var rollup = Rollup.Compute("jpj", 2023, D(2023, 12, 31), cases, Policy);
        Assert.Equal(6, rollup.Disputes.Resolved);
        Assert.Equal(1.0, rollup.Disputes.ResolutionRate.Value);
        Assert.Equal("100%", ReportNarrative.Percent(rollup.Disputes.ResolutionRate));
    }

    [Fact]
    public void ZeroDenominator_IsNull_NeverHundredPercent()
    {
        var rollup = Rollup.Compute("empty", 2024, D(2024, 12, 31), [], Policy);
        Assert.Null(rollup.Disputes.ResolutionRate.Value);
        Assert.Equal(0, rollup.Disputes.ResolutionRate.Denominator);
        Assert.Null(rollup.Petitions.OnTimeRate.Value);
        Assert.Null(rollup.Petitions.SatisfactionRate.Value);
        Assert.Null(ReportNarrative.Percent(rollup.Disputes.ResolutionRate));
        Assert.Equal("共化解矛盾纠纷0件", ReportNarrative.DisputeLine(rollup.Disputes));
        Assert.Equal("共受理信访件0件，其中已办结0件，正在办理0件", ReportNarrative.PetitionLine(rollup.Petitions));
    }

    [Fact]
    public void Rates_AreFractionsWithTheirParts()
    {
        var failed = Dispute.Summarize(DisputeCase.Accepted(At(2024, 5, 1)).Do(new FailDispute(At(2024, 5, 3), ReferralRoute.Litigation, "告知起诉")).State with { Id = Did(99) });
        var cases = Enumerable.Range(1, 7).Select(n => ResolvedDispute(n, At(2024, 2, 1).AddDays(n))).Append(failed);
        var rate = Rollup.Compute("t", 2024, D(2024, 12, 31), cases, Policy).Disputes.ResolutionRate;
        Assert.Equal(7, rate.Numerator);
        Assert.Equal(8, rate.Denominator);
        Assert.Equal(0.875, rate.Value);
        Assert.Equal("87.5%", ReportNarrative.Percent(rate));
    }

    [Fact]
    public void AsOf_LaterConclusionIsInProgress_LaterRegistrationIsNotCounted()
    {
        var cases = new[]
        {
            AcceptedPetition(1, At(2024, 11, 1), At(2024, 12, 20)), // concluded after the as-of date
            AcceptedPetition(2, At(2024, 11, 2), At(2024, 12, 10)),
            AcceptedPetition(3, At(2024, 12, 15)), // registered after the as-of date
        };
        var asOf14 = Rollup.Compute("t", 2024, D(2024, 12, 14), cases, Policy).Petitions;
        Assert.Equal(2, asOf14.Registered);
        Assert.Equal(1, asOf14.Concluded);
        Assert.Equal(1, asOf14.InProgress);

        var yearEnd = Rollup.Compute("t", 2024, D(2024, 12, 31), cases, Policy).Petitions;
        Assert.Equal(3, yearEnd.Registered);
        Assert.Equal(2, yearEnd.Concluded);
        Assert.Equal(1, yearEnd.InProgress);
    }

    [Fact]
    public void AsOf_IsTheEndOfTheLocalDate()
    {
        // Concluded at 23:30 Shanghai time on 14 December (15:30 UTC): counts as of 14 December.
        var c = AcceptedPetition(1, At(2024, 11, 1), new DateTimeOffset(2024, 12, 14, 15, 30, 0, TimeSpan.Zero));
        Assert.Equal(1, Rollup.Compute("t", 2024, D(2024, 12, 14), [c], Policy).Petitions.Concluded);
        Assert.Equal(0, Rollup.Compute("t", 2024, D(2024, 12, 13), [c], Policy).Petitions.Concluded);
    }

    [Fact]
    public void ACaseCountsInTheYearItWasRegistered()
    {
        var fromLastYear = new PetitionCase().Do(RegisterPetition(At(2023, 12, 20), "2023-XF-0099")).Do(new AcceptPetition(At(2024, 1, 3)));
        var summary = Petition.Summarize(fromLastYear.State);
        Assert.Equal(2023, summary.Year);
        Assert.Equal(0, Rollup.Compute("t", 2024, D(2024, 12, 31), [summary], Policy).Petitions.Registered);
        Assert.Equal(1, Rollup.Compute("t", 2023, D(2024, 12, 31), [summary], Policy).Petitions.Accepted);
    }

    [Fact]
    public void OverdueNow_CountsOpenCasesPastTheirDeadline_AsOfTheDate()
    {
        // Accepted 2024-01-02 → due 2024-03-02; extended by 30 days on 2024-03-01 → due 2024-04-01.
        var c = new PetitionCase().Do(RegisterPetition(At(2024, 1, 1), Pid(1))).Do(new AcceptPetition(At(2024, 1, 2)))
            .Do(new ExtendPetition(30, "复杂", "镇长"), At(2024, 3, 1));
        var s = Petition.Summarize(c.State);
        int Overdue(DateOnly asOf) => Rollup.Compute("t", 2024, asOf, [s], Policy).Petitions.OverdueNow;
        Assert.Equal(0, Overdue(D(2024, 2, 29)));
        Assert.Equal(0, Overdue(D(2024, 4, 1))); // the due date itself is not overdue
        Assert.Equal(1, Overdue(D(2024, 4, 2)));

        // Without the extension granted yet, the base deadline applies as of that date.
        var late = new PetitionCase().Do(RegisterPetition(At(2024, 1, 1), Pid(2))).Do(new AcceptPetition(At(2024, 1, 2)))
            .Do(new ExtendPetition(30, "复杂", "镇长"), At(2024, 3, 10));
        var ls = Petition.Summarize(late.State);
        Assert.Equal(1, Rollup.Compute("t", 2024, D(2024, 3, 5), [ls], Policy).Petitions.OverdueNow);
        Assert.Equal(0, Rollup.Compute("t", 2024, D(2024, 3, 10), [ls], Policy).Petitions.OverdueNow);

        // Awaiting acceptance past the 15-day notice.
        var waiting = Petition.Summarize(new PetitionCase().Do(RegisterPetition(At(2024, 5, 1), Pid(3))).State);
        Assert.Equal(0, Rollup.Compute("t", 2024, D(2024, 5, 16), [waiting], Policy).Petitions.OverdueNow);
        Assert.Equal(1, Rollup.Compute("t", 2024, D(2024, 5, 17), [waiting], Policy).Petitions.OverdueNow);
    }

    [Fact]
    public void Declined_IsCountedAsDeclined_NotConcluded_AndIdentitiesHold()
    {
        var declined = Petition.Summarize(new PetitionCase().Do(RegisterPetition(At(2024, 3, 1), Pid(1))).Do(new DeclinePetition(At(2024, 3, 2), "诉讼", DeclineRoute.Litigation)).State);
        var withdrawnEarly = Petition.Summarize(new PetitionCase().Do(RegisterPetition(At(2024, 3, 1), Pid(2))).Do(new WithdrawPetition(At(2024, 3, 2), "r")).State);
        var withdrawnLate = Petition.Summarize(new PetitionCase().Do(RegisterPetition(At(2024, 3, 1), Pid(3))).Do(new AcceptPetition(At(2024, 3, 2))).Do(new WithdrawPetition(At(2024, 3, 3), "r")).State);
        var f = Rollup.Compute("t", 2024, D(2024, 12, 31), [declined, withdrawnEarly, withdrawnLate, AcceptedPetition(4, At(2024, 3, 1))], Policy).Petitions;
        Assert.Equal((4, 2, 1, 0, 1, 1, 1), (f.Registered, f.Accepted, f.Declined, f.Concluded, f.InProgress, f.Withdrawn, f.WithdrawnBeforeAcceptance));
        Assert.Equal(f.Accepted, f.Concluded + f.InProgress + f.Withdrawn);
        Assert.Equal(f.Registered, f.Accepted + f.Declined + f.AwaitingAcceptance + f.WithdrawnBeforeAcceptance);
    }

    [Fact]
    public void Satisfaction_BasicallySatisfiedCountsWhenConfigured()
    {
        PetitionCase Rated(int n, SatisfactionRating r) =>
            new PetitionCase().Do(RegisterPetition(At(2024, 3, 1), Pid(n))).Do(new AcceptPetition(At(2024, 3, 1)))
                .Do(new ConcludePetition(At(2024, 3, 5), PetitionOutcome.Supported, "r")).Do(new EvaluatePetition(r), At(2024, 3, 6));
        var cases = new[]
        {
            Petition.Summarize(Rated(1, SatisfactionRating.Satisfied).State),
            Petition.Summarize(Rated(2, SatisfactionRating.BasicallySatisfied).State),
            Petition.Summarize(Rated(3, SatisfactionRating.Dissatisfied).State),
            AcceptedPetition(4, At(2024, 3, 1), At(2024, 3, 5)),
        };
        var counting = Rollup.Compute("t", 2024, D(2024, 12, 31), cases, Policy).Petitions;
        Assert.Equal(new Rate(2.0 / 3, 2, 3, "(satisfied + basicallySatisfied) / evaluated"), counting.SatisfactionRate);
        Assert.Equal(new Rate(0.75, 3, 4, "evaluated / concluded"), counting.EvaluationRate);
        Assert.Equal((1, 1, 1), (counting.Satisfied, counting.BasicallySatisfied, counting.Dissatisfied));

        var strict = new DeadlinePolicy(new DeadlineSettings { BasicallySatisfiedCountsAsSatisfied = false });
        Assert.Equal(new Rate(1.0 / 3, 1, 3, "satisfied / evaluated"), Rollup.Compute("t", 2024, D(2024, 12, 31), cases, strict).Petitions.SatisfactionRate);

        // Rated after the as-of date: not evaluated yet.
        Assert.Equal(0, Rollup.Compute("t", 2024, D(2024, 3, 5), cases, Policy).Petitions.Evaluated);
    }

    [Fact]
    public void Disputes_ProceduresAgreementsFollowUps()
    {
        var general = Dispute.Summarize(DisputeCase.Accepted(At(2024, 4, 1))
            .Do(new ResolveDispute(At(2024, 4, 10), MediationProcedure.General, AgreementForm.Written))
            .Do(new FollowUpDispute(At(2024, 5, 10), FollowUpResult.Fulfilled)).State with { Id = Did(1) });
        var simple = Dispute.Summarize(DisputeCase.Accepted(At(2024, 4, 1))
            .Do(new ResolveDispute(At(2024, 4, 1, 11), MediationProcedure.Simple, AgreementForm.Oral)).State with { Id = Did(2) });
        var refused = Dispute.Summarize(DisputeCase.Registered(At(2024, 4, 1))
            .Do(new FailDispute(At(2024, 4, 2), ReferralRoute.Litigation, "一方拒绝调解")).State with { Id = Did(3) });
        var open = Dispute.Summarize(DisputeCase.Accepted(At(2024, 4, 1)).State with { Id = Did(4) });
        var f = Rollup.Compute("t", 2024, D(2024, 12, 31), [general, simple, refused, open], Policy).Disputes;
        Assert.Equal((4, 3, 2, 1, 1), (f.Registered, f.Accepted, f.Resolved, f.Failed, f.InProgress));
        Assert.Equal((1, 1, 1, 1, 1, 1), (f.SimpleProcedure, f.GeneralProcedure, f.WrittenAgreements, f.OralAgreements, f.FollowedUp, f.Fulfilled));
        Assert.Equal(1, f.FailedBeforeAcceptance);
        Assert.Equal(1, f.OverdueNow);
        Assert.Equal(new Rate(2.0 / 3, 2, 3, "resolved / (resolved + failed)"), f.ResolutionRate);
        Assert.Equal(new Rate(1.0, 1, 1, "fulfilled / followedUp"), f.FulfilmentRate);
        Assert.Equal(4, f.ByCategory["邻里"]);
        Assert.Equal(4, f.BySource["gridReport"]);
        Assert.Equal(0, f.BySource["courtReferral"]);
        Assert.Equal(f.Registered, f.Resolved + f.Failed + f.InProgress + f.AwaitingAcceptance);
    }

    [Fact]
    public void County_AddsPartsAndRecomputesRates_NeverAveragesThem()
    {
        var a = Rollup.Compute("a", 2024, D(2024, 12, 31), [ResolvedDispute(1, At(2024, 2, 1)), Dispute.Summarize(DisputeCase.Accepted(At(2024, 2, 1)).Do(new FailDispute(At(2024, 2, 2), ReferralRoute.Other, "n")).State with { Id = Did(2) })], Policy);
        var b = Rollup.Compute("b", 2024, D(2024, 12, 31), [ResolvedDispute(3, At(2024, 2, 1))], Policy);
        var county = Rollup.Combine("county-1", 2024, D(2024, 12, 31), [b, a]);
        Assert.Equal(new Rate(2.0 / 3, 2, 3, "resolved / (resolved + failed)"), county.Disputes.ResolutionRate);
        Assert.Equal(["a", "b"], county.Townships.Select(t => t.Scope));
        Assert.Throws<ArgumentException>(() => Rollup.Combine("c", 2024, D(2024, 12, 30), [a]));
    }

    [Fact]
    public void Hotline12345_IsAlsoReportedAsItsOwnStream()
    {
        var hotline = Petition.Summarize(new PetitionCase().Do(RegisterHotline(At(2024, 3, 1), D(2024, 3, 8), Pid(1))).State);
        var letter = AcceptedPetition(2, At(2024, 3, 1));
        var r = Rollup.Compute("t", 2024, D(2024, 12, 31), [hotline, letter], Policy);
        Assert.Equal(2, r.Petitions.Registered);
        Assert.Equal(1, r.Hotline12345.Registered);
        Assert.Equal(1, r.Petitions.ByChannel["hotline12345"]);
        Assert.Equal(1, r.Hotline12345.OverdueNow); // platform date 2024-03-08 passed while awaiting acceptance
    }

    [Fact]
    public void Rollups_RoundTripThroughJson_WithTheApiShape()
    {
        var t = Rollup.Compute("tjz", 2024, D(2024, 12, 14), [AcceptedPetition(1, At(2024, 3, 1), At(2024, 3, 9)), ResolvedDispute(1, At(2024, 3, 1))], Policy);
        var county = Rollup.Combine("county-1", 2024, D(2024, 12, 14), [t]);
        var json = JsonSerializer.Serialize(county, DomainJson.Options);
        Assert.Equal(county, JsonSerializer.Deserialize<CountyRollup>(json, DomainJson.Options));
        Assert.Equal(t, JsonSerializer.Deserialize<TownshipRollup>(JsonSerializer.Serialize(t, DomainJson.Options), DomainJson.Options));
        Assert.Contains("\"asOf\":\"2024-12-14\"", json, StringComparison.Ordinal);
        Assert.Contains("\"onTimeRate\":{\"value\":1,\"numerator\":1,\"denominator\":1,\"formula\":\"concludedOnTime / concluded\"}", json, StringComparison.Ordinal);
        Assert.Contains("\"byChannel\":{\"assignedByHigherLevel\":0,", json, StringComparison.Ordinal);
        Assert.Contains("\"resolutionRate\":{\"value\":1,", json, StringComparison.Ordinal);
        Assert.Contains("\"townships\":[{\"scope\":\"tjz\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicCells_HideSmallCounts()
    {
        var cells = Rollup.PublicCells(new CountTable([new("邻里", 12), new("医疗", 2), new("其他", 0)]));
        Assert.Equal(12, cells["邻里"]);
        Assert.Null(cells["医疗"]);
        Assert.Equal(0, cells["其他"]);
    }
}
