using Microsoft.Extensions.Options;

namespace CaseGrains.Runtime.Hosting;

/// <summary>How the host runs activations (section <c>Grains</c>).</summary>
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

    /// <summary>An activation idle this long is collected; the next call reactivates it from storage.</summary>
    public TimeSpan CollectionAge { get; set; } = DefaultCollectionAge;

    /// <summary>How often the host looks for idle activations.</summary>
    public TimeSpan CollectionInterval { get; set; } = DefaultCollectionInterval;

    /// <summary>How long a caller waits for a grain before giving up with a timeout.</summary>
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
        if (options.CollectionAge <= TimeSpan.Zero) failures.Add("Grains:CollectionAge must be positive.");
        if (options.CollectionInterval <= TimeSpan.Zero) failures.Add("Grains:CollectionInterval must be positive.");
        if (options.ResponseTimeout <= TimeSpan.Zero) failures.Add("Grains:ResponseTimeout must be positive.");
        if (options.MaxConflictRetries is < 1 or > 1000) failures.Add("Grains:MaxConflictRetries must be between 1 and 1000.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
