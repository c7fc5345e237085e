using System.Data.Common;
using CaseGrains.Storage.OrleansSql;
using Microsoft.Data.Sqlite;

namespace CaseGrains.Storage.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode. Writers serialise on the file's write
/// lock (<c>BEGIN IMMEDIATE</c>). Orleans' reminder and grain-state tables live in the same file.
/// </summary>
public sealed class SqliteCaseStore : AdoNetCaseStore
{
    private readonly string _connectionString;

    /// <summary>Creates the store; the database file's folder is created if missing.</summary>
    public SqliteCaseStore(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new ArgumentException("The SQLite connection string names no Data Source.", nameof(connectionString));
        }
        builder.Pooling = true;
        builder.DefaultTimeout = builder.DefaultTimeout <= 0 ? 30 : builder.DefaultTimeout;
        if (builder.Mode is SqliteOpenMode.ReadWriteCreate && builder.DataSource != ":memory:")
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }
        _connectionString = builder.ToString();
    }

    /// <inheritdoc />
    public override string ProviderName => "sqlite";

    /// <inheritdoc />
    /// <remarks>Orleans maps this name to Microsoft.Data.Sqlite, the driver this store uses.</remarks>
    public override string OrleansInvariant => CaseStores.SqliteInvariant;

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            // WAL lets readers run beside the writer; FULL sync makes an acknowledged commit survive a power cut,
            // not only a killed process; the busy timeout queues writers instead of failing them.
            pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // IMMEDIATE takes the write lock at BEGIN, so two writers never deadlock upgrading a read lock.
        await Task.CompletedTask;
        return ((SqliteConnection)connection).BeginTransaction(deferred: false);
    }

    /// <inheritdoc />
    protected override object ToDb(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    /// <inheritdoc />
    protected override DateTimeOffset FromDb(DbDataReader reader, int ordinal)
        => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    /// <inheritdoc />
    protected override bool IsUniqueViolation(Exception exception)
        => exception is SqliteException { SqliteErrorCode: 19 /* SQLITE_CONSTRAINT */ } ex
           && ex.SqliteExtendedErrorCode is 1555 /* PRIMARYKEY */ or 2067 /* UNIQUE */;

    /// <inheritdoc />
    protected override bool IsTransient(Exception exception)
        => exception is SqliteException { SqliteErrorCode: 5 /* BUSY */ or 6 /* LOCKED */ or 10 /* IOERR */ or 13 /* FULL */ or 14 /* CANTOPEN */ };

    /// <inheritdoc />
    protected override string PassedRemindersSql => """
        SELECT DISTINCT i.stream_id FROM grain_index i
        JOIN orleans_reminders r ON r.grain_id = i.stream_id
        WHERE r.service_id = @service_id AND r.start_time <= @now
        """;

    /// <inheritdoc />
    protected override IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "events, current-state index, reminders, idempotency keys", """
            -- Events are the source of truth and the audit trail; (stream_id, version) is the optimistic-concurrency guard.
            CREATE TABLE grain_events (
                stream_id TEXT NOT NULL, version INTEGER NOT NULL, event_type TEXT NOT NULL, payload TEXT NOT NULL,
                occurred_at INTEGER NOT NULL, actor TEXT, PRIMARY KEY (stream_id, version)) WITHOUT ROWID;
            -- One current-state row per grain, written with its events: lists, filters and rollups read it, never the events.
            CREATE TABLE grain_index (
                stream_id TEXT PRIMARY KEY, grain_type TEXT NOT NULL, partition_key TEXT NOT NULL, status TEXT NOT NULL,
                period INTEGER NOT NULL, owner TEXT, due_at INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                version INTEGER NOT NULL, summary TEXT NOT NULL);
            -- Lists are per township (partition), newest first.
            CREATE INDEX ix_grain_index_partition ON grain_index (grain_type, partition_key, created_at DESC);
            -- Overdue scans look only at rows with a running clock.
            CREATE INDEX ix_grain_index_due ON grain_index (grain_type, due_at) WHERE due_at IS NOT NULL;
            -- Durable one-shot reminders, leased by one node at a time; generation tells armings apart.
            CREATE TABLE grain_reminders (
                grain_type TEXT NOT NULL, grain_key TEXT NOT NULL, name TEXT NOT NULL, due_at INTEGER NOT NULL,
                generation INTEGER NOT NULL, lease_owner TEXT, lease_until INTEGER, PRIMARY KEY (grain_type, grain_key, name));
            -- The poller asks for due reminders in due order.
            CREATE INDEX ix_grain_reminders_due ON grain_reminders (due_at);
            -- Answers to creating POSTs, so that a retried request returns the first answer and creates nothing.
            CREATE TABLE idempotency_keys (
                scope TEXT NOT NULL, idempotency_key TEXT NOT NULL, request_hash TEXT NOT NULL, status_code INTEGER NOT NULL,
                location TEXT, body TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (scope, idempotency_key));
            """),
        new(2, "access log of unmasked personal-data reads", """
            -- PIPL: every read of unmasked personal data is recorded (who, when, which case), never the data itself.
            CREATE TABLE access_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,
                partition_key TEXT NOT NULL, stream_id TEXT NOT NULL, purpose TEXT NOT NULL);
            -- Audits look at one township's recent reads.
            CREATE INDEX ix_access_log_partition ON access_log (partition_key, at DESC);
            """),
        SqliteOrleansSchema.Migration,
        new(4, "deadline reminders move to Orleans' reminder table; state snapshots in the current-state row", """
            -- Orleans' reminder service now arms and fires deadline reminders; the home-made table has no reader left.
            DROP TABLE grain_reminders;
            -- Activation reads the grain's whole state from its current-state row instead of replaying its stream.
            ALTER TABLE grain_index ADD COLUMN state TEXT;
            """),
        new(5, "alert changes, replayable", """
            -- Every raised or cleared alert, committed with the case events that caused it: live streams send them in id order
            -- and a reconnecting client asks for what came after the last id it saw.
            CREATE TABLE alert_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT, partition_key TEXT NOT NULL, stream_id TEXT NOT NULL,
                version INTEGER NOT NULL, change TEXT NOT NULL, at INTEGER NOT NULL, payload TEXT NOT NULL,
                UNIQUE (stream_id, version));
            -- A scoped replay reads one township's changes in order.
            CREATE INDEX ix_alert_log_partition ON alert_log (partition_key, id);
            """),
    ];
}
