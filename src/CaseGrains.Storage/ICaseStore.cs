namespace CaseGrains.Storage;

/// <summary>
/// The durable store behind the grain host: event streams, the current-state index, reminders
/// and idempotency records. Every implementation passes the same conformance suite.
/// </summary>
public interface ICaseStore
{
    /// <summary>The provider's name, for logs and health answers.</summary>
    string ProviderName { get; }

    /// <summary>Applies every pending schema migration; safe to call from several nodes at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Succeeds when the database answers and the schema is at the expected version.</summary>
    Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the events of one stream with a version greater than <paramref name="afterVersion"/>, in order.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long afterVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends events at <c>expectedVersion + 1 …</c> in one transaction, together with the stream's
    /// current-state row and reminder changes. Throws <see cref="StreamVersionConflictException"/> when
    /// another writer got there first; nothing is written then.
    /// </summary>
    Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default);

    /// <summary>Lists current-state rows, filtered and paged, newest first.</summary>
    Task<IndexPage> QueryIndexAsync(IndexQuery query, CancellationToken cancellationToken = default);

    /// <summary>Reads one current-state row, or null.</summary>
    Task<IndexRow?> GetIndexRowAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>Arms (or re-arms) a one-shot reminder; a new arming gets a new generation and clears any lease.</summary>
    Task UpsertReminderAsync(ReminderKey key, DateTimeOffset dueAt, CancellationToken cancellationToken = default);

    /// <summary>Removes a reminder whatever its generation.</summary>
    Task DeleteReminderAsync(ReminderKey key, CancellationToken cancellationToken = default);

    /// <summary>Reads one reminder, or null.</summary>
    Task<ReminderRow?> GetReminderAsync(ReminderKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases up to <paramref name="max"/> due reminders that nobody holds (or whose lease ran out) to
    /// <paramref name="owner"/> until <paramref name="leaseUntil"/>. Two nodes never lease the same arming at once.
    /// </summary>
    Task<IReadOnlyList<ReminderRow>> LeaseDueRemindersAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default);

    /// <summary>Deletes a fired reminder if it is still the arming that was leased (same generation).</summary>
    Task<bool> CompleteReminderAsync(ReminderKey key, long generation, string owner, CancellationToken cancellationToken = default);

    /// <summary>Gives a leased reminder back so that it fires again at <paramref name="retryAt"/>.</summary>
    Task ReleaseReminderAsync(ReminderKey key, long generation, string owner, DateTimeOffset retryAt, CancellationToken cancellationToken = default);

    /// <summary>Reads a remembered answer for an idempotency key, or null.</summary>
    Task<IdempotencyRecord?> GetIdempotencyRecordAsync(string scope, string key, CancellationToken cancellationToken = default);

    /// <summary>Remembers the answer for an idempotency key; the first writer wins and its record is returned.
    /// A record with status 0 is a reservation: the first request is still running.</summary>
    Task<IdempotencyRecord> SaveIdempotencyRecordAsync(IdempotencyRecord record, CancellationToken cancellationToken = default);

    /// <summary>Fills in the answer of a reserved key.</summary>
    Task CompleteIdempotencyRecordAsync(IdempotencyRecord record, CancellationToken cancellationToken = default);

    /// <summary>Forgets a key (a reservation whose request failed, so that a retry may run).</summary>
    Task DeleteIdempotencyRecordAsync(string scope, string key, CancellationToken cancellationToken = default);

    /// <summary>Records a read of unmasked personal data.</summary>
    Task AppendAccessLogAsync(AccessLogEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The latest access-log entries, newest first, optionally of one partition (township).</summary>
    Task<IReadOnlyList<AccessLogEntry>> ReadAccessLogAsync(string? partition, int limit, CancellationToken cancellationToken = default);
}

/// <summary>One read of unmasked personal data: who, when, which record, why. Never the data itself.</summary>
public sealed record AccessLogEntry(DateTimeOffset At, string Actor, string Role, string Partition, string StreamId, string Purpose);

