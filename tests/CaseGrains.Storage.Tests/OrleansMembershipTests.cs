using System.Net;
using CaseGrains.Testing;
using Orleans;
using Orleans.Runtime;

namespace CaseGrains.Storage.Tests;

/// <summary>
/// Orleans' ADO.NET clustering provider on our tables and statements: the membership protocol's table
/// version (one writer per version), reads with the version row, heartbeats, clean-up and the gateway list.
/// </summary>
public abstract class OrleansMembershipTests(StoreKind kind) : IAsyncLifetime
{
    private static int _generation;
    private AdoNetCaseStore _store = null!;
    private string _connectionString = "";
    private readonly List<IAsyncDisposable> _owned = [];

    public async Task InitializeAsync() => (_store, _connectionString) = await TestStores.CreateAsync(kind);

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
        if (_store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    private async Task<(OrleansProviderHost Host, IMembershipTable Table)> TableAsync(string? clusterId = null)
    {
        var host = OrleansProviderHost.Create(_store, _connectionString, clusterId);
        _owned.Add(host);
        return (host, await host.MembershipTableAsync());
    }

    private static MembershipEntry Entry(SiloStatus status = SiloStatus.Joining, DateTime? at = null, int proxyPort = 30_000)
    {
        var generation = Interlocked.Increment(ref _generation);
        var time = at ?? StoredTime.Sample();
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11_111), generation),
            SiloName = $"silo-{generation}",
            HostName = "host-a",
            Status = status,
            ProxyPort = proxyPort,
            StartTime = time,
            IAmAliveTime = time,
        };
    }

    private static MembershipEntry With(MembershipEntry entry, SiloStatus? status = null, DateTime? iAmAlive = null) => new()
    {
        SiloAddress = entry.SiloAddress,
        SiloName = entry.SiloName,
        HostName = entry.HostName,
        Status = status ?? entry.Status,
        ProxyPort = entry.ProxyPort,
        StartTime = entry.StartTime,
        IAmAliveTime = iAmAlive ?? entry.IAmAliveTime,
        SuspectTimes = entry.SuspectTimes,
    };

    private static async Task<TableVersion> InsertAsync(IMembershipTable table, MembershipEntry entry)
    {
        var version = (await table.ReadAllAsync(default)).Version;
        Assert.True(await table.InsertRowAsync(entry, version.Next(), default), $"insert of {entry.SiloAddress} at {version}");
        return (await table.ReadAllAsync(default)).Version;
    }

    [Fact]
    public async Task A_new_cluster_reads_as_version_zero_with_no_members()
    {
        var (host, table) = await TableAsync();
        // A second silo of the same cluster initialising finds the version row already there.
        await host.MembershipTableAsync();

        var all = await table.ReadAllAsync(default);
        Assert.Empty(all.Members);
        Assert.Equal(0, all.Version.Version);
        Assert.Equal("0", all.Version.VersionEtag);

        var one = await table.ReadRowAsync(Entry().SiloAddress, default);
        Assert.Empty(one.Members);
        Assert.Equal(0, one.Version.Version);
    }

    [Fact]
    public async Task An_insert_succeeds_once_per_table_version_and_never_twice_for_one_silo()
    {
        var (_, table) = await TableAsync();
        var read = (await table.ReadAllAsync(default)).Version;
        var entry = Entry();

        Assert.True(await table.InsertRowAsync(entry, read.Next(), default));
        Assert.False(await table.InsertRowAsync(entry, read.Next(), default), "same silo, stale version");
        Assert.False(await table.InsertRowAsync(Entry(), read.Next(), default), "new silo, stale version");

        var after = await table.ReadAllAsync(default);
        Assert.Equal(1, after.Version.Version);
        Assert.False(await table.InsertRowAsync(entry, after.Version.Next(), default), "same silo at the current version");

        var final = await table.ReadAllAsync(default);
        Assert.Equal(1, final.Version.Version);
        Assert.Equal(entry.SiloAddress, Assert.Single(final.Members).Item1.SiloAddress);
    }

    [Fact]
    public async Task An_inserted_silo_reads_back_field_by_field_by_row_and_by_table()
    {
        var (_, table) = await TableAsync();
        var entry = Entry(SiloStatus.Active, StoredTime.Sample(), proxyPort: 30_123);
        entry.IAmAliveTime = StoredTime.Sample(7);
        var version = await InsertAsync(table, entry);

        var row = await table.ReadRowAsync(entry.SiloAddress, default);
        var all = await table.ReadAllAsync(default);
        Assert.Equal(version, row.Version);
        foreach (var read in new[] { Assert.Single(row.Members).Item1, Assert.Single(all.Members).Item1 })
        {
            Assert.Equal(entry.SiloAddress, read.SiloAddress);
            Assert.Equal(entry.SiloAddress.Generation, read.SiloAddress.Generation);
            Assert.Equal("host-a", read.HostName);
            Assert.Equal(entry.SiloName, read.SiloName);
            Assert.Equal(SiloStatus.Active, read.Status);
            Assert.Equal(30_123, read.ProxyPort);
            Assert.Equal(StoredTime.Of(kind, entry.StartTime), read.StartTime);
            Assert.Equal(StoredTime.Of(kind, entry.IAmAliveTime), read.IAmAliveTime);
            Assert.Equal(DateTimeKind.Utc, read.StartTime.Kind);
            Assert.Null(read.SuspectTimes);
        }

        // Another silo's row is not there, but the version is.
        var other = await table.ReadRowAsync(Entry().SiloAddress, default);
        Assert.Empty(other.Members);
        Assert.Equal(version, other.Version);
    }

    [Fact]
    public async Task An_update_needs_the_current_table_version_and_moves_it_on()
    {
        var (_, table) = await TableAsync();
        var entry = Entry();
        var version = await InsertAsync(table, entry);
        var stale = new TableVersion(version.Version - 1, (version.Version - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var etag = (await table.ReadRowAsync(entry.SiloAddress, default)).Members[0].Item2;

        var suspecter = Entry().SiloAddress;
        var suspectedAt = new DateTime(2025, 7, 1, 8, 0, 0, DateTimeKind.Utc);
        var changed = With(entry, SiloStatus.Active, StoredTime.Sample(30));
        changed.SuspectTimes = [Tuple.Create(suspecter, suspectedAt)];

        Assert.False(await table.UpdateRowAsync(changed, etag, stale.Next(), default), "stale table version");
        Assert.Equal(SiloStatus.Joining, (await table.ReadRowAsync(entry.SiloAddress, default)).Members[0].Item1.Status);

        Assert.True(await table.UpdateRowAsync(changed, etag, version.Next(), default));
        Assert.False(await table.UpdateRowAsync(changed, etag, version.Next(), default), "the version it was read at has moved on");

        var after = await table.ReadAllAsync(default);
        Assert.Equal(version.Version + 1, after.Version.Version);
        var read = Assert.Single(after.Members).Item1;
        Assert.Equal(SiloStatus.Active, read.Status);
        Assert.Equal(StoredTime.Of(kind, changed.IAmAliveTime), read.IAmAliveTime);
        var suspicion = Assert.Single(read.SuspectTimes!);
        Assert.Equal(suspecter, suspicion.Item1);
        Assert.Equal(suspectedAt, suspicion.Item2);
        Assert.Equal(StoredTime.Of(kind, entry.StartTime), read.StartTime);
    }

    [Fact]
    public async Task Of_many_writers_at_one_table_version_exactly_one_wins()
    {
        var (_, table) = await TableAsync();
        var version = (await table.ReadAllAsync(default)).Version;

        var inserts = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => table.InsertRowAsync(Entry(), version.Next(), default))));
        Assert.Single(inserts, ok => ok);

        var read = await table.ReadAllAsync(default);
        var member = Assert.Single(read.Members);
        var updates = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
        {
            var changed = With(member.Item1, iAmAlive: StoredTime.Sample(i));
            return table.UpdateRowAsync(changed, member.Item2, read.Version.Next(), default);
        })));
        Assert.Single(updates, ok => ok);
        Assert.Equal(2, (await table.ReadAllAsync(default)).Version.Version);
    }

    [Fact]
    public async Task A_heartbeat_moves_only_the_i_am_alive_time()
    {
        var (_, table) = await TableAsync();
        var entry = Entry(SiloStatus.Active);
        var version = await InsertAsync(table, entry);

        var beat = new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = StoredTime.Sample(90) };
        await table.UpdateIAmAliveAsync(beat, default);

        var after = await table.ReadAllAsync(default);
        Assert.Equal(version, after.Version);
        var read = Assert.Single(after.Members).Item1;
        Assert.Equal(StoredTime.Of(kind, beat.IAmAliveTime), read.IAmAliveTime);
        Assert.Equal(SiloStatus.Active, read.Status);
        Assert.Equal(StoredTime.Of(kind, entry.StartTime), read.StartTime);
    }

    [Fact]
    public async Task Clean_up_removes_only_silos_that_are_not_active_and_quiet_since_the_cut_off()
    {
        var (_, table) = await TableAsync();
        var cutOff = StoredTime.Sample();
        var old = cutOff.AddDays(-10);
        var oldDead = Entry(SiloStatus.Dead, old);
        var oldJoining = Entry(SiloStatus.Joining, old);
        var oldActive = Entry(SiloStatus.Active, old);
        var recentDead = Entry(SiloStatus.Dead, cutOff.AddSeconds(1));
        var deadButRestarted = Entry(SiloStatus.Dead, old);
        deadButRestarted.IAmAliveTime = cutOff.AddSeconds(1);
        foreach (var entry in new[] { oldDead, oldJoining, oldActive, recentDead, deadButRestarted })
        {
            await InsertAsync(table, entry);
        }
        var (_, otherCluster) = await TableAsync();
        var otherOldDead = Entry(SiloStatus.Dead, old);
        await InsertAsync(otherCluster, otherOldDead);

        await table.CleanupDefunctSiloEntriesAsync(cutOff, default);

        var left = (await table.ReadAllAsync(default)).Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        Assert.Equal(new[] { oldActive, recentDead, deadButRestarted }.Select(e => e.SiloAddress).ToHashSet(), left);
        Assert.Equal(5, (await table.ReadAllAsync(default)).Version.Version);
        Assert.Single((await otherCluster.ReadAllAsync(default)).Members);
    }

    [Fact]
    public async Task The_gateway_list_holds_the_active_silos_that_accept_clients()
    {
        var (host, table) = await TableAsync();
        var activeGateway = Entry(SiloStatus.Active, proxyPort: 30_001);
        var activeNoGateway = Entry(SiloStatus.Active, proxyPort: 0);
        var joiningGateway = Entry(SiloStatus.Joining, proxyPort: 30_002);
        var deadGateway = Entry(SiloStatus.Dead, proxyPort: 30_003);
        foreach (var entry in new[] { activeGateway, activeNoGateway, joiningGateway, deadGateway })
        {
            await InsertAsync(table, entry);
        }
        var (_, otherCluster) = await TableAsync();
        await InsertAsync(otherCluster, Entry(SiloStatus.Active, proxyPort: 30_004));

        var (provider, clientHost) = await OrleansProviderHost.GatewayListAsync(_store, _connectionString, host.ClusterId);
        using (clientHost)
        {
            var gateways = await provider.GetGatewaysAsync(default);
            var expected = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 30_001), activeGateway.SiloAddress.Generation).ToGatewayUri();
            Assert.Equal(expected, Assert.Single(gateways));
        }
    }

    [Fact]
    public async Task Deleting_a_clusters_entries_leaves_other_clusters_alone()
    {
        var (host, table) = await TableAsync();
        await InsertAsync(table, Entry());
        await InsertAsync(table, Entry());
        var (_, otherCluster) = await TableAsync();
        await InsertAsync(otherCluster, Entry());

        await table.DeleteMembershipTableEntriesAsync(host.ClusterId, default);

        Assert.Single((await otherCluster.ReadAllAsync(default)).Members);
        // The cluster is gone, version row and all: a silo starting again begins at version 0.
        await host.MembershipTableAsync();
        var fresh = await table.ReadAllAsync(default);
        Assert.Empty(fresh.Members);
        Assert.Equal(0, fresh.Version.Version);
    }
}

public sealed class SqliteOrleansMembershipTests() : OrleansMembershipTests(StoreKind.Sqlite);

public sealed class PostgresOrleansMembershipTests() : OrleansMembershipTests(StoreKind.PostgreSql);
