using CaseGrains.Domain.Disputes;

namespace CaseGrains.Domain.Deadlines;

/// <summary>
/// 期限计算 — counts days the way the regulations do, under the configured settings: calendar
/// days, the start day not counted, a due date being a local date in the deployment time zone,
/// and a case overdue from the first instant after that date.
/// </summary>
public sealed class DeadlinePolicy
{
    /// <summary>Wraps validated settings.</summary>
    /// <exception cref="ArgumentException">The settings are not usable.</exception>
    public DeadlinePolicy(DeadlineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = settings.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid deadline settings: " + string.Join(" ", problems), nameof(settings));
        }

        Settings = settings;
        RuleSetsByDate = [.. settings.RuleSets.OrderBy(r => r.EffectiveFrom)];
    }

    /// <summary>The defaults: Asia/Shanghai, no roll-forward, both regulations.</summary>
    public static DeadlinePolicy Default { get; } = new(new DeadlineSettings());

    /// <summary>The settings in force.</summary>
    public DeadlineSettings Settings { get; }

    private IReadOnlyList<DeadlineRuleSet> RuleSetsByDate { get; }

    /// <summary>The local calendar date of an instant in the deployment time zone.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Settings.TimeZone).DateTime);

    /// <summary>
    /// The last day of a limit of <paramref name="days"/> calendar days counted from
    /// <paramref name="start"/>, the start day not counted ("自…之日起N日内" ends on start + N). With
    /// <see cref="DeadlineSettings.RollForwardHolidays"/>, a last day that is not a working day moves
    /// to the next working day.
    /// </summary>
    public DateOnly DueAfter(DateOnly start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var due = start.AddDays(days);
        return Settings.RollForwardHolidays && !Settings.Holidays.IsWorkingDay(due)
            ? Settings.Holidays.NextWorkingDay(due)
            : due;
    }

    /// <summary>The rule set for a case received on <paramref name="registeredOn"/>: the latest one in force that day (the earliest one for older dates).</summary>
    public DeadlineRuleSet RuleSetFor(DateOnly registeredOn)
    {
        var chosen = RuleSetsByDate[0];
        foreach (var r in RuleSetsByDate)
        {
            if (r.EffectiveFrom <= registeredOn)
            {
                chosen = r;
            }
        }

        return chosen;
    }

    /// <summary>The rule set with this stored name, or null when the configuration no longer has it.</summary>
    public DeadlineRuleSet? RuleSetNamed(string? name) =>
        RuleSetsByDate.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));

    /// <summary>The first instant after the local date <paramref name="dueOn"/>: overdue from then on.</summary>
    public DateTimeOffset EndOfDay(DateOnly dueOn)
    {
        var tz = Settings.TimeZone;
        var local = dueOn.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

        // Zones with daylight saving may skip local midnight: the day then starts at the first valid minute.
        var guard = 0;
        while (tz.IsInvalidTime(local) && guard++ < 24 * 60)
        {
            local = local.AddMinutes(1);
        }

        // An ambiguous midnight occurs twice; the earlier occurrence (the larger offset) starts the day.
        var offset = tz.IsAmbiguousTime(local) ? tz.GetAmbiguousTimeOffsets(local).Max() : tz.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>True from the first instant after <paramref name="dueOn"/> (local).</summary>
    public bool IsOverdue(DateOnly dueOn, DateTimeOffset now) => now >= EndOfDay(dueOn);

    /// <summary>Local days past <paramref name="dueOn"/>; 0 when not overdue (1 on the day after the due date).</summary>
    public int DaysOverdue(DateOnly dueOn, DateTimeOffset now) =>
        IsOverdue(dueOn, now) ? Math.Max(1, LocalDate(now).DayNumber - dueOn.DayNumber) : 0;

    /// <summary>Local days until <paramref name="dueOn"/>: 0 on the day itself, and 0 when overdue (see <see cref="DaysOverdue"/>).</summary>
    public int DaysLeft(DateOnly dueOn, DateTimeOffset now) =>
        Math.Max(0, dueOn.DayNumber - LocalDate(now).DayNumber);

    /// <summary>Not overdue and no more than <see cref="DeadlineSettings.DueSoonDays"/> days left.</summary>
    public bool IsDueSoon(DateOnly dueOn, DateTimeOffset now) =>
        !IsOverdue(dueOn, now) && DaysLeft(dueOn, now) <= Settings.DueSoonDays;

    /// <summary>Where a clock stands at <paramref name="now"/>.</summary>
    public DeadlineStatus StatusOf(DeadlineKind kind, DateOnly dueOn, DateTimeOffset now) =>
        new(kind, dueOn, IsOverdue(dueOn, now), DaysOverdue(dueOn, now), DaysLeft(dueOn, now), IsDueSoon(dueOn, now));

    /// <summary>
    /// Days to settle a dispute: the <c>顶层/子类</c> category entry, else its top-level entry, else
    /// the planned procedure's entry, else the default.
    /// </summary>
    public int DisputeDaysFor(string category, MediationProcedure? procedure)
    {
        ArgumentNullException.ThrowIfNull(category);
        var byCategory = Settings.DisputeDaysByCategory;
        if (byCategory.TryGetValue(category, out var days) || byCategory.TryGetValue(DisputeCategories.TopLevel(category), out days))
        {
            return days;
        }

        if (procedure is { } p && Settings.DisputeDaysByProcedure.TryGetValue(p, out days))
        {
            return days;
        }

        return Settings.DisputeDefaultDays;
    }

    /// <summary>True when <paramref name="headcount"/> people make a collective petition (集体访).</summary>
    public bool IsCollective(int headcount) => headcount >= Settings.CollectiveThreshold;
}
