using System.Security.Claims;

namespace CaseGrains.Server.Auth;

/// <summary>The authenticated caller as the API sees it: role and scope.</summary>
public sealed record Caller(string Subject, string Role, IReadOnlySet<string> Townships, IReadOnlySet<string> Counties)
{
    /// <summary>Claim types of the token.</summary>
    public const string TownshipClaim = "township";

    /// <summary>County scope claim.</summary>
    public const string CountyClaim = "county";

    /// <summary>Role claim.</summary>
    public const string RoleClaim = "role";

    /// <summary>Admins see everything.</summary>
    public bool IsAdmin => Role == Roles.Admin;

    /// <summary>Who may read personal data in full: the officers who handle the cases (and admins).</summary>
    public bool SeesPersonalData => Role is Roles.Officer or Roles.Admin;

    /// <summary>Reads the caller from the validated token.</summary>
    public static Caller From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var role = user.FindAll(RoleClaim).Select(c => c.Value).FirstOrDefault(Roles.All.Contains) ?? "";
        return new Caller(
            user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "unknown",
            role,
            user.FindAll(TownshipClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            user.FindAll(CountyClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
    }
}
