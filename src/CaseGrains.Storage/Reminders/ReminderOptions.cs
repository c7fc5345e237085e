using Microsoft.Extensions.Options;

namespace CaseGrains.Runtime.Reminders;

/// <summary>How the node polls and leases durable reminders (section <c>Reminders</c>).</summary>
public sealed class ReminderOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Reminders";

    /// <summary>Default interval between polls.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Default lease: another node may take a reminder over once it runs out.</summary>
    public static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromMinutes(1);

    /// <summary>Default wait before a failed firing is tried again.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(10);

    /// <summary>Default number of reminders leased per poll.</summary>
    public const int DefaultBatchSize = 100;

    /// <summary>Whether this node fires reminders at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the node asks the store for due reminders.</summary>
    public TimeSpan PollInterval { get; set; } = DefaultPollInterval;

    /// <summary>How long a leased reminder is held before another node may fire it.</summary>
    public TimeSpan LeaseDuration { get; set; } = DefaultLeaseDuration;

    /// <summary>How long a failed firing waits before the next try.</summary>
    public TimeSpan RetryDelay { get; set; } = DefaultRetryDelay;

    /// <summary>How many reminders one poll leases.</summary>
    public int BatchSize { get; set; } = DefaultBatchSize;
}

/// <summary>Checks <see cref="ReminderOptions"/> at start-up.</summary>
public sealed class ReminderOptionsValidator : IValidateOptions<ReminderOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ReminderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.PollInterval <= TimeSpan.Zero) failures.Add("Reminders:PollInterval must be positive.");
        if (options.LeaseDuration <= options.PollInterval) failures.Add("Reminders:LeaseDuration must be longer than the poll interval.");
        if (options.RetryDelay <= TimeSpan.Zero) failures.Add("Reminders:RetryDelay must be positive.");
        if (options.BatchSize is < 1 or > 10_000) failures.Add("Reminders:BatchSize must be between 1 and 10000.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
