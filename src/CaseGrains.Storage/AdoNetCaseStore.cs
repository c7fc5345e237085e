using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Text;

namespace CaseGrains.Storage;

/// <summary>
/// The ADO.NET store shared by SQLite and PostgreSQL. The SQL is written once in the dialect both
/// accept (named parameters, <c>INSERT … ON CONFLICT</c>, <c>RETURNING</c>); the subclasses supply
/// connections, time columns, error classification, migrations and the reminder lease statement.
/// </summary>
public abstract class AdoNetCaseStore : ICaseStore
{
    /// <inheritdoc />
    public abstract string ProviderName { get; }

    /// <summary>
    /// The invariant name Orleans' ADO.NET providers (clustering, reminders, grain storage) take for this
    /// store's driver; their tables and stored queries come with this store's migrations.
    /// </summary>
    public abstract string OrleansInvariant { get; }

    /// <summary>The schema steps of this dialect, ascending.</summary>
    protected abstract IReadOnlyList<Migration> Migrations { get; }

    /// <summary>Opens a connection ready for use (pragmas set, etc.).</summary>
    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Starts the write transaction of an append (SQLite takes the write lock up front).</summary>
    protected virtual ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
        => connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    /// <summary>Serialises an instant for this dialect's time columns.</summary>
    protected abstract object ToDb(DateTimeOffset value);

    /// <summary>Reads an instant from this dialect's time columns.</summary>
    protected abstract DateTimeOffset FromDb(DbDataReader reader, int ordinal);

    /// <summary>True when the exception is a primary-key or unique violation.</summary>
    protected abstract bool IsUniqueViolation(Exception exception);

    /// <summary>True when the exception says the database is unreachable, busy or shutting down.</summary>
    protected abstract bool IsTransient(Exception exception);

    /// <summary>Takes the schema migration lock inside the migration transaction, where the dialect has one.</summary>
    protected virtual Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
        => Task.CompletedTask;


