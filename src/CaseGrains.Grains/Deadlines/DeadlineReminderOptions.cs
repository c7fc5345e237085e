using Microsoft.Extensions.Options;

namespace CaseGrains.Grains;

/// <summary>Deadline reminders (section <c>Reminders</c>): Orleans reminders, one per running deadline.</summary>
public sealed class DeadlineReminderOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Reminders";

    /// <summary>Default: how often Orleans re-reads the reminder table for the reminders its silo owns.</summary>
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromMinutes(5);

    /// <summary>How often each silo re-reads the reminder table (Orleans' <c>RefreshReminderListPeriod</c>).</summary>
    public TimeSpan RefreshInterval { get; set; } = DefaultRefreshInterval;

    /// <summary>Whether a starting silo wakes the cases whose deadline passed while no silo ran.</summary>
    public bool SweepOnStart { get; set; } = true;
}

/// <summary>Checks <see cref="DeadlineReminderOptions"/> at start-up.</summary>
public sealed class DeadlineReminderOptionsValidator : IValidateOptions<DeadlineReminderOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DeadlineReminderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.RefreshInterval < TimeSpan.FromSeconds(1) || options.RefreshInterval > TimeSpan.FromDays(1)
            ? ValidateOptionsResult.Fail("Reminders:RefreshInterval must be between 00:00:01 and 1.00:00:00.")
            : ValidateOptionsResult.Success;
    }
}
