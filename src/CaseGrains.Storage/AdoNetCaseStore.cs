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

    /// <summary>The table of a unique violation, where the driver tells it (to know which statement of a batch failed).</summary>
    protected virtual string? ViolatedTable(Exception exception) => null;

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

    /// <summary>What a statement of an append writes, so that a violation can be told apart: a clash or a taken key.</summary>
    private enum AppendPart
    {
        Event,
        Index,
        Idempotency,
        AccessLog,
        Alert,
    }

    /// <summary>One statement of an append and its parameters.</summary>
    private sealed record AppendStatement(AppendPart Part, string Sql, (string Name, object? Value)[] Parameters);

    private const string InsertEventSql =
        "INSERT INTO grain_events (stream_id, version, event_type, payload, occurred_at, actor) VALUES (@stream_id, @version, @event_type, @payload, @occurred_at, @actor)";

    // The WHERE on the version makes the row a second guard: it moves only from the version we read.
    private const string UpsertIndexSql = """
        INSERT INTO grain_index (stream_id, grain_type, partition_key, status, period, owner, due_at, created_at, updated_at, version, summary, state)
        VALUES (@stream_id, @grain_type, @partition_key, @status, @period, @owner, @due_at, @created_at, @updated_at, @version, @summary, @state)
        ON CONFLICT (stream_id) DO UPDATE SET
            grain_type = excluded.grain_type, partition_key = excluded.partition_key, status = excluded.status,
            period = excluded.period, owner = excluded.owner, due_at = excluded.due_at,
            updated_at = excluded.updated_at, version = excluded.version, summary = excluded.summary, state = excluded.state
        WHERE grain_index.version = @expected
        """;

    private const string InsertAlertSql = """
        INSERT INTO alert_log (partition_key, stream_id, version, change, at, payload)
        VALUES (@partition_key, @stream_id, @version, @change, @at, @payload)
        """;

    private const string InsertIdempotencySql = """
        INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, status_code, location, body, created_at)
        VALUES (@scope, @key, @request_hash, @status_code, @location, @body, @created_at)
        """;

    private AppendStatement[] AppendStatements(AppendRequest request)
    {
        // The row's update time is the commit's own event time, which comes from the grain's clock.
        var now = request.Events.Count > 0 ? request.Events.Max(e => e.OccurredAt) : TimeProvider.System.GetUtcNow();
        var statements = new List<AppendStatement>(request.Events.Count + 3);
        var version = request.ExpectedVersion;
        foreach (var e in request.Events)
        {
            version++;
            statements.Add(new(AppendPart.Event, InsertEventSql,
                [("stream_id", request.StreamId), ("version", version), ("event_type", e.EventType), ("payload", e.Payload),
                 ("occurred_at", ToDb(e.OccurredAt)), ("actor", e.Actor)]));
        }
        if (request.Index is { } index)
        {
            statements.Add(new(AppendPart.Index, UpsertIndexSql,
                [("stream_id", request.StreamId), ("grain_type", index.GrainType), ("partition_key", index.Partition), ("status", index.Status),
                 ("period", index.Period), ("owner", index.Owner), ("due_at", index.DueAt is { } due ? ToDb(due) : null),
                 ("created_at", ToDb(index.CreatedAt)), ("updated_at", ToDb(now)), ("version", version), ("summary", index.Summary),
                 ("state", index.State), ("expected", request.ExpectedVersion)]));
        }
        if (request.Idempotency is { } record)
        {
            // The key is taken in the same transaction as the case: a retry after a lost answer finds it, and
            // two racing requests with one key cannot both create, since the loser's whole transaction rolls back.
            statements.Add(new(AppendPart.Idempotency, InsertIdempotencySql,
                [("scope", record.Scope), ("key", record.Key), ("request_hash", record.RequestHash), ("status_code", record.StatusCode),
                 ("location", record.Location), ("body", record.Body), ("created_at", ToDb(record.CreatedAt))]));
        }
        foreach (var entry in request.AccessLog ?? [])
        {
            // A command whose answer shows personal data logs that read in its own commit, not in a second one.
            statements.Add(new(AppendPart.AccessLog, InsertAccessLogSql(1), AccessLogParameters(entry, 0)));
        }
        if (request.Alert is { } alert)
        {
            // The alert change commits with its cause, keyed by the stream version it came at.
            statements.Add(new(AppendPart.Alert, InsertAlertSql,
                [("partition_key", alert.Partition), ("stream_id", request.StreamId), ("version", version), ("change", alert.Change),
                 ("at", ToDb(alert.At)), ("payload", alert.Payload)]));
        }
        return [.. statements];
    }

    /// <summary>
    /// Writes an append's statements inside its transaction. Where the driver batches (PostgreSQL), they travel
    /// in one round trip and run in order, stopping at the first error; elsewhere (SQLite, in-process anyway)
    /// one after the other. Either way a unique violation of an event is a version clash, one of the
    /// idempotency key a taken key, and an index row that did not move from the expected version a clash.
    /// </summary>
    private async Task AppendInTransactionAsync(DbConnection connection, DbTransaction transaction, AppendRequest request, CancellationToken cancellationToken)
    {
        var statements = AppendStatements(request);
        var affected = new int[statements.Length];
        var failing = AppendPart.Event;
        try
        {
            if (connection.CanCreateBatch)
            {
                await using var batch = connection.CreateBatch();
                batch.Transaction = transaction;
                foreach (var statement in statements)
                {
                    var command = batch.CreateBatchCommand();
                    command.CommandText = statement.Sql;
                    foreach (var (name, value) in statement.Parameters)
                    {
                        var parameter = command.CreateParameter();
                        parameter.ParameterName = name;
                        parameter.Value = value ?? DBNull.Value;
                        command.Parameters.Add(parameter);
                    }
                    batch.BatchCommands.Add(command);
                }
                try
                {
                    await batch.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (DbException ex) when (IsUniqueViolation(ex))
                {
                    var index = ex.BatchCommand is { } failed ? batch.BatchCommands.IndexOf(failed) : -1;
                    failing = ViolatedTable(ex) switch
                    {
                        "idempotency_keys" => AppendPart.Idempotency,
                        "grain_events" => AppendPart.Event,
                        _ => index >= 0 ? statements[index].Part : AppendPart.Event,
                    };
                    throw;
                }
                for (var i = 0; i < statements.Length; i++)
                {
                    affected[i] = batch.BatchCommands[i].RecordsAffected;
                }
            }
            else
            {
                for (var i = 0; i < statements.Length; i++)
                {
                    failing = statements[i].Part;
                    await using var command = Command(connection, transaction, statements[i].Sql);
                    foreach (var (name, value) in statements[i].Parameters)
                    {
                        Add(command, name, value);
                    }
                    affected[i] = await command.ExecuteNonQueryAsync(cancellationToken);
                }
            }
        }
        catch (Exception ex) when (IsUniqueViolation(ex))
        {
            if (failing == AppendPart.Idempotency)
            {
                throw new IdempotencyKeyTakenException(request.Idempotency!.Scope, request.Idempotency.Key);
            }
            throw new StreamVersionConflictException(request.StreamId, request.ExpectedVersion);
        }
        for (var i = 0; i < statements.Length; i++)
        {
            if (statements[i].Part == AppendPart.Index && affected[i] != 1)
            {
                throw new StreamVersionConflictException(request.StreamId, request.ExpectedVersion);
            }
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

    /// <summary>Rows per access-log INSERT: well under both drivers' parameter limits.</summary>
    private const int AccessLogRowsPerStatement = 200;

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
            // Many rows go in a few multi-row INSERTs rather than one statement (and round trip) each.
            foreach (var chunk in entries.Chunk(AccessLogRowsPerStatement))
            {
                await using var command = Command(connection, transaction, InsertAccessLogSql(chunk.Length));
                for (var row = 0; row < chunk.Length; row++)
                {
                    foreach (var (name, value) in AccessLogParameters(chunk[row], row))
                    {
                        Add(command, name, value);
                    }
                }
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return true;
        });

    /// <summary>An INSERT of <paramref name="rows"/> access-log rows; row i takes the parameters suffixed with i.</summary>
    private static string InsertAccessLogSql(int rows)
    {
        var sql = new StringBuilder("INSERT INTO access_log (at, actor, role, partition_key, stream_id, purpose) VALUES ");
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(System.Globalization.CultureInfo.InvariantCulture,
                $"(@at{i}, @actor{i}, @role{i}, @partition_key{i}, @stream_id{i}, @purpose{i})");
        }
        return sql.ToString();
    }

    private (string Name, object? Value)[] AccessLogParameters(AccessLogEntry entry, int row) =>
    [
        ($"at{row}", ToDb(entry.At)), ($"actor{row}", entry.Actor), ($"role{row}", entry.Role),
        ($"partition_key{row}", entry.Partition), ($"stream_id{row}", entry.StreamId), ($"purpose{row}", entry.Purpose),
    ];

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
