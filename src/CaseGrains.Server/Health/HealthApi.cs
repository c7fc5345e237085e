using CaseGrains.Storage;
using CaseGrains.Server.Infrastructure;

namespace CaseGrains.Server.Health;

/// <summary><c>/healthz</c> (the process is up) and <c>/readyz</c> (storage reachable, migrations applied).</summary>
internal static class HealthApi
{
    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => TypedResults.Ok(new HealthAnswer("up", null)))
            .WithName("Healthz").AllowAnonymous()
            .WithTag("Health", "Liveness and readiness probes for load balancers and systemd; no token.")
            .Documented("Liveness", "Answers 200 while the process runs.");

        routes.MapGet("/readyz", async Task<IResult> (ICaseStore store, HttpContext http, CancellationToken cancellationToken) =>
        {
            var health = await store.CheckHealthAsync(cancellationToken);
            if (health.Ready)
            {
                return TypedResults.Ok(new HealthAnswer("ready", store.ProviderName));
            }
            http.Response.Headers.RetryAfter = GatewayPlumbing.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Status(StatusCodes.Status503ServiceUnavailable,
                health.Reachable ? GatewayErrors.NotReady : GatewayErrors.StorageUnavailable, "Not ready",
                health.Reachable ? "Schema migrations are pending." : "The database cannot be reached.");
        }).WithName("Readyz").AllowAnonymous()
            .WithTag("Health", "Liveness and readiness probes for load balancers and systemd; no token.")
            .Documented("Readiness", "Answers 200 when the database is reachable and its schema migrated; otherwise 503 with `Retry-After`.")
            .Produces<HealthAnswer>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>A health answer.</summary>
/// <param name="Status"><c>up</c> or <c>ready</c>.</param>
/// <param name="Storage">The storage provider, on readiness answers.</param>
internal sealed record HealthAnswer(string Status, string? Storage);
