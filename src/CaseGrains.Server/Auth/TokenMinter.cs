using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CaseGrains.Server.Auth;

/// <summary>Signs HS256 tokens with the deployment's key (the <c>token</c> verb, and tests).</summary>
public static class TokenMinter
{
    /// <summary>A signed token for a caller.</summary>
    public static string Mint(
        byte[] key,
        string role,
        IEnumerable<string>? townships = null,
        IEnumerable<string>? counties = null,
        string? subject = null,
        string? name = null,
        TimeSpan? lifetime = null,
        string issuer = AuthOptions.DefaultIssuer,
        string audience = AuthOptions.DefaultAudience,
        DateTimeOffset? now = null)
    {
        var claims = new List<Claim>
        {
            new("sub", subject ?? $"{role}-{Guid.NewGuid().ToString("N")[..12]}"),
            new(Caller.RoleClaim, role),
        };
        if (!string.IsNullOrWhiteSpace(name))
        {
            claims.Add(new Claim("name", name));
        }
        claims.AddRange((townships ?? []).Select(t => new Claim(Caller.TownshipClaim, t)));
        claims.AddRange((counties ?? []).Select(c => new Claim(Caller.CountyClaim, c)));
        var issuedAt = (now ?? TimeProvider.System.GetUtcNow()).UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt.AddMinutes(-1),
            Expires = issuedAt + (lifetime ?? TimeSpan.FromHours(8)),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}
