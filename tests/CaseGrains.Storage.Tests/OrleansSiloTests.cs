using System.Data.Common;
using CaseGrains.Storage.OrleansSql;
using CaseGrains.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans;
using Orleans.Runtime;

namespace CaseGrains.Storage.Tests;

/// <summary>
/// The whole query set in use: a silo with ADO.NET clustering, reminders and grain storage starts on each
/// store (a missing or broken query fails start-up), becomes Active in the membership table, and a client
/// finds it through the ADO.NET gateway list and calls it.
/// </summary>
public abstract class OrleansSiloTests(StoreKind kind) : IAsyncLifetime
{
    private AdoNetCaseStore _store = null!;
    private string _connectionString = "";

    public async Task InitializeAsync() => (_store, _connectionString) = await TestStores.CreateAsync(kind);

    public async Task DisposeAsync()
    {
        if (_store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_migration_stores_exactly_the_queries_the_providers_ask_for()
    {
        await using var connection = Connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryKey, QueryText FROM OrleansQuery";
        var stored = new Dictionary<string, string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(reader.GetOrdinal("QueryKey")), reader.GetString(reader.GetOrdinal("QueryText")));
            }
        }

        var expected = OrleansQueryTable.ClusteringKeys.Concat(OrleansQueryTable.ReminderKeys).Concat(OrleansQueryTable.GrainStorageKeys);
        Assert.Equal(expected.Order(StringComparer.Ordinal), stored.Keys.Order(StringComparer.Ordinal));
        var source = kind == StoreKind.Sqlite ? SqliteOrleansSchema.Queries : PostgresOrleansSchema.Queries;
        Assert.All(source, q => Assert.Equal(q.Sql.Trim(), stored[q.Key]));
        // Quotes inside statements survive being embedded as SQL literals.
        Assert.Contains(source, q => q.Sql.Contains('\'', StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_silo_starts_becomes_active_and_serves_a_client_found_through_the_gateway_list()
    {
        await using var silo = OrleansProviderHost.Create(_store, _connectionString);
        await silo.StartAsync();
        var self = silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

        var table = await silo.MembershipTableAsync();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        MembershipEntry? entry;
        while ((entry = (await table.ReadRowAsync(self, default)).Members.SingleOrDefault()?.Item1) is not { Status: SiloStatus.Active } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.NotNull(entry);
        Assert.Equal(SiloStatus.Active, entry.Status);
        Assert.True(entry.ProxyPort > 0);
        Assert.Contains((await table.ReadAllAsync(default)).Members, m => m.Item1.SiloAddress.Equals(self));

        using var clientHost = silo.CreateClient(_store, _connectionString);
        await clientHost.StartAsync();
        try
        {
            var client = clientHost.Services.GetRequiredService<IClusterClient>();
            var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            Assert.Equal(SiloStatus.Active, hosts[self]);
        }
        finally
        {
            await clientHost.StopAsync();
        }
        Assert.Empty(silo.Problems.Entries);
    }

    private DbConnection Connect() => kind == StoreKind.Sqlite
        ? new SqliteConnection(_connectionString)
        : new NpgsqlConnection(_connectionString);
}

public sealed class SqliteOrleansSiloTests() : OrleansSiloTests(StoreKind.Sqlite);

public sealed class PostgresOrleansSiloTests() : OrleansSiloTests(StoreKind.PostgreSql);
