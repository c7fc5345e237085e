using Microsoft.Extensions.Options;

namespace CaseGrains.Server.Auth;

/// <summary>How callers prove who they are (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Auth";

    /// <summary>The token issuer a self-hosted deployment signs as.</summary>
    public const string DefaultIssuer = "casegrains";

    /// <summary>The audience every token must name.</summary>
    public const string DefaultAudience = "casegrains-api";

    /// <summary>Where the embedded default keeps the random key it creates on first start.</summary>
    public const string DefaultKeyFile = "data/signing-key";

    /// <summary>Smallest HS256 key accepted, in bytes.</summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>HS256 key, base64, 32 bytes or more. When empty (and no authority), a random key is kept in <see cref="KeyFile"/>.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OIDC authority whose tokens are accepted instead of self-signed ones.</summary>
    public string? Authority { get; set; }

    /// <summary>Expected issuer of self-signed tokens.</summary>
    public string Issuer { get; set; } = DefaultIssuer;

    /// <summary>Expected audience.</summary>
    public string Audience { get; set; } = DefaultAudience;

    /// <summary>File holding the generated key when none is configured.</summary>
    public string KeyFile { get; set; } = DefaultKeyFile;
}

/// <summary>Checks <see cref="AuthOptions"/> at start-up.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.SigningKey) && SigningKeys.TryDecode(options.SigningKey) is null)
        {
            failures.Add($"Auth:SigningKey must be base64 of at least {AuthOptions.MinimumKeyBytes} bytes.");
        }
        if (!string.IsNullOrWhiteSpace(options.Authority) && !Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
        {
            failures.Add("Auth:Authority must be an absolute URL.");
        }
        if (string.IsNullOrWhiteSpace(options.Issuer)) failures.Add("Auth:Issuer is required.");
        if (string.IsNullOrWhiteSpace(options.Audience)) failures.Add("Auth:Audience is required.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
