using CaseGrains.Domain.Deadlines;
using Microsoft.Extensions.Options;

namespace CaseGrains.Server.Infrastructure;

/// <summary>How deadlines are counted in this deployment (section <c>Deadlines</c>). Practice, not law, lives here.</summary>
public sealed class DeadlineOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Deadlines";

    /// <summary>The deployment's time zone: deadlines are dates there.</summary>
    public string TimeZone { get; set; } = DeadlineSettings.DefaultTimeZoneId;

    /// <summary>Move a last day that falls on a public holiday to the next working day (off by default: plain "日" are calendar days).</summary>
    public bool RollForwardHolidays { get; set; }

    /// <summary>Use the official holiday schedule shipped with the service.</summary>
    public bool UseOfficialHolidaySchedule { get; set; } = true;

    /// <summary>An extra holiday schedule file (lines <c>2026-10-01 holiday</c> / <c>2026-10-11 workday</c>), merged over the official one.</summary>
    public string? HolidayFile { get; set; }

    /// <summary>Headcount at or above which a visit is collective (集体访); practice, not law.</summary>
    public int CollectiveThreshold { get; set; } = DeadlineSettings.DefaultCollectiveThreshold;

    /// <summary>Days left at or below which a deadline is "due soon".</summary>
    public int DueSoonDays { get; set; } = DeadlineSettings.DefaultDueSoonDays;

    /// <summary>Whether 基本满意 counts as satisfied in the satisfaction rate.</summary>
    public bool BasicallySatisfiedCountsAsSatisfied { get; set; } = true;

    /// <summary>Default days to settle a dispute from acceptance (《人民调解工作若干规定》 art. 33: one month).</summary>
    public int DisputeDefaultDays { get; set; } = DeadlineSettings.DefaultDisputeDays;

    /// <summary>Per-category dispute limits, by category name.</summary>
    public Dictionary<string, int> DisputeDaysByCategory { get; set; } = [];

    /// <summary>The domain settings these options describe.</summary>
    public DeadlineSettings ToSettings()
    {
        var holidays = UseOfficialHolidaySchedule ? HolidayCalendar.China : HolidayCalendar.Empty;
        if (!string.IsNullOrWhiteSpace(HolidayFile))
        {
            holidays = holidays.Merge(HolidayCalendar.Parse(File.ReadAllText(HolidayFile)));
        }
        return new DeadlineSettings
        {
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone),
            RollForwardHolidays = RollForwardHolidays,
            Holidays = holidays,
            CollectiveThreshold = CollectiveThreshold,
            DueSoonDays = DueSoonDays,
            BasicallySatisfiedCountsAsSatisfied = BasicallySatisfiedCountsAsSatisfied,
            DisputeDefaultDays = DisputeDefaultDays,
            DisputeDaysByCategory = DisputeDaysByCategory,
        };
    }
}

/// <summary>Checks <see cref="DeadlineOptions"/> at start-up by building the domain settings.</summary>
public sealed class DeadlineOptionsValidator : IValidateOptions<DeadlineOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DeadlineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            var problems = options.ToSettings().Validate();
            return problems.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(problems.Select(p => "Deadlines: " + p));
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or IOException or FormatException or UnauthorizedAccessException)
        {
            return ValidateOptionsResult.Fail($"Deadlines: {ex.Message}");
        }
    }
}
