using CaseGrains.Server.Auth;
using CaseGrains.Server.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Orleans.Dashboard;

namespace CaseGrains.Server.Operations;

/// <summary>
/// <c>/dashboard</c>: Orleans' dashboard (silos, grains, calls, reminders) for admins only, on every node (a gateway
/// node hosts it as an Orleans client, reading the silos' dashboard grains). It shows
/// grain state, which holds personal data, so every one of its routes requires <see cref="Policies.Administer"/>.
/// A browser cannot put a bearer header on a page it navigates to, so an admin first calls
/// <c>POST /api/dashboard/session</c> with the admin token (from <c>/docs</c>, say); the answer sets a ticket cookie
/// that is short-lived (<see cref="Lifetime"/>), HttpOnly (no script reads it), SameSite=Strict (no other site's
/// page can make the browser send it) and limited to <c>/dashboard</c> (it never reaches <c>/api</c>). The ticket is
/// a token of its own audience, so it cannot stand in for the admin's API token, and it is signed with the
/// deployment's key, so every node behind the balancer accepts it.
/// </summary>
internal static class DashboardApi
{
    /// <summary>Where the dashboard is served.</summary>
    public const string Path = "/dashboard";

    /// <summary>The ticket cookie.</summary>
    public const string CookieName = "casegrains-dashboard";

    /// <summary>The authentication scheme that reads the ticket cookie.</summary>
    public const string Scheme = "dashboard-ticket";

    /// <summary>The ticket's audience: no API endpoint accepts it.</summary>
    public const string Audience = "casegrains-dashboard";

    /// <summary>How long a ticket (and its cookie) lasts: an operator's look, not a working day.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public static void AddOperationsDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DashboardTickets>();
        builder.Services.AddAuthentication().AddJwtBearer(Scheme);
        builder.Services.AddOptions<JwtBearerOptions>(Scheme).Configure<DashboardTickets, IOptions<AuthOptions>>((jwt, tickets, auth) =>
        {
            jwt.MapInboundClaims = false;
            jwt.RequireHttpsMetadata = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = auth.Value.Issuer,
                ValidAudience = Audience,
                NameClaimType = "name",
                RoleClaimType = Caller.RoleClaim,
                IssuerSigningKey = tickets.Key,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            jwt.Events = new JwtBearerEvents
            {
                // The ticket comes in the cookie, never in a header: an API token is no dashboard ticket and the other way round.
                OnMessageReceived = context =>
                {
                    context.Token = context.Request.Cookies[CookieName];
                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    await Problems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, GatewayErrors.Unauthorized, "Unauthorized",
                        $"Open a dashboard session first: POST /api/dashboard/session with an admin token, then open {Path}/ within {Lifetime.TotalMinutes:F0} minutes.");
                },
                OnForbidden = context => Problems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, GatewayErrors.Forbidden, "Forbidden",
                    "Only admins may open the dashboard."),
            };
        });
    }

    public static void MapOperationsDashboard(this WebApplication app)
    {
        app.MapPost("/api/dashboard/session", OpenSession)
            .RequireAuthorization(Policies.Administer)
            .WithTag("Operations", "For operators: the Orleans cluster behind the service.")
            .Documented("Open a dashboard session",
                $"Sets an HttpOnly, SameSite=Strict cookie, limited to `{Path}`, holding a ticket good for {Lifetime.TotalMinutes:F0} minutes, so that a browser "
                + $"can open the Orleans dashboard at `{Path}/` (it shows grain state, which holds personal data). The ticket opens nothing under `/api`. "
                + "Every node serves the dashboard, silos and gateway nodes alike. Admins only.")
            .WithName("OpenDashboardSession")
            .Produces<DashboardSessionView>();

        // Every node serves it: a silo from its own dashboard services, a gateway node as a client of the silos' dashboard grains.
        app.MapOrleansDashboard(Path)
            .RequireAuthorization(new AuthorizeAttribute(Policies.Administer) { AuthenticationSchemes = Scheme })
            .ExcludeFromDescription();
    }

    private static Ok<DashboardSessionView> OpenSession(Caller caller, HttpContext http, DashboardTickets tickets, IOptions<AuthOptions> auth, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var ticket = TokenMinter.Mint(tickets.KeyBytes, Roles.Admin, subject: caller.Subject, lifetime: Lifetime,
            issuer: auth.Value.Issuer, audience: Audience, now: now);
        // Behind a TLS-terminating balancer the request arrives as http; the cookie is Secure whenever the browser used https.
        var https = http.Request.IsHttps || string.Equals(http.Request.Headers["X-Forwarded-Proto"], "https", StringComparison.OrdinalIgnoreCase);
        http.Response.Cookies.Append(CookieName, ticket, new CookieOptions
        {
            Path = Path,
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = https,
            MaxAge = Lifetime,
            IsEssential = true,
        });
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new DashboardSessionView(Path + "/", now + Lifetime));
    }
}

/// <summary>The key that signs and checks dashboard tickets, read once.</summary>
internal sealed class DashboardTickets(IOptions<AuthOptions> auth)
{
    private readonly Lazy<byte[]> _key = new(() => SigningKeys.ForTickets(auth.Value));

    public byte[] KeyBytes => _key.Value;

    public SymmetricSecurityKey Key => new(KeyBytes);
}

/// <summary>A dashboard session: where to go, and until when the ticket cookie lasts.</summary>
/// <param name="Dashboard">The dashboard's path (<c>/dashboard/</c>).</param>
/// <param name="ExpiresAt">When the ticket and its cookie expire.</param>
public sealed record DashboardSessionView(string Dashboard, DateTimeOffset ExpiresAt);