    /// <summary>The schema version this build expects.</summary>
    public int ExpectedSchemaVersion => Migrations[^1].Version;

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await LockForMigrationAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)",
            cancellationToken);
        var current = await CurrentSchemaVersionAsync(connection, transaction, cancellationToken);
        foreach (var migration in Migrations.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await using var record = Command(connection, transaction,
                "INSERT INTO schema_migrations (version, description, applied_at) VALUES (@version, @description, @applied_at)");
            Add(record, "version", migration.Version);
            Add(record, "description", migration.Description);
            Add(record, "applied_at", TimeProvider.System.GetUtcNow().ToString("O"));
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            var version = await CurrentSchemaVersionAsync(connection, null, cancellationToken, tolerateMissingTable: true);
            return new StoreHealth(true, version, ExpectedSchemaVersion, version < ExpectedSchemaVersion ? "migrations pending" : null);
        }
        catch (StorageUnavailableException ex)
        {
            return new StoreHealth(false, 0, ExpectedSchemaVersion, ex.Message);
        }
        catch (DbException ex)
        {
            return new StoreHealth(false, 0, ExpectedSchemaVersion, ex.GetType().Name);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long afterVersion, CancellationToken cancellationToken = default)
        => GuardAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = Command(connection, null,
                "SELECT version, event_type, payload, occurred_at, actor FROM grain_events WHERE stream_id = @stream_id AND version > @after ORDER BY version");
            Add(command, "stream_id", streamId);
            Add(command, "after", afterVersion);
            var events = new List<StoredEvent>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                events.Add(new StoredEvent(streamId, reader.GetInt64(0), reader.GetString(1), reader.GetString(2), FromDb(reader, 3),
                    reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
            return (IReadOnlyList<StoredEvent>)events;
        });

    /// <inheritdoc />
    public async Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = StorageTelemetry.Source.StartActivity("storage append");
        activity?.SetTag("casegrains.stream", request.StreamId);
        activity?.SetTag("casegrains.events", request.Events.Count);
        activity?.SetTag("db.system", ProviderName);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await GuardAsync(async () =>
            {
                await using var connection = await OpenAsync(cancellationToken);
                await using var transaction = await BeginWriteAsync(connection, cancellationToken);
                await AppendInTransactionAsync(connection, transaction, request, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return true;
            });
            StorageTelemetry.AppendLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("outcome", "committed"));
        }
        catch (StreamVersionConflictException)
        {
            StorageTelemetry.AppendConflicts.Add(1);
            StorageTelemetry.AppendLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("outcome", "conflict"));
            activity?.SetStatus(ActivityStatusCode.Error, "version conflict");
            throw;
        }
    }

    private async Task AppendInTransactionAsync(DbConnection connection, DbTransaction transaction, AppendRequest request, CancellationToken cancellationToken)
    {
        // The row's update time is the commit's own event time, which comes from the grain's clock.
        var now = request.Events.Count > 0 ? request.Events.Max(e => e.OccurredAt) : TimeProvider.System.GetUtcNow();
        var version = request.ExpectedVersion;
        try
        {
            foreach (var e in request.Events)
            {
                version++;
                await using var insert = Command(connection, transaction,
                    "INSERT INTO grain_events (stream_id, version, event_type, payload, occurred_at, actor) VALUES (@stream_id, @version, @event_type, @payload, @occurred_at, @actor)");
                Add(insert, "stream_id", request.StreamId);
                Add(insert, "version", version);
                Add(insert, "event_type", e.EventType);
                Add(insert, "payload", e.Payload);
                Add(insert, "occurred_at", ToDb(e.OccurredAt));
                Add(insert, "actor", e.Actor);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (IsUniqueViolation(ex))
        {
            throw new StreamVersionConflictException(request.StreamId, request.ExpectedVersion);
        }

        if (request.Index is { } index)
        {
            // The WHERE on the version makes the row a second guard: it moves only from the version we read.
            await using var upsert = Command(connection, transaction, """
                INSERT INTO grain_index (stream_id, grain_type, partition_key, status, period, owner, due_at, created_at, updated_at, version, summary, state)
                VALUES (@stream_id, @grain_type, @partition_key, @status, @period, @owner, @due_at, @created_at, @updated_at, @version, @summary, @state)
                ON CONFLICT (stream_id) DO UPDATE SET
                    grain_type = excluded.grain_type, partition_key = excluded.partition_key, status = excluded.status,
                    period = excluded.period, owner = excluded.owner, due_at = excluded.due_at,
                    updated_at = excluded.updated_at, version = excluded.version, summary = excluded.summary, state = excluded.state
                WHERE grain_index.version = @expected
                """);
            Add(upsert, "stream_id", request.StreamId);
            Add(upsert, "grain_type", index.GrainType);
            Add(upsert, "partition_key", index.Partition);
            Add(upsert, "status", index.Status);
            Add(upsert, "period", index.Period);
            Add(upsert, "owner", index.Owner);
            Add(upsert, "due_at", index.DueAt is { } due ? ToDb(due) : null);
            Add(upsert, "created_at", ToDb(index.CreatedAt));
            Add(upsert, "updated_at", ToDb(now));
            Add(upsert, "version", version);
            Add(upsert, "summary", index.Summary);
            Add(upsert, "state", index.State);
            Add(upsert, "expected", request.ExpectedVersion);
            if (await upsert.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new StreamVersionConflictException(request.StreamId, request.ExpectedVersion);
            }
        }

        if (request.Idempotency is { } record)
        {
            // The key is taken in the same transaction as the case: a retry after a lost answer finds it, and
            // two racing requests with one key cannot both create, since the loser's whole transaction rolls back.
            try
            {
                await InsertIdempotencyRecordAsync(connection, transaction, record, cancellationToken);
            }
            catch (Exception ex) when (IsUniqueViolation(ex))
            {
                throw new IdempotencyKeyTakenException(record.Scope, record.Key);
            }
        }

        foreach (var entry in request.AccessLog ?? [])
        {
            // A command whose answer shows personal data logs that read in its own commit, not in a second one.
            await InsertAccessLogAsync(connection, transaction, entry, cancellationToken);
        }

        if (request.Alert is { } alert)
        {
            // The alert change commits with its cause, keyed by the stream version it came at.
            await using var command = Command(connection, transaction, """
                INSERT INTO alert_log (partition_key, stream_id, version, change, at, payload)
                VALUES (@partition_key, @stream_id, @version, @change, @at, @payload)
                """);
            Add(command, "partition_key", alert.Partition);
            Add(command, "stream_id", request.StreamId);
            Add(command, "version", version);
            Add(command, "change", alert.Change);
            Add(command, "at", ToDb(alert.At));
            Add(command, "payload", alert.Payload);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task<long> LatestAlertIdAsync(CancellationToken cancellationToken = default)
        => GuardAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = Command(connection, null, "SELECT COALESCE(MAX(id), 0) FROM alert_log");
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        });

    /// <inheritdoc />
    public Task<IReadOnlyList<AlertLogRow>> ReadAlertLogAsync(long afterId, IReadOnlyCollection<string>? partitions, int limit, CancellationToken cancellationToken = default)
        => GuardAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            var where = new StringBuilder("id > @after_id");
            Add(command, "after_id", afterId);
            if (partitions is not null)
            {
                if (partitions.Count == 0)
                {
                    return (IReadOnlyList<AlertLogRow>)[];
                }
                var names = partitions.Select((p, i) => { Add(command, $"p{i}", p); return $"@p{i}"; });
                where.Append(" AND partition_key IN (").AppendJoin(", ", names).Append(')');
            }
            Add(command, "limit", limit);
            command.CommandText = $"SELECT id, partition_key, stream_id, version, change, at, payload FROM alert_log WHERE {where} ORDER BY id LIMIT @limit";
            var rows = new List<AlertLogRow>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new AlertLogRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                    FromDb(reader, 5), reader.GetString(6)));
            }
            return (IReadOnlyList<AlertLogRow>)rows;
        });

    /// <inheritdoc />
    public Task<IndexPage> QueryIndexAsync(IndexQuery query, CancellationToken cancellationToken = default)
        => GuardAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(query);
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            var where = new StringBuilder("grain_type = @grain_type");
            Add(command, "grain_type", query.GrainType);
            if (query.Partitions is { } partitions)
            {
                if (partitions.Count == 0)
                {
                    return new IndexPage([], 0);
                }
                var names = partitions.Select((p, i) => { Add(command, $"p{i}", p); return $"@p{i}"; });
                where.Append(" AND partition_key IN (").AppendJoin(", ", names).Append(')');
            }
            if (query.Status is { } status) { where.Append(" AND status = @status"); Add(command, "status", status); }
            if (query.Owner is { } owner) { where.Append(" AND owner = @owner"); Add(command, "owner", owner); }
            if (query.Period is { } period) { where.Append(" AND period = @period"); Add(command, "period", period); }
            if (query.DueAtOrBefore is { } dueBy) { where.Append(" AND due_at <= @due_by"); Add(command, "due_by", ToDb(dueBy)); }
            if (query.NotDueBy is { } notDueBy) { where.Append(" AND (due_at IS NULL OR due_at > @not_due_by)"); Add(command, "not_due_by", ToDb(notDueBy)); }

            command.CommandText = $"SELECT COUNT(*) FROM grain_index WHERE {where}";
            var total = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

            var paging = "";
            if (query.Take is { } take)
            {
                paging = " LIMIT @take OFFSET @skip";
                Add(command, "take", take);
                Add(command, "skip", query.Skip);
            }
            command.CommandText = $"""
                SELECT stream_id, grain_type, partition_key, status, period, owner, due_at, created_at, updated_at, version, summary
                FROM grain_index WHERE {where} ORDER BY created_at DESC, stream_id DESC{paging}
                """;
            var rows = new List<IndexRow>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(ReadIndexRow(reader));
            }
            return new IndexPage(rows, total);
        });

    /// <inheritdoc />
    public Task<IndexRow?> GetIndexRowAsync(string streamId, CancellationToken cancellationToken = default)
        => GuardAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = Command(connection, null, """
                SELECT stream_id, grain_type, partition_key, status, period, owner, due_at, created_at, updated_at, version, summary, state
                FROM grain_index WHERE stream_id = @stream_id
                """);
            Add(command, "stream_id", streamId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? ReadIndexRow(reader) : null;
        });

    private IndexRow ReadIndexRow(DbDataReader reader) => new(
        reader.GetString(0),
        new IndexEntry(
            reader.GetString(1), reader.GetString(2), reader.GetString(3), Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.IsDBNull(6) ? null : FromDb(reader, 6),
            FromDb(reader, 7),
            reader.GetString(10),
            reader.FieldCount > 11 && !reader.IsDBNull(11) ? reader.GetString(11) : null),
        reader.GetInt64(9),
        FromDb(reader, 8));

    /// <summary>The sweep's statement: grain ids of current-state rows whose reminder starts at or before @now;
    /// parameters @service_id, @now (as the reminder table's time column takes it).</summary>
    protected abstract string PassedRemindersSql { get; }

    /// <summary>The reminder table's time parameter for an instant.</summary>
    protected virtual object ToReminderTime(DateTimeOffset value) => value.UtcDateTime;

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> FindPassedRemindersAsync(string serviceId, DateTimeOffset now, CancellationToken cancellationToken = default)
        => GuardAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = Command(connection, null, PassedRemindersSql);
            Add(command, "service_id", serviceId);
            Add(command, "now", ToReminderTime(now));
            var ids = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
            return (IReadOnlyList<string>)ids;
        });

    /// <inheritdoc />
    public Task<IdempotencyRecord?> GetIdempotencyRecordAsync(string scope, string key, CancellationToken cancellationToken = default)
        => GuardAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await ReadIdempotencyAsync(connection, scope, key, cancellationToken);
        });

    private async Task InsertIdempotencyRecordAsync(DbConnection connection, DbTransaction transaction, IdempotencyRecord record, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, status_code, location, body, created_at)
            VALUES (@scope, @key, @request_hash, @status_code, @location, @body, @created_at)
            """);
        Add(command, "scope", record.Scope);
        Add(command, "key", record.Key);
        Add(command, "request_hash", record.RequestHash);
        Add(command, "status_code", record.StatusCode);
        Add(command, "location", record.Location);
        Add(command, "body", record.Body);
        Add(command, "created_at", ToDb(record.CreatedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task AppendAccessLogAsync(IReadOnlyList<AccessLogEntry> entries, CancellationToken cancellationToken = default)
        => GuardAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(entries);
            if (entries.Count == 0)
            {
                return true;
            }
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await BeginWriteAsync(connection, cancellationToken);
            foreach (var entry in entries)
            {
                await InsertAccessLogAsync(connection, transaction, entry, cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return true;
        });

    private async Task InsertAccessLogAsync(DbConnection connection, DbTransaction? transaction, AccessLogEntry entry, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            INSERT INTO access_log (at, actor, role, partition_key, stream_id, purpose)
            VALUES (@at, @actor, @role, @partition_key, @stream_id, @purpose)
            """);
        Add(command, "at", ToDb(entry.At));
        Add(command, "actor", entry.Actor);
        Add(command, "role", entry.Role);
        Add(command, "partition_key", entry.Partition);
        Add(command, "stream_id", entry.StreamId);
        Add(command, "purpose", entry.Purpose);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AccessLogEntry>> ReadAccessLogAsync(string? partition, int limit, CancellationToken cancellationToken = default)
        => GuardAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = Command(connection, null, $"""
                SELECT at, actor, role, partition_key, stream_id, purpose FROM access_log
                {(partition is null ? "" : "WHERE partition_key = @partition_key")}
                ORDER BY at DESC, stream_id LIMIT @limit
                """);
            if (partition is not null)
            {
                Add(command, "partition_key", partition);
            }
            Add(command, "limit", limit);
            var entries = new List<AccessLogEntry>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new AccessLogEntry(FromDb(reader, 0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
            }
            return (IReadOnlyList<AccessLogEntry>)entries;
        });

    private async Task<IdempotencyRecord?> ReadIdempotencyAsync(DbConnection connection, string scope, string key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, """
            SELECT request_hash, status_code, location, body, created_at FROM idempotency_keys
            WHERE scope = @scope AND idempotency_key = @key
            """);
        Add(command, "scope", scope);
        Add(command, "key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new IdempotencyRecord(scope, key, reader.GetString(0), Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
            reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), FromDb(reader, 4));
    }

    private async Task<int> CurrentSchemaVersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken, bool tolerateMissingTable = false)
    {
        try
        {
            await using var command = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (DbException) when (tolerateMissingTable)
        {
            return 0;
        }
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await OpenConnectionAsync(cancellationToken);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            throw new StorageUnavailableException($"The {ProviderName} database cannot be reached ({ex.GetType().Name}).", ex);
        }
    }

    /// <summary>Turns transient provider errors into <see cref="StorageUnavailableException"/>.</summary>
    protected async Task<T> GuardAsync<T>(Func<Task<T>> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            return await operation();
        }
        catch (Exception ex) when (ex is not StreamVersionConflictException and not StorageUnavailableException && IsTransient(ex))
        {
            throw new StorageUnavailableException($"The {ProviderName} database is unavailable ({ex.GetType().Name}).", ex);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
