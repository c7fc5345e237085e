using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CaseGrains.Server.Infrastructure;

/// <summary>
/// The served OpenAPI document: every endpoint comes from its own metadata; this adds what applies
/// to all of <c>/api</c> — the bearer scheme and the answers any call may get (401, 403, 429, 503).
/// </summary>
internal static class OpenApiSetup
{
    private static readonly (string Status, string Description)[] CommonAnswers =
    [
        ("401", "No token, or an invalid one (ProblemDetails)."),
        ("403", "The caller's role may not do this (ProblemDetails)."),
        ("429", "The caller is over its request budget; see Retry-After (ProblemDetails)."),
        ("503", "The database is unreachable; nothing was changed; see Retry-After (ProblemDetails)."),
    ];

    public static void AddGatewayOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "CaseGrains gateway API";
            document.Info.Description = "Petitions (信访件), disputes (矛盾纠纷), townships and rollups. Errors are RFC 9457 ProblemDetails.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "HS256 token (issuer casegrains, audience casegrains-api) or one from the configured OIDC authority.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) != true)
            {
                return Task.CompletedTask;
            }
            operation.Responses ??= new OpenApiResponses();
            foreach (var (status, description) in CommonAnswers)
            {
                operation.Responses.TryAdd(status, new OpenApiResponse { Description = description });
            }
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", context.Document)] = [] });
            return Task.CompletedTask;
        });
    });
}
