using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Rollups;
using static CaseGrains.Domain.Tests.Kit;

namespace CaseGrains.Domain.Tests;

/// <summary>The months of a township's year: received, concluded and in progress per month, never at odds with the year rollup.</summary>
public sealed class MonthlyFiguresTests
{
    private static string Pid(int n, int year = 2024) => CaseNumber.Format(year, CaseKind.Petition, n);

    private static string Did(int n, int year = 2024) => CaseNumber.Format(year, CaseKind.Dispute, n);

    private static CaseSummary Petition(int n, DateTimeOffset receivedAt, DateTimeOffset? acceptedAt = null, DateTimeOffset? concludedAt = null,
        DateTimeOffset? withdrawnAt = null, DateTimeOffset? declinedAt = null)
    {
        var c = new PetitionCase().Do(RegisterPetition(receivedAt, Pid(n, receivedAt.Year)));
        if (declinedAt is { } declined)
        {
            c.Do(new DeclinePetition(declined, "属于诉讼事项", DeclineRoute.Litigation));
        }
        if (acceptedAt is { } accepted)
        {
            c.Do(new AcceptPetition(accepted));
        }
        if (concludedAt is { } concluded)
        {
            c.Do(new ConcludePetition(concluded, PetitionOutcome.Supported, "已答复"));
        }
        if (withdrawnAt is { } withdrawn)
        {
            c.Do(new WithdrawPetition(withdrawn, "信访人撤回"));
        }
        return Domain.Petitions.Petition.Summarize(c.State);
    }

    private static CaseSummary Dispute(int n, DateTimeOffset reportedAt, DateTimeOffset? acceptedAt = null, DateTimeOffset? resolvedAt = null, DateTimeOffset? failedAt = null)
    {
        var c = new DisputeCase().Do(RegisterDispute(reportedAt, Did(n, reportedAt.Year)));
        if (acceptedAt is { } accepted)
        {
            c.Do(new AcceptDispute(accepted));
        }
        if (resolvedAt is { } resolved)
        {
            c.Do(new ResolveDispute(resolved, MediationProcedure.Simple, AgreementForm.Oral));
        }
        if (failedAt is { } failed)
        {
            c.Do(new FailDispute(failed, ReferralRoute.Litigation, "告知起诉"));
        }
        return Domain.Disputes.Dispute.Summarize(c.State);
    }

    private static MonthFigures Month(IReadOnlyList<MonthFigures> months, int month) => months.Single(m => m.Month == month);

    [Fact]
    public void Bars_count_receipts_and_conclusions_in_their_month_and_what_is_open_at_each_month_end()
    {
        var cases = new[]
        {
            Petition(1, At(2024, 1, 10), At(2024, 1, 11), At(2024, 2, 20)),
            Petition(2, At(2024, 1, 31, 23, 30), At(2024, 2, 1)),
            Petition(3, At(2024, 3, 5), declinedAt: At(2024, 3, 6)),
            Dispute(1, At(2024, 2, 1), At(2024, 2, 1), resolvedAt: At(2024, 3, 1)),
            Dispute(2, At(2024, 2, 10), At(2024, 2, 10), failedAt: At(2024, 4, 30, 23, 59)),
        };

        var year = MonthlyFigures.Compute("t-1", 2024, D(2024, 12, 31), cases, Policy);

        Assert.Equal(Enumerable.Range(1, 12), year.Petitions.Select(m => m.Month));
        Assert.Equal(new MonthFigures(1, 2, 0, 1), Month(year.Petitions, 1));
        Assert.Equal(new MonthFigures(2, 0, 1, 1), Month(year.Petitions, 2));
        // A declined petition is received but never concluded nor in progress.
        Assert.Equal(new MonthFigures(3, 1, 0, 1), Month(year.Petitions, 3));
        Assert.Equal(new MonthFigures(12, 0, 0, 1), Month(year.Petitions, 12));

        Assert.Equal(new MonthFigures(2, 2, 0, 2), Month(year.Disputes, 2));
        Assert.Equal(new MonthFigures(3, 0, 1, 1), Month(year.Disputes, 3));
        // 调解不成 ends the mediation, so it is concluded in the month it happened (late on the last day, local time).
        Assert.Equal(new MonthFigures(4, 0, 1, 0), Month(year.Disputes, 4));
        Assert.Equal(new MonthFigures(5, 0, 0, 0), Month(year.Disputes, 5));
    }

