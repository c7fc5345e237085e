using CaseGrains.Grains;
using CaseGrains.Grains.Deadlines;
using CaseGrains.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace CaseGrains.Server.Infrastructure;

/// <summary>
/// A gateway node (<c>Orleans:Role=Gateway</c>): the API with no silo, an Orleans client that finds the silos'
/// gateways in the PostgreSQL membership table and calls the grains there. It keeps the case store for what the
/// API reads directly (lists, the access log, the alert log, idempotency records); grains, reminders and the
/// deadline sweep stay on the silos.
/// </summary>
internal static partial class GatewayNode
{
    public static void AddGatewayNode(this IClientBuilder client, OrleansOptions orleans, string connectionString, GatewayConnections connections)
    {
        client.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = orleans.ClusterId;
            cluster.ServiceId = OrleansOptions.ServiceId;
        });
        client.UseAdoNetClustering(o => { o.Invariant = CaseStores.PostgresInvariant; o.ConnectionString = connectionString; });
        // A silo that restarts or joins is among the gateways a few seconds later, not after Orleans' default minute.
        client.Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = OrleansOptions.GatewayListRefreshPeriod);
        // A caller waits for a grain as long on a gateway node as on a silo (Grains:ResponseTimeout).
        client.Services.AddOptions<ClientMessagingOptions>().Configure<IOptions<GrainOptions>>((messaging, grains) =>
            messaging.ResponseTimeout = grains.Value.ResponseTimeout);
        client.Services.AddOptions<GrainOptions>().ValidateOnStart();
        client.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrainOptions>, GrainOptionsValidator>());
        client.Services.AddCaseGrainsSerialization();
        client.Services.TryAddSingleton(TimeProvider.System);
        // The live alert feed hears the case grains' announcements on the same stream as a silo does.
        client.AddMemoryStreams(AlertStream.ProviderName);
        client.AddActivityPropagation();
        client.UseConnectionRetryFilter<SiloConnectionRetry>();
        // /readyz answers 503 while no silo's gateway is connected (Health/HealthApi.cs).
        client.AddClusterConnectionStatusObserver(connections);
        // The dashboard runs here too, reading the silos' dashboard grains (silos add it in CoreSetup).
        client.AddDashboard(dashboard => dashboard.HideTrace = true);
    }

    /// <summary>
    /// At start the silos may not be up yet (a gateway node started with them, or during a full restart): keep trying
    /// for <see cref="OrleansOptions.GatewayConnectPatience"/>, then fail with one line for systemd to restart it.
    /// </summary>
    private sealed partial class SiloConnectionRetry(ILogger<SiloConnectionRetry> logger, TimeProvider clock) : IClientConnectionRetryFilter
    {
        private DateTimeOffset? _firstFailure;
        private int _attempts;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            var now = clock.GetUtcNow();
            _firstFailure ??= now;
            if (now - _firstFailure > OrleansOptions.GatewayConnectPatience)
            {
                throw new StartupException(
                    $"no silo of cluster reachable within {OrleansOptions.GatewayConnectPatience.TotalSeconds:F0} s ({exception.GetType().Name}); start a silo on the same database and cluster id first");
            }
            Waiting(logger, ++_attempts, exception.GetType().Name);
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, _attempts)), clock, cancellationToken);
            return true;
        }

        [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "No silo reachable yet (attempt {Attempt}, {Problem}); trying again")]
        private static partial void Waiting(ILogger logger, int attempt, string problem);
    }
}

/// <summary>
/// How many silo gateways a gateway node is connected to, as Orleans reports every change. Unknown (-1) until the
/// first report: the client's start only completes once it has reached a silo, so unknown counts as connected.
/// On a silo nobody reports and it stays unknown.
/// </summary>
internal sealed class GatewayConnections : IClusterConnectionStatusObserver
{
    private int _connected = -1;

    /// <summary>The connected gateways, or -1 before Orleans has said.</summary>
    public int Connected => Volatile.Read(ref _connected);

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
        => Volatile.Write(ref _connected, currentNumberOfGateways);

    public void NotifyClusterConnectionLost() => Volatile.Write(ref _connected, 0);
}
