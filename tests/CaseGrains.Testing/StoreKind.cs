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

    /// <summary>Runs one statement against a test database directly (to tamper with what a grain will read).</summary>
    public static async Task<int> ExecuteAsync(StoreKind kind, string connectionString, string sql)
    {
        await using var connection = await OpenRawAsync(kind, connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    private static async Task<System.Data.Common.DbConnection> OpenRawAsync(StoreKind kind, string connectionString)
    {
        System.Data.Common.DbConnection connection = kind == StoreKind.PostgreSql
            ? new Npgsql.NpgsqlConnection(connectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Every row a query returns, each as one line of its values (to compare what a table holds before and after).</summary>
    public static async Task<List<string>> QueryLinesAsync(StoreKind kind, string connectionString, string sql)
    {
        await using var connection = await OpenRawAsync(kind, connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            lines.Add(string.Join(" ", values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));
        }
        return lines;
    }

    /// <summary>A new, migrated store of this kind and its connection string.</summary>
    public static async Task<(AdoNetCaseStore Store, string ConnectionString)> CreateAsync(StoreKind kind)
    {
        var connectionString = await NewConnectionStringAsync(kind);
        var store = Open(kind, connectionString);
        await store.MigrateAsync();
        return (store, connectionString);
    }
}
