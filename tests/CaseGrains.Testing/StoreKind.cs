using CaseGrains.Storage;
using CaseGrains.Storage.PostgreSql;
using CaseGrains.Storage.Sqlite;

namespace CaseGrains.Testing;

/// <summary>The two stores every storage-facing test runs against.</summary>
public enum StoreKind
{
    /// <summary>A fresh SQLite file in a temp folder.</summary>
    Sqlite,

    /// <summary>A fresh database on the throwaway PostgreSQL cluster.</summary>
    PostgreSql,
}

/// <summary>Makes fresh, migrated stores: one database per test, so tests run in parallel.</summary>
public static class TestStores
{
    /// <summary>A connection string to a new empty database of this kind.</summary>
    public static async Task<string> NewConnectionStringAsync(StoreKind kind) => kind switch
    {
        StoreKind.Sqlite => $"Data Source={Path.Combine(Path.GetTempPath(), "casegrains-tests", Guid.NewGuid().ToString("N") + ".db")}",
        StoreKind.PostgreSql => await PostgresCluster.CreateDatabaseAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A store over a connection string.</summary>
    public static AdoNetCaseStore Open(StoreKind kind, string connectionString) => kind switch
    {
        StoreKind.Sqlite => new SqliteCaseStore(connectionString),
        StoreKind.PostgreSql => new PostgresCaseStore(connectionString),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A new, migrated store of this kind and its connection string.</summary>
    public static async Task<(AdoNetCaseStore Store, string ConnectionString)> CreateAsync(StoreKind kind)
    {
        var connectionString = await NewConnectionStringAsync(kind);
        var store = Open(kind, connectionString);
        await store.MigrateAsync();
        return (store, connectionString);
    }
}
