using CaseGrains.Domain.Deadlines;

namespace CaseGrains.Domain.Rollups;

/// <summary>
/// 月度统计 — one month of a year's cases, for the bars of a township's year: how many were received
/// (登记) in the month, how many were concluded (办结; for disputes 化解 or 调解不成) in it, and how
/// many were in progress (在办) at its end.
/// </summary>
/// <param name="Month">1 to 12.</param>
/// <param name="Received">Registered in the month (received, or reported for a dispute).</param>
/// <param name="Concluded">Concluded in the month: petitions answered; disputes resolved or failed.</param>
/// <param name="InProgressAtMonthEnd">In progress at the end of the month, or at the end of the as-of date when that comes first;
/// null for a month that had not begun by the as-of date.</param>
public sealed record MonthFigures(int Month, int Received, int Concluded, int? InProgressAtMonthEnd);

/// <summary>乡镇月度统计 — a township's year month by month, as of a date.</summary>
/// <param name="Scope">The township id.</param>
/// <param name="Petitions">Twelve months of petitions (信访件, 12345 work orders included).</param>
/// <param name="Disputes">Twelve months of disputes (矛盾纠纷).</param>
public sealed record MonthlyRollup(string Scope, int Year, DateOnly AsOf, IReadOnlyList<MonthFigures> Petitions, IReadOnlyList<MonthFigures> Disputes)
{
    /// <summary>Compares the months by content.</summary>
    public bool Equals(MonthlyRollup? other) =>
        other is not null
        && Scope == other.Scope
        && Year == other.Year
        && AsOf == other.AsOf
        && Petitions.SequenceEqual(other.Petitions)
        && Disputes.SequenceEqual(other.Disputes);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Scope, Year, AsOf, Petitions.Count, Disputes.Count);
}

/// <summary>
/// The monthly math. Each month is the year rollup (<see cref="Rollup.Compute"/>) taken as of the month's
/// last day (or the as-of date, if earlier) minus the one taken as of the month before, so the bars can
/// never disagree with the year's figures: over a whole year the months' received add up to
/// <c>registered</c>, their concluded to <c>concluded</c> (disputes: <c>resolved + failed</c>), and
/// December's in-progress is <c>inProgress</c>. Like the year rollup, a case counts in the year it was
/// registered, so a conclusion in the next January is in no month of this year.
/// </summary>
public static class MonthlyFigures
{
    /// <summary>The months of <paramref name="year"/> as they stood at the end of <paramref name="asOf"/>.</summary>
    public static MonthlyRollup Compute(string scope, int year, DateOnly asOf, IEnumerable<CaseSummary> cases, DeadlinePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(policy);
        // Only the year's cases can count; the rollup below would skip the others twelve times over.
        var ofYear = cases.Where(c => c.Year == year).ToList();
        var petitions = new List<MonthFigures>(12);
        var disputes = new List<MonthFigures>(12);
        TownshipRollup? before = null;
        for (var month = 1; month <= 12; month++)
        {
            var first = new DateOnly(year, month, 1);
            if (first > asOf)
            {
                // Not begun by the as-of date: nothing received or concluded, and nothing to say about its end yet.
                petitions.Add(new MonthFigures(month, 0, 0, null));
                disputes.Add(new MonthFigures(month, 0, 0, null));
                continue;
            }
            var end = first.AddMonths(1).AddDays(-1);
            var now = Rollup.Compute(scope, year, end < asOf ? end : asOf, ofYear, policy);
            petitions.Add(new MonthFigures(
                month,
                now.Petitions.Registered - (before?.Petitions.Registered ?? 0),
                now.Petitions.Concluded - (before?.Petitions.Concluded ?? 0),
                now.Petitions.InProgress));
            disputes.Add(new MonthFigures(
                month,
                now.Disputes.Registered - (before?.Disputes.Registered ?? 0),
                Ended(now.Disputes) - (before is null ? 0 : Ended(before.Disputes)),
                now.Disputes.InProgress));
            before = now;
        }

        return new MonthlyRollup(scope, year, asOf, petitions, disputes);
    }

    /// <summary>A dispute's mediation has ended either way: 化解 or 调解不成.</summary>
    private static int Ended(DisputeFigures figures) => figures.Resolved + figures.Failed;
}
