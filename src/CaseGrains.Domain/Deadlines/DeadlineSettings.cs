using CaseGrains.Domain.Disputes;

namespace CaseGrains.Domain.Deadlines;

/// <summary>
/// 时限与统计设置 — everything about counting days and cases that is configuration rather than
/// law: the time zone, the holiday roll-forward, rule-set versions, the collective threshold,
/// what counts as satisfied, dispute limits and categories. Defaults are the named constants.
/// </summary>
public sealed record DeadlineSettings
{
    /// <summary>IANA id of the default time zone.</summary>
    public const string DefaultTimeZoneId = "Asia/Shanghai";

    /// <summary>集体访 — headcount at or over this marks a collective petition (practice, not law).</summary>
    public const int DefaultCollectiveThreshold = 5;

    /// <summary>Alert as "due soon" with this many days or fewer left.</summary>
    public const int DefaultDueSoonDays = 3;

    /// <summary>《人民调解工作若干规定》 art. 33: settle within one month, taken as 30 days.</summary>
    public const int DefaultDisputeDays = 30;

    /// <summary>The longest single extension of a dispute's limit.</summary>
    public const int DefaultDisputeMaxExtensionDays = 30;

    /// <summary>Instants this far past "now" are still accepted (clock skew between devices).</summary>
    public static readonly TimeSpan DefaultMaxFutureSkew = TimeSpan.FromMinutes(5);

    /// <summary>China Standard Time. Falls back to a fixed UTC+8 zone where the host lacks tz data (China has kept UTC+8 without DST since 1991).</summary>
    public static TimeZoneInfo ShanghaiTimeZone { get; } = ResolveShanghai();

    /// <summary>The deployment time zone; a due date is a local date in it.</summary>
    public TimeZoneInfo TimeZone { get; init; } = ShanghaiTimeZone;

    /// <summary>Move a last day that is not a working day to the next working day (default: do not; the regulations count calendar days).</summary>
    public bool RollForwardHolidays { get; init; }

    /// <summary>The holiday schedule used by the roll-forward; loaded as data.</summary>
    public HolidayCalendar Holidays { get; init; } = HolidayCalendar.Empty;

    /// <summary>Versions of the statutory limits; a case uses the latest one in force on the day it was received.</summary>
    public IReadOnlyList<DeadlineRuleSet> RuleSets { get; init; } = [DeadlineRuleSet.Regulation2005, DeadlineRuleSet.Regulation2022];

    /// <summary>Headcount at or over which a petition is collective (集体访).</summary>
    public int CollectiveThreshold { get; init; } = DefaultCollectiveThreshold;

    /// <summary>Whether 基本满意 counts as satisfied in the satisfaction rate.</summary>
    public bool BasicallySatisfiedCountsAsSatisfied { get; init; } = true;

    /// <summary>Days left at or under which a running deadline is "due soon".</summary>
    public int DueSoonDays { get; init; } = DefaultDueSoonDays;

    /// <summary>Days to settle a dispute from acceptance when nothing more specific is configured.</summary>
    public int DisputeDefaultDays { get; init; } = DefaultDisputeDays;

    /// <summary>Days to settle by category; a <c>顶层/子类</c> key wins over its top level, which wins over the procedure.</summary>
    public IReadOnlyDictionary<string, int> DisputeDaysByCategory { get; init; } = new Dictionary<string, int>();

    /// <summary>Days to settle by the procedure planned at acceptance (simple/general), used when no category entry applies.</summary>
    public IReadOnlyDictionary<MediationProcedure, int> DisputeDaysByProcedure { get; init; } = new Dictionary<MediationProcedure, int>();

    /// <summary>The longest extension of a dispute's limit (granted once, with the parties' consent).</summary>
    public int DisputeMaxExtensionDays { get; init; } = DefaultDisputeMaxExtensionDays;

    /// <summary>The configurable two-level dispute category list.</summary>
    public IReadOnlyList<DisputeCategory> DisputeCategories { get; init; } = Deadlines.DisputeCategories.Default;

    /// <summary>An instant later than now plus this is "in the future" and refused.</summary>
    public TimeSpan MaxFutureSkew { get; init; } = DefaultMaxFutureSkew;

    /// <summary>Everything wrong with these settings, empty when they are usable; for the start-up validator.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (TimeZone is null)
        {
            problems.Add("TimeZone is required.");
        }

        if (Holidays is null)
        {
            problems.Add("Holidays is required (use HolidayCalendar.Empty for none).");
        }

        if (RuleSets is null || RuleSets.Count == 0)
        {
            problems.Add("At least one rule set is required.");
        }
        else
        {
            if (RuleSets.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count() != RuleSets.Count)
            {
                problems.Add("Rule set names must be unique.");
            }

            if (RuleSets.Select(r => r.EffectiveFrom).Distinct().Count() != RuleSets.Count)
            {
                problems.Add("Rule set effective dates must be unique.");
            }

            foreach (var r in RuleSets)
            {
                if (string.IsNullOrWhiteSpace(r.Name))
                {
                    problems.Add("A rule set has no name.");
                }

                if (new[] { r.AcceptanceNoticeDays, r.HandlingDays, r.MaxExtensionDays, r.ReviewRequestDays, r.ReviewAnswerDays, r.RecheckRequestDays, r.RecheckAnswerDays }.Any(d => d < 1))
                {
                    problems.Add($"Rule set {r.Name}: every limit must be at least one day.");
                }
            }
        }

        if (CollectiveThreshold < 2)
        {
            problems.Add("CollectiveThreshold must be at least 2.");
        }

        if (DueSoonDays < 0)
        {
            problems.Add("DueSoonDays must not be negative.");
        }

        if (DisputeDefaultDays < 1)
        {
            problems.Add("DisputeDefaultDays must be at least 1.");
        }

        if (DisputeMaxExtensionDays < 1)
        {
            problems.Add("DisputeMaxExtensionDays must be at least 1.");
        }

        if (DisputeDaysByCategory is null || DisputeDaysByCategory.Values.Any(d => d < 1))
        {
            problems.Add("DisputeDaysByCategory values must be at least 1.");
        }

        if (DisputeDaysByProcedure is null || DisputeDaysByProcedure.Values.Any(d => d < 1))
        {
            problems.Add("DisputeDaysByProcedure values must be at least 1.");
        }

        if (DisputeCategories is null || DisputeCategories.Count == 0)
        {
            problems.Add("At least one dispute category is required.");
        }
        else
        {
            if (DisputeCategories.Any(c => string.IsNullOrWhiteSpace(c.Name) || c.Name.Contains(Deadlines.DisputeCategories.Separator, StringComparison.Ordinal)))
            {
                problems.Add("Dispute category names must be non-empty and must not contain '/'.");
            }

            if (DisputeCategories.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != DisputeCategories.Count)
            {
                problems.Add("Dispute category names must be unique.");
            }

            if (DisputeDaysByCategory is not null)
            {
                foreach (var key in DisputeDaysByCategory.Keys)
                {
                    if (!Deadlines.DisputeCategories.TryNormalize(DisputeCategories, key, out var canonical) || canonical != key)
                    {
                        problems.Add($"DisputeDaysByCategory: '{key}' is not a configured category.");
                    }
                }
            }
        }

        if (MaxFutureSkew < TimeSpan.Zero)
        {
            problems.Add("MaxFutureSkew must not be negative.");
        }

        return problems;
    }

    private static TimeZoneInfo ResolveShanghai()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(DefaultTimeZoneId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.CreateCustomTimeZone(DefaultTimeZoneId, TimeSpan.FromHours(8), "China Standard Time", "China Standard Time");
        }
    }
}
