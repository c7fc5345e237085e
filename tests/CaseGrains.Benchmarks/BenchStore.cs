using CaseGrains.Storage;
using CaseGrains.Storage.PostgreSql;
using CaseGrains.Storage.Sqlite;
using CaseGrains.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CaseGrains.Benchmarks;

/// <summary>A migrated, empty store for one benchmark run, with what a reader needs to judge its numbers.</summary>
internal sealed class BenchStore : IAsyncDisposable
{
    private readonly Func<ValueTask> _cleanUp;

    private BenchStore(string name, AdoNetCaseStore store, string connectionString, string description, string? caveat, Func<ValueTask> cleanUp)
    {
        Name = name;
        Store = store;
        ConnectionString = connectionString;
        Description = description;
        Caveat = caveat;
        _cleanUp = cleanUp;
    }

    /// <summary>Short name for the table.</summary>
    public string Name { get; }

    /// <summary>The store under test.</summary>
    public AdoNetCaseStore Store { get; }

    /// <summary>Its connection string, for Orleans' own providers on the same database.</summary>
    public string ConnectionString { get; }

    /// <summary>Where the data lives and with which durability settings.</summary>
    public string Description { get; }

    /// <summary>Why the numbers may flatter the store, or null.</summary>
    public string? Caveat { get; }

    /// <summary>Opens a store of this kind.</summary>
    public static Task<BenchStore> OpenAsync(StoreKind kind) => kind switch
    {
        StoreKind.Sqlite => OpenSqliteAsync(),
        StoreKind.PostgreSql => OpenPostgresAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A SQLite file in a fresh temp folder, with the store's own settings (WAL, synchronous=FULL).</summary>
    private static async Task<BenchStore> OpenSqliteAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "casegrains-bench-" + Guid.NewGuid().ToString("N")[..12]);
        var file = Path.Combine(folder, "bench.db");
        var connectionString = $"Data Source={file}";
        var store = new SqliteCaseStore(connectionString);
        await store.MigrateAsync();

        // journal_mode is stored in the file, so a plain connection shows what the store set.
        string journalMode, version;
        await using (var connection = new SqliteConnection(connectionString + ";Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode";
            journalMode = Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) ?? "?";
            version = connection.ServerVersion;
        }
        var fileSystem = MachineInfo.FileSystemOf(folder);
        var description = $"SQLite {version}, {file} on {fileSystem}; journal_mode={journalMode}, synchronous=FULL (set by SqliteCaseStore on every connection)";
        string? caveat = fileSystem.StartsWith("tmpfs", StringComparison.Ordinal)
            ? "the temp folder is in memory (tmpfs): fsync costs nothing there, so SQLite's numbers are an upper bound"
            : null;
        return new BenchStore("sqlite", store, connectionString, description, caveat, () =>
        {
            SqliteConnection.ClearAllPools();
            TryDelete(folder);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>A fresh database on the server in CASEGRAINS_TEST_PG, or on a private cluster started with initdb.</summary>
    private static async Task<BenchStore> OpenPostgresAsync()
    {
        var fromEnvironment = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresCluster.EnvironmentVariable));
        // SharedAsync only wraps the server named in the variable here; without it we own (and stop) the cluster.
        var cluster = fromEnvironment ? await PostgresCluster.SharedAsync() : await PostgresCluster.StartPrivateAsync();
        var source = fromEnvironment ? $"server from {PostgresCluster.EnvironmentVariable}" : "private initdb cluster";
        return await OnClusterAsync(cluster, source, async () =>
        {
            if (!fromEnvironment)
            {
                await cluster.DisposeAsync();
            }
        }, dropDatabase: fromEnvironment);
    }

    /// <summary>
    /// A fresh database on a running cluster; <paramref name="afterwards"/> runs when the store is disposed, after
    /// the database is dropped if <paramref name="dropDatabase"/>.
    /// </summary>
    public static async Task<BenchStore> OnClusterAsync(PostgresCluster cluster, string source, Func<ValueTask> afterwards, bool dropDatabase)
    {
        var connectionString = await cluster.NewDatabaseAsync();
        var store = new PostgresCaseStore(connectionString);
        await store.MigrateAsync();

        string version, fsync, synchronousCommit, fullPageWrites;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes')",
                connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            (version, fsync, synchronousCommit, fullPageWrites) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
        }
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        var description = $"PostgreSQL {version}, {source} on 127.0.0.1:{cluster.Port}, database {database}; fsync={fsync}, synchronous_commit={synchronousCommit}, full_page_writes={fullPageWrites}";
        string? caveat = fsync == "off" || synchronousCommit == "off"
            ? $"fsync={fsync}, synchronous_commit={synchronousCommit}: commits are acknowledged before they reach the disk, so PostgreSQL's numbers are an upper bound and not comparable with SQLite's synchronous=FULL"
            : null;
        return new BenchStore("postgres", store, connectionString, description, caveat, async () =>
        {
            await store.DisposeAsync();
            if (dropDatabase)
            {
                // A shared server keeps running: drop only the database this run created.
                await using var admin = new NpgsqlConnection(cluster.AdminConnectionString);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
            await afterwards();
        });
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _cleanUp();

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it lives under the temp folder.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort.
        }
    }
}
