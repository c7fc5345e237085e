using Microsoft.Extensions.Options;

namespace CaseGrains.Grains;

/// <summary>How grains live and answer (section <c>Grains</c>).</summary>
public sealed class GrainOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Grains";

    /// <summary>Default idle age after which an activation is collected.</summary>
    public static readonly TimeSpan DefaultCollectionAge = TimeSpan.FromMinutes(15);

    /// <summary>Default interval between idle scans.</summary>
    public static readonly TimeSpan DefaultCollectionInterval = TimeSpan.FromMinutes(1);

    /// <summary>Default limit a caller waits for a grain's answer.</summary>
    public static readonly TimeSpan DefaultResponseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Default number of re-reads after version clashes before a command gives up.</summary>
    public const int DefaultMaxConflictRetries = 10;

    /// <summary>An activation idle this long is collected (Orleans' <c>GrainCollectionOptions.CollectionAge</c>);
    /// the next call reactivates it from its current-state row.</summary>
    public TimeSpan CollectionAge { get; set; } = DefaultCollectionAge;

    /// <summary>How often Orleans looks for idle activations (<c>GrainCollectionOptions.CollectionQuantum</c>).</summary>
    public TimeSpan CollectionInterval { get; set; } = DefaultCollectionInterval;

    /// <summary>How long a caller waits for a grain before giving up (Orleans' messaging response timeout).</summary>
    public TimeSpan ResponseTimeout { get; set; } = DefaultResponseTimeout;

    /// <summary>How many times a command re-reads and re-decides after losing a version race.</summary>
    public int MaxConflictRetries { get; set; } = DefaultMaxConflictRetries;
}

/// <summary>Checks <see cref="GrainOptions"/> at start-up.</summary>
public sealed class GrainOptionsValidator : IValidateOptions<GrainOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        // Orleans needs the collection age to exceed its scan quantum, or nothing would ever be old enough.
        if (options.CollectionAge < TimeSpan.FromSeconds(1)) failures.Add("Grains:CollectionAge must be at least 1 second.");
        if (options.CollectionInterval <= TimeSpan.Zero) failures.Add("Grains:CollectionInterval must be positive.");
        else if (options.CollectionAge <= options.CollectionInterval) failures.Add("Grains:CollectionAge must be longer than Grains:CollectionInterval.");
        if (options.ResponseTimeout <= TimeSpan.Zero) failures.Add("Grains:ResponseTimeout must be positive.");
        if (options.MaxConflictRetries is < 1 or > 1000) failures.Add("Grains:MaxConflictRetries must be between 1 and 1000.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
