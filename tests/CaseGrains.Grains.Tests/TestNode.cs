using CaseGrains.Domain.Deadlines;
using CaseGrains.Grains.Cases;
using CaseGrains.Storage;
using CaseGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Reminders;
using Orleans.Serialization.Configuration;
using Orleans.TestingHost;

namespace CaseGrains.Grains.Tests;

/// <summary>
/// One node as the grain tests see it: an Orleans cluster of its own (Orleans' in-process test cluster,
/// real runtime, real reminder provider on the test database) over a shared database. Two nodes are two
/// clusters on one database: two activations of one grain, the fail-over window the version guard is for.
/// Grains decide on the test's manual clock; Orleans' reminder service reads it too (so a reminder's
/// start is its deadline moment), while Orleans' own housekeeping keeps real time.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    private TestNode(InProcessTestCluster cluster) => Cluster = cluster;

    /// <summary>The Orleans cluster behind the node.</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>Calls go through the cluster's client, so every argument and answer is serialized as across a network.</summary>
    public IGrainFactory Grains => Cluster.Client;

    /// <summary>A reference to a grain of this node.</summary>
    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey => Grains.GetGrain<TGrain>(key);

    /// <summary>Starts a node over a database.</summary>
    public static async Task<TestNode> StartAsync(StoreKind kind, string connectionString, TimeProvider clock, DeadlinePolicy policy,
        short silos = 1, Action<ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ServiceId = "casegrains";
        builder.ConfigureSilo((_, silo) =>
        {
            var invariant = kind == StoreKind.PostgreSql ? CaseStores.PostgresInvariant : CaseStores.SqliteInvariant;
            silo.Services.Configure<StorageOptions>(o =>
            {
                o.Provider = kind == StoreKind.PostgreSql ? StorageProvider.PostgreSql : StorageProvider.Sqlite;
                o.ConnectionString = connectionString;
            });
            silo.Services.AddCaseStore();
            silo.Services.AddSingleton(policy);
            silo.Services.AddSingleton(clock);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Services.AddKeyedSingleton(ReminderTimeProviderNames.Reminders, clock);
            silo.UseAdoNetReminderService(o => { o.Invariant = invariant; o.ConnectionString = connectionString; });
            silo.AddCaseGrains();
            silo.AddMemoryGrainStorage(CaseGrainsSilo.PubSubStorage);
            // A silo that cannot serialize a grain call's types must fail to start, not fail the call.
            silo.Services.Configure<TypeManifestOptions>(o => o.EnableConfigurationAnalysis = true);
            // Hundreds of calls queue on one township on a shared 2-core machine: the default 30 s answer limit is
            // for production callers, not for a loaded test box.
            silo.Services.Configure<GrainOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(3));
            // Tests start their own sweeps.
            silo.Services.Configure<DeadlineReminderOptions>(o => o.SweepOnStart = false);
            configure?.Invoke(silo);
        });
        builder.ConfigureClient(client =>
        {
            client.Services.AddCaseGrainsSerialization();
            client.AddMemoryStreams(Deadlines.AlertStream.ProviderName);
            client.Services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(3));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new TestNode(cluster);
    }

    /// <summary>Runs the start-up sweep on the first silo now; returns how many passed deadlines it handled.</summary>
    public Task<int> SweepAsync() => Cluster.GetSiloServiceProvider().GetRequiredService<DeadlineSweep>().SweepAsync(CancellationToken.None);

    private IManagementGrain Management => Grains.GetGrain<IManagementGrain>(0);

    /// <summary>How many of CaseGrains' grains are active on the node.</summary>
    public async Task<int> ActivationCountAsync()
        => (await Management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains("CaseGrains.Grains", StringComparison.Ordinal)).Sum(s => s.ActivationCount);

    /// <summary>Collects every activation idle for at least <paramref name="age"/>; returns how many went.</summary>
    public async Task<int> CollectIdleActivationsAsync(TimeSpan age)
    {
        var before = await ActivationCountAsync();
        await Management.ForceActivationCollection(age);
        return before - await ActivationCountAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

/// <summary>The tests' short forms of grain calls: commands of the service itself, with nothing to log or claim.</summary>
public static class TestCalls
{
    public static Task<CaseResult<CaseSnapshot<TState>>> Execute<TState, TRegister, TCommand>(
        this ICaseGrain<TState, TRegister, TCommand> grain, TCommand command, long? expectedVersion) where TState : class
        => grain.Execute(command, expectedVersion, CommandContext.System);

    public static Task<CaseResult<CaseSnapshot<Domain.Petitions.PetitionState>>> RegisterPetition(this Townships.ITownshipGrain township, Domain.Petitions.RegisterPetition command)
        => township.RegisterPetition(command, CommandContext.System);

    public static Task<CaseResult<CaseSnapshot<Domain.Disputes.DisputeState>>> RegisterDispute(this Townships.ITownshipGrain township, Domain.Disputes.RegisterDispute command)
        => township.RegisterDispute(command, CommandContext.System);

    public static Task<CaseResult<Townships.TownshipSnapshot>> SetProfile(this Townships.ITownshipGrain township, Domain.Townships.SetTownshipProfile command)
        => township.SetProfile(command, CommandContext.System);

    public static Task<CaseResult<Townships.TownshipSnapshot>> UpsertLeader(this Townships.ITownshipGrain township, Domain.Townships.UpsertLeader command)
        => township.UpsertLeader(command, CommandContext.System);
}
