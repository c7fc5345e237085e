using Microsoft.Extensions.Options;

namespace CaseGrains.Server.Infrastructure;

/// <summary>Per-caller request budget (section <c>RateLimit</c>): a token bucket per token subject, or per address without one.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "RateLimit";

    /// <summary>Default sustained rate.</summary>
    public const int DefaultPermitsPerMinute = 1200;

    /// <summary>Default burst.</summary>
    public const int DefaultBurst = 200;

    /// <summary>Requests per minute a caller may make on average.</summary>
    public int PermitsPerMinute { get; set; } = DefaultPermitsPerMinute;

    /// <summary>Requests a caller may make at once.</summary>
    public int Burst { get; set; } = DefaultBurst;
}

/// <summary>Checks <see cref="RateLimitOptions"/> at start-up.</summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.PermitsPerMinute < 1 || options.Burst < 1
            ? ValidateOptionsResult.Fail("RateLimit:PermitsPerMinute and RateLimit:Burst must be positive.")
            : ValidateOptionsResult.Success;
    }
}