/// <summary>What the readiness probe learns from the store.</summary>
public sealed record StoreHealth(bool Reachable, int SchemaVersion, int ExpectedSchemaVersion, string? Problem)
{
    /// <summary>True when the database answers and every migration is applied.</summary>
    public bool Ready => Reachable && SchemaVersion >= ExpectedSchemaVersion;
}

/// <summary>One event as stored.</summary>
public sealed record StoredEvent(string StreamId, long Version, string EventType, string Payload, DateTimeOffset OccurredAt, string? Actor);

/// <summary>One event to append.</summary>
public sealed record NewEvent(string EventType, string Payload, DateTimeOffset OccurredAt, string? Actor);

/// <summary>
/// The current-state row of a grain: a few indexed columns for lists, filters and rollups, and a JSON
/// summary. It is written in the same transaction as the events, so it never runs ahead or behind.
/// </summary>
public sealed record IndexEntry(
    string GrainType,
    string Partition,
    string Status,
    int Period,
    string? Owner,
    DateTimeOffset? DueAt,
    DateTimeOffset CreatedAt,
    string Summary);

/// <summary>A stored current-state row.</summary>
public sealed record IndexRow(string StreamId, IndexEntry Entry, long Version, DateTimeOffset UpdatedAt);

/// <summary>A change to a reminder made atomically with an append.</summary>
/// <param name="Name">The reminder's name within its grain.</param>
/// <param name="DueAt">When it fires; null removes it.</param>
public sealed record ReminderChange(string Name, DateTimeOffset? DueAt);

/// <summary>Everything one command writes.</summary>
public sealed record AppendRequest(
    string StreamId,
    long ExpectedVersion,
    IReadOnlyList<NewEvent> Events,
    IndexEntry? Index = null,
    string? GrainType = null,
    string? GrainKey = null,
    IReadOnlyList<ReminderChange>? Reminders = null);

/// <summary>Filters for <see cref="ICaseStore.QueryIndexAsync"/>. Null means "any".</summary>
public sealed record IndexQuery(string GrainType)
{
    /// <summary>Rows of these partitions only (a township, or the townships of a county).</summary>
    public IReadOnlyCollection<string>? Partitions { get; init; }
    public string? Status { get; init; }
    public string? Owner { get; init; }
    public int? Period { get; init; }
    /// <summary>Rows whose due instant is at or before this one (overdue lists).</summary>
    public DateTimeOffset? DueAtOrBefore { get; init; }
    /// <summary>Rows whose due instant is after this one, or that have none.</summary>
    public DateTimeOffset? NotDueBy { get; init; }
    public int Skip { get; init; }
    /// <summary>Page size; null reads every matching row.</summary>
    public int? Take { get; init; }
}

/// <summary>A page of rows and the total that matched.</summary>
public sealed record IndexPage(IReadOnlyList<IndexRow> Rows, int Total);

/// <summary>Identifies a reminder: the grain it wakes and its name.</summary>
public sealed record ReminderKey(string GrainType, string GrainKey, string Name);

/// <summary>A stored reminder.</summary>
public sealed record ReminderRow(ReminderKey Key, DateTimeOffset DueAt, long Generation, string? LeaseOwner, DateTimeOffset? LeaseUntil);

/// <summary>A remembered answer to a request that carried an <c>Idempotency-Key</c>.</summary>
public sealed record IdempotencyRecord(string Scope, string Key, string RequestHash, int StatusCode, string? Location, string Body, DateTimeOffset CreatedAt);

/// <summary>Another writer appended to the stream first; re-read and re-decide.</summary>
public sealed class StreamVersionConflictException(string streamId, long expectedVersion)
    : Exception($"Stream '{streamId}' is no longer at version {expectedVersion}.")
{
    public string StreamId { get; } = streamId;
    public long ExpectedVersion { get; } = expectedVersion;
}

/// <summary>The database cannot be reached or refused for a passing reason; the caller may retry later.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
