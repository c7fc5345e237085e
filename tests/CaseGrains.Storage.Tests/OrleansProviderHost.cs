using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using CaseGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;

namespace CaseGrains.Storage.Tests;

/// <summary>
/// A real Orleans silo host wired to one of our stores through Orleans' own ADO.NET providers: clustering,
/// reminders and two grain storages (one clearing, one deleting on clear), on free loopback ports, with its
/// own cluster and service ids. Tests resolve the providers from its services and call them directly; only
/// what needs the silo's lifecycle (grain storage, the silo itself) starts it.
/// </summary>
internal sealed class OrleansProviderHost : IAsyncDisposable
{
    /// <summary>The grain storage that clears by nulling the payload (ClearStorageKey).</summary>
    public const string ClearingStorage = "clearing";

    /// <summary>The grain storage with DeleteStateOnClear (DeleteStorageKey).</summary>
    public const string DeletingStorage = "deleting";

    private readonly IHost _host;
    private bool _started;

    private OrleansProviderHost(IHost host, string clusterId, string serviceId, ProblemLog problems)
    {
        _host = host;
        ClusterId = clusterId;
        ServiceId = serviceId;
        Problems = problems;
    }

    /// <summary>Problems the silo logged (a query failing in a background loop shows up here).</summary>
    public ProblemLog Problems { get; }

    public string ClusterId { get; }

    public string ServiceId { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Builds (does not start) a silo host over the store's database.</summary>
    public static OrleansProviderHost Create(AdoNetCaseStore store, string connectionString, string? clusterId = null, string? serviceId = null)
    {
        var cluster = clusterId ?? "cluster-" + Guid.NewGuid().ToString("N")[..12];
        var service = serviceId ?? "service-" + Guid.NewGuid().ToString("N")[..12];
        var (siloPort, gatewayPort) = (FreePort(), FreePort());
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var problems = new ProblemLog();
        builder.Logging.AddProvider(problems);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster, service));
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = IPAddress.Loopback;
                o.SiloPort = siloPort;
                o.GatewayPort = gatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, siloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Loopback, gatewayPort);
            });
            silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (store.OrleansInvariant, connectionString));
            silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (store.OrleansInvariant, connectionString));
            silo.AddAdoNetGrainStorage(ClearingStorage, o => (o.Invariant, o.ConnectionString) = (store.OrleansInvariant, connectionString));
            silo.AddAdoNetGrainStorage(DeletingStorage, o =>
            {
                (o.Invariant, o.ConnectionString) = (store.OrleansInvariant, connectionString);
                o.DeleteStateOnClear = true;
            });
        });
        return new OrleansProviderHost(builder.Build(), cluster, service, problems);
    }

    /// <summary>The membership table, initialised the way a silo does (creating the version row).</summary>
    public async Task<IMembershipTable> MembershipTableAsync()
    {
        var table = Services.GetRequiredService<IMembershipTable>();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, CancellationToken.None);
        return table;
    }

    /// <summary>The reminder table, started as the reminder service starts it (its queries read).</summary>
    public async Task<IReminderTable> ReminderTableAsync()
    {
        var table = Services.GetRequiredService<IReminderTable>();
        await table.StartAsync(CancellationToken.None);
        return table;
    }

    /// <summary>A client-side gateway list over the same database and cluster, as an Orleans client would use.</summary>
    public static async Task<(IGatewayListProvider Provider, IHost Host)> GatewayListAsync(AdoNetCaseStore store, string connectionString, string clusterId)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "unused"));
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (store.OrleansInvariant, connectionString));
        });
        var host = builder.Build();
        var provider = host.Services.GetRequiredService<IGatewayListProvider>();
        await provider.InitializeGatewayListProviderAsync(CancellationToken.None);
        return (provider, host);
    }

    /// <summary>An Orleans client of this cluster that finds its gateway through the ADO.NET gateway list.</summary>
    public IHost CreateClient(AdoNetCaseStore store, string connectionString)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (store.OrleansInvariant, connectionString));
        });
        return builder.Build();
    }

    /// <summary>Starts the silo: joins the cluster through the membership table and initialises every provider.</summary>
    public async Task StartAsync()
    {
        await _host.StartAsync();
        _started = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await _host.StopAsync(stopping.Token);
        }
        _host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Collects a host's errors, and the warnings of Orleans' ADO.NET providers (other warnings are about the
/// machine: GC mode, a slow watchdog check on a busy CI box).
/// </summary>
internal sealed class ProblemLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel)
            => logLevel >= LogLevel.Error || (logLevel == LogLevel.Warning && category.Contains("AdoNet", StringComparison.Ordinal));

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}");
            }
        }
    }
}

/// <summary>What each store keeps of a <see cref="DateTime"/>: SQLite the exact ticks, PostgreSQL microseconds.</summary>
internal static class StoredTime
{
    public static DateTime Of(StoreKind kind, DateTime value) => kind switch
    {
        StoreKind.PostgreSql => new DateTime(value.Ticks - value.Ticks % 10, DateTimeKind.Utc),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    /// <summary>A UTC instant with sub-microsecond ticks, so the tests see what each store keeps.</summary>
    public static DateTime Sample(int secondsFromBase = 0)
        => new DateTime(2025, 6, 30, 23, 59, 58, DateTimeKind.Utc).AddSeconds(secondsFromBase).AddTicks(1_234_567);
}
