using System.Data.Common;
using System.Net.Sockets;
using CaseGrains.Storage.OrleansSql;
using Npgsql;

namespace CaseGrains.Storage.PostgreSql;

/// <summary>
/// The shared store for several silos: the case store's tables and Orleans' membership, reminder and
/// grain-state tables in one PostgreSQL database.
/// </summary>
public sealed class PostgresCaseStore : AdoNetCaseStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Statements each pooled connection keeps prepared (its most used ones), unless the connection string says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 32;

    /// <summary>Creates the store over a connection string.</summary>
    public PostgresCaseStore(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException("The PostgreSQL connection string names no Host.", nameof(connectionString));
        }
        // The store runs the same dozen statements all day: prepared once per connection, PostgreSQL skips their parse and
        // plan on every later call. And it leaves no session state behind (no SET, no session lock, no temp table), so the
        // DISCARD ALL Npgsql would run on every return to the pool is pure cost. A setting named in the connection string wins.
        var named = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();
        if (!named.Contains("MAXAUTOPREPARE"))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }
        if (!named.Contains("NORESETONCLOSE"))
        {
            builder.NoResetOnClose = true;
        }
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <inheritdoc />
    public override string ProviderName => "postgresql";

    /// <inheritdoc />
    public override string OrleansInvariant => CaseStores.PostgresInvariant;

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <inheritdoc />
    protected override object ToDb(DateTimeOffset value) => value.UtcDateTime;

    /// <inheritdoc />
    protected override DateTimeOffset FromDb(DbDataReader reader, int ordinal)
        => new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    /// <inheritdoc />
    protected override bool IsUniqueViolation(Exception exception)
        => exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <inheritdoc />
    protected override string? ViolatedTable(Exception exception) => (exception as PostgresException)?.TableName;

    /// <inheritdoc />
    protected override bool IsTransient(Exception exception) => exception switch
    {
        // Connection failures, admin shutdown, too many connections, serialization clashes: try again later.
        PostgresException pg => pg.IsTransient
            || pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal),
        NpgsqlException => true,
        SocketException or TimeoutException => true,
        InvalidOperationException when exception.InnerException is NpgsqlException => true,
        _ => false,
    };

    /// <inheritdoc />
    protected override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        // Two nodes starting together must not both run the same migration.
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT pg_advisory_xact_lock(727274001)";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

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
                stream_id text NOT NULL, version bigint NOT NULL, event_type text NOT NULL, payload text NOT NULL,
                occurred_at timestamptz NOT NULL, actor text, PRIMARY KEY (stream_id, version));
            -- One current-state row per grain, written with its events: lists, filters and rollups read it, never the events.
            CREATE TABLE grain_index (
                stream_id text PRIMARY KEY, grain_type text NOT NULL, partition_key text NOT NULL, status text NOT NULL,
                period integer NOT NULL, owner text, due_at timestamptz, created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL, version bigint NOT NULL, summary text NOT NULL);
            -- Lists are per township (partition), newest first.
            CREATE INDEX ix_grain_index_partition ON grain_index (grain_type, partition_key, created_at DESC);
            -- Overdue scans look only at rows with a running clock.
            CREATE INDEX ix_grain_index_due ON grain_index (grain_type, due_at) WHERE due_at IS NOT NULL;
            -- Durable one-shot reminders, leased by one node at a time; generation tells armings apart.
            CREATE TABLE grain_reminders (
                grain_type text NOT NULL, grain_key text NOT NULL, name text NOT NULL, due_at timestamptz NOT NULL,
                generation bigint NOT NULL, lease_owner text, lease_until timestamptz, PRIMARY KEY (grain_type, grain_key, name));
            -- The poller asks for due reminders in due order.
            CREATE INDEX ix_grain_reminders_due ON grain_reminders (due_at);
            -- Answers to creating POSTs, so that a retried request returns the first answer and creates nothing.
            CREATE TABLE idempotency_keys (
                scope text NOT NULL, idempotency_key text NOT NULL, request_hash text NOT NULL, status_code integer NOT NULL,
                location text, body text NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (scope, idempotency_key));
            """),
        new(2, "access log of unmasked personal-data reads", """
            -- PIPL: every read of unmasked personal data is recorded (who, when, which case), never the data itself.
            CREATE TABLE access_log (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL, actor text NOT NULL, role text NOT NULL,
                partition_key text NOT NULL, stream_id text NOT NULL, purpose text NOT NULL);
            -- Audits look at one township's recent reads.
            CREATE INDEX ix_access_log_partition ON access_log (partition_key, at DESC);
            """),
        PostgresOrleansSchema.Migration,
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
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, partition_key text NOT NULL, stream_id text NOT NULL,
                version bigint NOT NULL, change text NOT NULL, at timestamptz NOT NULL, payload text NOT NULL,
                UNIQUE (stream_id, version));
            -- A scoped replay reads one township's changes in order.
            CREATE INDEX ix_alert_log_partition ON alert_log (partition_key, id);
            """),
    ];

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
