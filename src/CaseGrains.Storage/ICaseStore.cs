namespace CaseGrains.Storage;

/// <summary>
/// The case store behind the grains: event streams (the audit trail), the current-state index,
/// idempotency records and the access log, in SQLite or PostgreSQL. Orleans' own tables (membership,
/// reminders, snapshot state) live in the same database, created by the same migrations.
/// Every implementation passes the same conformance suite.
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
    /// current-state row, the request's idempotency record and its access-log rows. Throws
    /// <see cref="StreamVersionConflictException"/> when another writer got there first, and
    /// <see cref="IdempotencyKeyTakenException"/> when the idempotency key is already used; nothing is written then.
    /// </summary>
    Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default);

    /// <summary>Lists current-state rows, filtered and paged, newest first.</summary>
    Task<IndexPage> QueryIndexAsync(IndexQuery query, CancellationToken cancellationToken = default);

    /// <summary>Reads one current-state row, or null.</summary>
    Task<IndexRow?> GetIndexRowAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The grain ids (<c>petition/{township}/{case}</c>) of cases whose Orleans reminder is still armed with a
    /// start at or before <paramref name="now"/>: deadlines that passed and were not handled yet.
    /// </summary>
    Task<IReadOnlyList<string>> FindPassedRemindersAsync(string serviceId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Reads a remembered answer for an idempotency key, or null.</summary>
    Task<IdempotencyRecord?> GetIdempotencyRecordAsync(string scope, string key, CancellationToken cancellationToken = default);

    /// <summary>Records reads of unmasked personal data, all in one commit.</summary>
    Task AppendAccessLogAsync(IReadOnlyList<AccessLogEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Alert changes with an id above <paramref name="afterId"/>, oldest first, optionally of some partitions
    /// (townships) only: what a live stream sends, and what a reconnecting client missed.
    /// </summary>
    Task<IReadOnlyList<AlertLogRow>> ReadAlertLogAsync(long afterId, IReadOnlyCollection<string>? partitions, int limit, CancellationToken cancellationToken = default);

    /// <summary>The highest alert-change id so far (0 when none): where a live stream starts.</summary>
    Task<long> LatestAlertIdAsync(CancellationToken cancellationToken = default);

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
/// The current-state row of a grain: a few indexed columns for lists, filters and rollups, a JSON
/// summary (no personal data), and the grain's whole state as a JSON snapshot that activation reads
/// instead of replaying the stream. It is written in the same transaction as the events, so it never
/// runs ahead or behind. Lists read the summary only; <see cref="State"/> is null in their rows.
/// </summary>
public sealed record IndexEntry(
    string GrainType,
    string Partition,
    string Status,
    int Period,
    string? Owner,
    DateTimeOffset? DueAt,
    DateTimeOffset CreatedAt,
    string Summary,
    string? State = null);

/// <summary>A stored current-state row.</summary>
public sealed record IndexRow(string StreamId, IndexEntry Entry, long Version, DateTimeOffset UpdatedAt);

/// <summary>Everything one command writes.</summary>
public sealed record AppendRequest(
    string StreamId,
    long ExpectedVersion,
    IReadOnlyList<NewEvent> Events,
    IndexEntry? Index = null,
    IdempotencyRecord? Idempotency = null,
    IReadOnlyList<AccessLogEntry>? AccessLog = null,
    AlertLogEntry? Alert = null);

/// <summary>
/// A change of a case's alert (raised, or cleared), written with the events that caused it, so that a stream
/// of alert changes can be replayed from any point. <paramref name="Payload"/> is the alert item as JSON (no personal data).
/// </summary>
public sealed record AlertLogEntry(string Partition, string Change, DateTimeOffset At, string Payload);

/// <summary>A stored alert change; <paramref name="Id"/> orders them and is the stream's event id.</summary>
public sealed record AlertLogRow(long Id, string Partition, string StreamId, long Version, string Change, DateTimeOffset At, string Payload);

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

/// <summary>A remembered answer to a request that carried an <c>Idempotency-Key</c>.</summary>
public sealed record IdempotencyRecord(string Scope, string Key, string RequestHash, int StatusCode, string? Location, string Body, DateTimeOffset CreatedAt);

/// <summary>Another writer appended to the stream first; re-read and re-decide.</summary>
public sealed class StreamVersionConflictException(string streamId, long expectedVersion)
    : Exception($"Stream '{streamId}' is no longer at version {expectedVersion}.")
{
    public string StreamId { get; } = streamId;
    public long ExpectedVersion { get; } = expectedVersion;
}

/// <summary>The request's idempotency key was taken by another request first; nothing was written.</summary>
public sealed class IdempotencyKeyTakenException(string scope, string key)
    : Exception("The idempotency key is already used.")
{
    public string Scope { get; } = scope;
    public string Key { get; } = key;
}

/// <summary>The database cannot be reached or refused for a passing reason; the caller may retry later.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
