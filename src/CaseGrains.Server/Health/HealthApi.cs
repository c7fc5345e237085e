using CaseGrains.Storage;
using CaseGrains.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace CaseGrains.Server.Health;

/// <summary>
/// <c>/healthz</c> (the process is up) and <c>/readyz</c> (storage reachable, migrations applied and, on a gateway
/// node, at least one silo's gateway connected).
/// </summary>
internal static class HealthApi
{
    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => TypedResults.Ok(new HealthAnswer("up", null)))
            .WithName("Healthz").AllowAnonymous()
            .WithTag("Health", "Liveness and readiness probes for load balancers and systemd; no token.")
            .Documented("Liveness", "Answers 200 while the process runs.");

        routes.MapGet("/readyz", async Task<IResult> (ICaseStore store, IOptions<OrleansOptions> orleans, GatewayConnections connections,
            HttpContext http, CancellationToken cancellationToken) =>
        {
            var health = await store.CheckHealthAsync(cancellationToken);
            var role = orleans.Value.Role == OrleansRole.Gateway ? "gateway" : "silo";
            // A gateway node serves nothing of its own: with no silo connected every grain call would fail.
            var siloless = orleans.Value.Role == OrleansRole.Gateway && connections.Connected == 0;
            if (health.Ready && !siloless)
            {
                return TypedResults.Ok(new HealthAnswer("ready", store.ProviderName, role));
            }
            http.Response.Headers.RetryAfter = GatewayPlumbing.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!health.Reachable)
            {
                return Problems.Status(StatusCodes.Status503ServiceUnavailable, GatewayErrors.StorageUnavailable, "Not ready", "The database cannot be reached.");
            }
            return health.Ready
                ? Problems.Status(StatusCodes.Status503ServiceUnavailable, GatewayErrors.NodeUnavailable, "Not ready", "This gateway node is connected to no silo.")
                : Problems.Status(StatusCodes.Status503ServiceUnavailable, GatewayErrors.NotReady, "Not ready", "Schema migrations are pending.");
        }).WithName("Readyz").AllowAnonymous()
            .WithTag("Health", "Liveness and readiness probes for load balancers and systemd; no token.")
            .Documented("Readiness", "Answers 200 when the database is reachable and its schema migrated and, on a gateway node (`Orleans:Role=Gateway`), "
                + "at least one silo is connected; otherwise 503 with `Retry-After`.")
            .Produces<HealthAnswer>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>A health answer.</summary>
/// <param name="Status"><c>up</c> or <c>ready</c>.</param>
/// <param name="Storage">The storage provider, on readiness answers.</param>
/// <param name="Role">What this node runs, on readiness answers: <c>silo</c> (API and silo) or <c>gateway</c> (API only).</param>
internal sealed record HealthAnswer(string Status, string? Storage, string? Role = null);