    [Fact]
    public void Over_a_whole_year_the_months_add_up_to_the_year_rollup_and_each_month_end_is_the_rollup_as_of_that_day()
    {
        var rng = new Random(20241231);
        var cases = new List<CaseSummary>();
        for (var n = 1; n <= 120; n++)
        {
            var received = At(2024, 1, 1).AddHours(rng.Next(0, 24 * 360));
            var accepted = rng.Next(4) == 0 ? (DateTimeOffset?)null : received.AddDays(rng.Next(0, 10));
            var concluded = accepted is { } a && rng.Next(3) > 0 ? a.AddDays(rng.Next(1, 80)) : (DateTimeOffset?)null;
            var withdrawn = accepted is { } w && concluded is null && rng.Next(5) == 0 ? w.AddDays(rng.Next(1, 30)) : (DateTimeOffset?)null;
            cases.Add(Petition(n, received, accepted, concluded, withdrawn));
        }
        for (var n = 1; n <= 80; n++)
        {
            var reported = At(2024, 1, 1).AddHours(rng.Next(0, 24 * 360));
            var accepted = rng.Next(5) == 0 ? (DateTimeOffset?)null : reported.AddDays(rng.Next(0, 5));
            var ended = reported.AddDays(rng.Next(5, 60));
            var resolved = accepted is not null && rng.Next(3) > 0 ? ended : (DateTimeOffset?)null;
            var failed = resolved is null && rng.Next(3) == 0 ? ended : (DateTimeOffset?)null;
            cases.Add(Dispute(n, reported, accepted, resolved, failed));
        }
        // Another year's cases are in no month of this one.
        cases.Add(Petition(1, At(2023, 12, 30), At(2023, 12, 31), At(2024, 1, 5)));
        cases.Add(Dispute(1, At(2025, 1, 2)));

        var months = MonthlyFigures.Compute("t-1", 2024, D(2024, 12, 31), cases, Policy);
        var year = Rollup.Compute("t-1", 2024, D(2024, 12, 31), cases, Policy);

        Assert.Equal(year.Petitions.Registered, months.Petitions.Sum(m => m.Received));
        Assert.Equal(year.Petitions.Concluded, months.Petitions.Sum(m => m.Concluded));
        Assert.Equal(year.Disputes.Registered, months.Disputes.Sum(m => m.Received));
        Assert.Equal(year.Disputes.Resolved + year.Disputes.Failed, months.Disputes.Sum(m => m.Concluded));
        Assert.All(months.Petitions.Concat(months.Disputes), m => Assert.True(m.Received >= 0 && m.Concluded >= 0, m.ToString()));
        for (var month = 1; month <= 12; month++)
        {
            var end = new DateOnly(2024, month, 1).AddMonths(1).AddDays(-1);
            var asOfEnd = Rollup.Compute("t-1", 2024, end, cases, Policy);
            Assert.Equal(asOfEnd.Petitions.InProgress, Month(months.Petitions, month).InProgressAtMonthEnd);
            Assert.Equal(asOfEnd.Disputes.InProgress, Month(months.Disputes, month).InProgressAtMonthEnd);
        }
        // Order does not matter.
        Assert.Equal(months, MonthlyFigures.Compute("t-1", 2024, D(2024, 12, 31), Enumerable.Reverse(cases), Policy));
    }

    [Fact]
    public void Part_of_a_year_stops_at_the_as_of_date_and_later_months_have_no_month_end_yet()
    {
        var cases = new[]
        {
            Petition(1, At(2024, 5, 2), At(2024, 5, 3), At(2024, 5, 20)),
            Petition(2, At(2024, 5, 10), At(2024, 5, 11)),
            // Received after the as-of date, in the same month.
            Petition(3, At(2024, 5, 16), At(2024, 5, 16)),
        };

        var months = MonthlyFigures.Compute("t-1", 2024, D(2024, 5, 15), cases, Policy);

        Assert.Equal(D(2024, 5, 15), months.AsOf);
        Assert.Equal(new MonthFigures(4, 0, 0, 0), Month(months.Petitions, 4));
        // As of the 15th: two received, the conclusion on the 20th not yet, both open.
        Assert.Equal(new MonthFigures(5, 2, 0, 2), Month(months.Petitions, 5));
        Assert.Equal(new MonthFigures(6, 0, 0, null), Month(months.Petitions, 6));
        Assert.Equal(new MonthFigures(12, 0, 0, null), Month(months.Disputes, 12));
        Assert.All(MonthlyFigures.Compute("t-1", 2025, D(2024, 12, 31), cases, Policy).Petitions, m => Assert.Null(m.InProgressAtMonthEnd));
    }

    [Fact]
    public void An_empty_township_has_twelve_empty_months()
    {
        var months = MonthlyFigures.Compute("t-1", 2024, D(2024, 12, 31), [], Policy);
        Assert.Equal(12, months.Petitions.Count);
        Assert.All(months.Petitions.Concat(months.Disputes), m => Assert.Equal(new MonthFigures(m.Month, 0, 0, 0), m));
    }
}
