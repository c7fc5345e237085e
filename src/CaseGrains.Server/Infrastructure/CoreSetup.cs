using System.Net;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Grains;
using CaseGrains.Storage;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace CaseGrains.Server.Infrastructure;

/// <summary>Wires the case store and the co-hosted Orleans silo (or, on a gateway node, the Orleans client) into the service.</summary>
internal static class CoreSetup
{
    /// <summary>The default address when neither ASPNETCORE_URLS nor --urls says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static void UseDefaultListeningAddress(this WebApplicationBuilder builder)
    {
        // The service may be started from any folder (./data is where the operator stands), so the
        // appsettings.json shipped beside the binary is read too, below everything else.
        var shipped = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (File.Exists(shipped) && !File.Exists(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json")))
        {
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
            {
                Path = "appsettings.json", Optional = true, FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
            });
        }

        if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
    }

    public static void AddCaseGrainsCore(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        builder.Services.AddOptions<GrainOptions>().Bind(configuration.GetSection(GrainOptions.SectionName));
        builder.Services.AddOptions<DeadlineReminderOptions>().Bind(configuration.GetSection(DeadlineReminderOptions.SectionName));
        builder.Services.AddOptions<OrleansOptions>().Bind(configuration.GetSection(OrleansOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OrleansOptions>, OrleansOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<OrleansOptions>, OrleansRoleValidator>();
        builder.Services.AddOptions<DeadlineOptions>().Bind(configuration.GetSection(DeadlineOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DeadlineOptions>, DeadlineOptionsValidator>();
        builder.Services.AddSingleton(sp => new DeadlinePolicy(sp.GetRequiredService<IOptions<DeadlineOptions>>().Value.ToSettings()));
        builder.Services.AddCaseStore();
        builder.Services.AddHostedService<CaseStoreMigrator>();

        // The providers are chosen while the host is built; a setting that does not bind is reported at start by the
        // options validation (one line, exit 1), so here it falls back to the defaults instead of throwing.
        var storage = TryBind<StorageOptions>(configuration, StorageOptions.SectionName);
        var orleans = TryBind<OrleansOptions>(configuration, OrleansOptions.SectionName);
        if (new OrleansOptionsValidator().Validate(null, orleans).Failed)
        {
            // Orleans would refuse these first with its own words (or throw while building); ours name the setting.
            orleans = new OrleansOptions();
        }
        var connectionString = storage.ConnectionString ?? StorageOptions.DefaultSqliteConnectionString;
        var connections = new GatewayConnections();
        builder.Services.AddSingleton(connections);
        if (orleans.Role == OrleansRole.Gateway && storage.Provider == StorageProvider.PostgreSql)
        {
            // A gateway node: the same API as an Orleans client of the silos in the membership table (GatewayNode.cs).
            // A gateway on SQLite is refused at start by OrleansRoleValidator; until then it builds as a silo.
            builder.UseOrleansClient(client => client.AddGatewayNode(orleans, connectionString, connections));
            return;
        }
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = orleans.ClusterId;
                cluster.ServiceId = OrleansOptions.ServiceId;
            });
            silo.Configure<ClusterMembershipOptions>(membership =>
            {
                membership.ProbeTimeout = orleans.ProbeTimeout;
                membership.NumMissedProbesLimit = orleans.MissedProbesLimit;
            });
            var invariant = storage.Provider == StorageProvider.PostgreSql ? CaseStores.PostgresInvariant : CaseStores.SqliteInvariant;
            if (storage.Provider == StorageProvider.PostgreSql)
            {
                // Several silos share one PostgreSQL: membership, reminders and snapshot state live beside the cases.
                silo.UseAdoNetClustering(o => { o.Invariant = invariant; o.ConnectionString = connectionString; });
                silo.ConfigureEndpoints(IPAddress.TryParse(orleans.AdvertisedAddress, out var address) ? address : IPAddress.Loopback,
                    orleans.SiloPort, orleans.GatewayPort, listenOnAnyHostAddress: false);
            }
            else
            {
                // The embedded default is one silo.
                silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, serviceId: OrleansOptions.ServiceId, clusterId: orleans.ClusterId);
            }
            silo.UseAdoNetReminderService(o => { o.Invariant = invariant; o.ConnectionString = connectionString; });
            silo.AddAdoNetGrainStorage(CaseGrainsSilo.SnapshotStorage, o => { o.Invariant = invariant; o.ConnectionString = connectionString; });
            silo.AddAdoNetGrainStorage(CaseGrainsSilo.PubSubStorage, o => { o.Invariant = invariant; o.ConnectionString = connectionString; });
            silo.AddCaseGrains();
            silo.AddActivityPropagation();
            // The Orleans dashboard (admins only, see Operations/DashboardApi.cs); its live log view stays off.
            silo.AddDashboard(dashboard => dashboard.HideTrace = true);
        });
    }

    private static T TryBind<T>(IConfiguration configuration, string section) where T : new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException)
        {
            // Reported by the options validation at start.
        }
        return options;
    }
}

/// <summary>
/// Migrates the schema before anything starts (StartingAsync runs before the silo's StartAsync): Orleans'
/// providers read their queries from the database when the silo starts, and no request may meet an
/// unmigrated database. A database that cannot be reached stops the service with one line.
/// </summary>
internal sealed partial class CaseStoreMigrator(AdoNetCaseStore store, ILogger<CaseStoreMigrator> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.MigrateAsync(cancellationToken);
        }
        catch (StorageUnavailableException ex)
        {
            throw new StartupException($"cannot reach the {store.ProviderName} database: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
        catch (System.Data.Common.DbException ex)
        {
            throw new StartupException($"the {store.ProviderName} database refused the schema migration: {ex.Message}", ex);
        }
        Migrated(logger, store.ProviderName);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Storage {Provider} migrated")]
    private static partial void Migrated(ILogger logger, string provider);
}

/// <summary>A start-up failure with one line that tells the operator what is wrong.</summary>
internal sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
