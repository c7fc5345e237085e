using CaseGrains.Server.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace CaseGrains.Server.Auth;

/// <summary>JWT bearer authentication and the role policies.</summary>
internal static class AuthSetup
{
    public static void AddGatewayAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) =>
            {
                var options = auth.Value;
                jwt.MapInboundClaims = false;
                jwt.RequireHttpsMetadata = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    NameClaimType = "name",
                    RoleClaimType = Caller.RoleClaim,
                    ClockSkew = TimeSpan.FromMinutes(1),
                };
                if (!string.IsNullOrWhiteSpace(options.Authority))
                {
                    jwt.Authority = options.Authority;
                }
                else
                {
                    jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(SigningKeys.Resolve(options));
                    jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }
                // A missing or bad token answers 401 as ProblemDetails, like every other error.
                jwt.Events = new JwtBearerEvents
                {
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        await Problems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, GatewayErrors.Unauthorized, "Unauthorized",
                            "A valid bearer token is required.");
                    },
                    OnForbidden = context => Problems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, GatewayErrors.Forbidden, "Forbidden",
                        "Your role may not do this."),
                };
            });
        builder.Services.AddAuthorization(options =>
        {
            foreach (var (policy, roles) in Policies.RolesByPolicy)
            {
                options.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireClaim(Caller.RoleClaim, roles));
            }
        });
        builder.Services.AddScoped(sp => Caller.From(sp.GetRequiredService<IHttpContextAccessor>().HttpContext!.User));
        builder.Services.AddHttpContextAccessor();
    }

    /// <summary>Makes sure the key file exists before the first request (the embedded default creates it).</summary>
    public static void EnsureSigningKey(this WebApplication app)
        => _ = app.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
}
