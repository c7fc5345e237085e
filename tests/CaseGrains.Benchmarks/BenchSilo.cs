using System.Net;
using System.Net.Sockets;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Grains;
using CaseGrains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CaseGrains.Benchmarks;

/// <summary>A real Orleans silo in this process over the benchmark's store, with the tally grain beside CaseGrains' own.</summary>
internal sealed class BenchSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchSilo(IHost host) => _host = host;

    /// <summary>Calls from outside any grain, as the gateway's endpoints make them.</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Starts a one-silo cluster on free loopback ports; <paramref name="configure"/> adds what one benchmark needs beyond the grains.</summary>
    public static async Task<BenchSilo> StartAsync(BenchStore store, Action<ISiloBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ICaseStore>(store.Store);
        builder.Services.AddSingleton(store.Store);
        builder.Services.AddSingleton(DeadlinePolicy.Default);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "casegrains-bench", clusterId: Guid.NewGuid().ToString("N"));
            silo.UseAdoNetReminderService(o => { o.Invariant = store.Store.OrleansInvariant; o.ConnectionString = store.ConnectionString; });
            silo.AddCaseGrains();
            silo.AddMemoryGrainStorage(CaseGrainsSilo.PubSubStorage);
            configure?.Invoke(silo);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host);
    }

    /// <summary>How many grains of a class (the tally by default) are active.</summary>
    public async Task<int> ActivationCountAsync(string grainClass = "TallyGrain")
        => (await Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains(grainClass, StringComparison.Ordinal)).Sum(s => s.ActivationCount);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
