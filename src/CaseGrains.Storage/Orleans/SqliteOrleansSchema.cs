namespace CaseGrains.Storage.OrleansSql;

/// <summary>
/// SQLite tables and statements for Orleans' ADO.NET clustering, reminder and grain-storage providers
/// (invariant <c>System.Data.SQLite</c>, which Orleans maps to Microsoft.Data.Sqlite). The providers bring no
/// SQL: they read <c>OrleansQuery</c> at start-up and run these statements with named parameters, reading
/// result columns by name.
/// </summary>
/// <remarks>
/// SQLite runs one writing statement at a time, so a single statement is atomic and serialised against every
/// other writer. Where a write must also move another table on (the membership version), a trigger does it
/// inside the same statement; where Orleans needs an answer row even when nothing changed, a following
/// <c>SELECT</c> reads <c>changes()</c>, the row count of this connection's last write. Times are TEXT as
/// Microsoft.Data.Sqlite binds a <see cref="DateTime"/> (<c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>, exact to the tick),
/// which also sorts chronologically as text.
/// </remarks>
internal static class SqliteOrleansSchema
{
    private const string Now = "strftime('%Y-%m-%d %H:%M:%f', 'now')";

    private const string Tables = $"""
        -- Orleans' providers find their statements by key in this table; its name and columns are fixed by Orleans.
        CREATE TABLE OrleansQuery (QueryKey TEXT PRIMARY KEY, QueryText TEXT NOT NULL);

        -- One row per cluster: the table version the membership protocol moves on with every insert or update of a member.
        CREATE TABLE orleans_membership_version (
            deployment_id TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;

        -- One row per silo incarnation, named by (address, port, generation); no foreign key, as Orleans' connections don't enforce them.
        CREATE TABLE orleans_membership (
            deployment_id TEXT NOT NULL, address TEXT NOT NULL, port INTEGER NOT NULL, generation INTEGER NOT NULL,
            silo_name TEXT NOT NULL, host_name TEXT NOT NULL, status INTEGER NOT NULL, proxy_port INTEGER NOT NULL,
            suspect_times TEXT, start_time TEXT NOT NULL, i_am_alive_time TEXT NOT NULL,
            PRIMARY KEY (deployment_id, address, port, generation)) WITHOUT ROWID;

        -- A new member moves its cluster's version on inside the inserting statement, so guard, insert and bump are one atomic step.
        CREATE TRIGGER orleans_membership_inserted AFTER INSERT ON orleans_membership
        BEGIN
            UPDATE orleans_membership_version SET version = version + 1, updated_at = {Now}
            WHERE deployment_id = NEW.deployment_id;
        END;

        -- So does a change of status or suspicions; the heartbeat writes i_am_alive_time alone and leaves the version be.
        CREATE TRIGGER orleans_membership_updated AFTER UPDATE OF status, suspect_times ON orleans_membership
        BEGIN
            UPDATE orleans_membership_version SET version = version + 1, updated_at = {Now}
            WHERE deployment_id = NEW.deployment_id;
        END;

        -- Durable reminders of a service; version is the etag, grain_hash the grain's signed 32-bit ring position.
        CREATE TABLE orleans_reminders (
            service_id TEXT NOT NULL, grain_id TEXT NOT NULL, reminder_name TEXT NOT NULL, grain_hash INTEGER NOT NULL,
            start_time TEXT NOT NULL, period INTEGER NOT NULL, version INTEGER NOT NULL,
            PRIMARY KEY (service_id, grain_id, reminder_name)) WITHOUT ROWID;

        -- Each silo reads the reminders of its slice of the hash ring.
        CREATE INDEX ix_orleans_reminders_hash ON orleans_reminders (service_id, grain_hash);

        -- Grain state per (grain, state name), version the etag; the key hash leads the key and separates key kinds sharing N0/N1/string.
        CREATE TABLE orleans_grain_state (
            grain_id_hash INTEGER NOT NULL, grain_type_hash INTEGER NOT NULL, service_id TEXT NOT NULL, grain_type TEXT NOT NULL,
            grain_id_n0 INTEGER NOT NULL, grain_id_n1 INTEGER NOT NULL, grain_id_string TEXT NOT NULL,
            payload BLOB, version INTEGER NOT NULL, modified_at TEXT NOT NULL,
            PRIMARY KEY (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_string));
        """;

    // orleans_grain_state: the hash is part of the key because string key "s" and integer key 0 with extension "s"
    // share N0/N1/string; grain_id_string is the string key or key extension, '' when none (Orleans itself treats
    // an empty extension as none), so the key has no NULL column and can be the primary key. Unlike the small
    // tables it keeps its rowid: payloads can be large.
    private const string MemberColumns = """
        m.address AS Address, m.port AS Port, m.generation AS Generation, m.silo_name AS SiloName,
        m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort, m.suspect_times AS SuspectTimes,
        m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime
        """;

    private const string ReminderColumns = """
        grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
        """;

    private const string GrainKey = """
        grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
        AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
        AND grain_id_string = COALESCE(@GrainIdExtensionString, '')
        """;

    /// <summary>The statements, one per key the providers read.</summary>
    internal static IReadOnlyList<OrleansQuery> Queries { get; } =
    [
        // ---- Clustering ----
        new("InsertMembershipVersionKey",
            "Every silo tries to create its cluster's version row at 0; true only for the one that did.",
            $"""
            INSERT INTO orleans_membership_version (deployment_id, version, updated_at)
            VALUES (@DeploymentId, 0, {Now})
            ON CONFLICT (deployment_id) DO NOTHING;
            SELECT changes() > 0 AS Created;
            """),
        new("InsertMembershipKey",
            "Inserts only while the table version is the one the caller read (and the member is new); the trigger moves the version on in the same statement.",
            """
            INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                            proxy_port, suspect_times, start_time, i_am_alive_time)
            SELECT @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, NULL, @StartTime, @IAmAliveTime
            WHERE EXISTS (SELECT 1 FROM orleans_membership_version WHERE deployment_id = @DeploymentId AND version = @Version)
            ON CONFLICT (deployment_id, address, port, generation) DO NOTHING;
            SELECT changes() > 0 AS Inserted;
            """),
        new("UpdateMembershipKey",
            "Like the insert: the member changes only under the table version it was read at, and the trigger moves the version on.",
            """
            UPDATE orleans_membership SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
            WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
              AND EXISTS (SELECT 1 FROM orleans_membership_version WHERE deployment_id = @DeploymentId AND version = @Version);
            SELECT changes() > 0 AS Updated;
            """),
        new("UpdateIAmAlivetimeKey",
            "The heartbeat touches one column of one member and, by the protocol, not the table version.",
            """
            UPDATE orleans_membership SET i_am_alive_time = @IAmAliveTime
            WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
            """),
        new("MembershipReadRowKey",
            "The version row left-joined to one member, so the table version comes back even when the member does not exist.",
            $"""
            SELECT v.version AS Version, {MemberColumns}
            FROM orleans_membership_version v
            LEFT JOIN orleans_membership m
                ON m.deployment_id = v.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
            WHERE v.deployment_id = @DeploymentId;
            """),
        new("MembershipReadAllKey",
            "The version row left-joined to all members: one row with NULL member columns when the cluster has none.",
            $"""
            SELECT v.version AS Version, {MemberColumns}
            FROM orleans_membership_version v
            LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
            WHERE v.deployment_id = @DeploymentId;
            """),
        new("GatewaysQueryKey",
            "Clients connect to the active silos that listen for them (proxy port above zero).",
            """
            SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
            FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;
            """),
        new("CleanupDefunctSiloEntriesKey",
            "Defunct as Orleans' own tables define it: not Active, and neither started nor alive since the cut-off (TEXT times compare in time order).",
            """
            DELETE FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND status <> 3 AND max(start_time, i_am_alive_time) < @IAmAliveTime;
            """),
        new("DeleteMembershipTableEntriesKey",
            "Forgetting a cluster removes its members, then its version row.",
            """
            DELETE FROM orleans_membership WHERE deployment_id = @DeploymentId;
            DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId;
            """),

        // ---- Reminders ----
        new("UpsertReminderRowKey",
            "One atomic upsert; every write moves the version on and returns it as the new etag.",
            """
            INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_time, period, version)
            VALUES (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, 1)
            ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
            SET grain_hash = excluded.grain_hash, start_time = excluded.start_time, period = excluded.period,
                version = orleans_reminders.version + 1
            RETURNING version AS Version;
            """),
        new("ReadReminderRowKey",
            "One reminder by its primary key.",
            $"""
            SELECT {ReminderColumns} FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName;
            """),
        new("ReadReminderRowsKey",
            "All reminders of one grain: a prefix of the primary key.",
            $"""
            SELECT {ReminderColumns} FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_id = @GrainId;
            """),
        new("ReadRangeRows1Key",
            "A ring slice that does not wrap: (begin, end] on the signed hashes exactly as Orleans passes them.",
            $"""
            SELECT {ReminderColumns} FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash;
            """),
        new("ReadRangeRows2Key",
            "A ring slice that wraps past the top (Orleans also uses it for the whole ring, begin = end).",
            $"""
            SELECT {ReminderColumns} FROM orleans_reminders
            WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);
            """),
        new("DeleteReminderRowKey",
            "Removes the reminder only at the etag the caller holds; always one boolean row saying whether it did.",
            """
            DELETE FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version;
            SELECT changes() > 0 AS Deleted;
            """),
        new("DeleteReminderRowsKey",
            "Removes every reminder of the service (Orleans' test-only clear).",
            """
            DELETE FROM orleans_reminders WHERE service_id = @ServiceId;
            """),

        // ---- Grain storage ----
        new("WriteToStorageKey",
            "One upsert: no etag inserts only a new row, an etag updates only its own version; then one row back, NULL on a clash, which Orleans turns into InconsistentStateException.",
            $"""
            INSERT INTO orleans_grain_state (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1,
                                             grain_id_string, payload, version, modified_at)
            SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
                   COALESCE(@GrainIdExtensionString, ''), @PayloadBinary, 1, {Now}
            WHERE @GrainStateVersion IS NULL OR EXISTS (SELECT 1 FROM orleans_grain_state WHERE {GrainKey})
            ON CONFLICT (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_string) DO UPDATE
            SET payload = excluded.payload, version = orleans_grain_state.version + 1, modified_at = excluded.modified_at
            WHERE orleans_grain_state.version = @GrainStateVersion;
            SELECT CASE WHEN changes() = 0 THEN NULL WHEN @GrainStateVersion IS NULL THEN 1 ELSE @GrainStateVersion + 1 END
                AS NewGrainStateVersion;
            """),
        new("ReadFromStorageKey",
            "The payload (NULL once cleared) and its version; no row when the grain never wrote.",
            $"""
            SELECT payload AS PayloadBinary, version AS Version FROM orleans_grain_state WHERE {GrainKey};
            """),
        new("ClearStorageKey",
            "Clearing keeps the row with a NULL payload and moves the version on, only at the caller's etag; NULL on a clash.",
            $"""
            UPDATE orleans_grain_state SET payload = NULL, version = version + 1, modified_at = {Now}
            WHERE {GrainKey} AND version = @GrainStateVersion;
            SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 END AS NewGrainStateVersion;
            """),
        new("DeleteStorageKey",
            "DeleteStateOnClear removes the row at the caller's etag and answers version + 1, which the provider checks; NULL on a clash.",
            $"""
            DELETE FROM orleans_grain_state WHERE {GrainKey} AND version = @GrainStateVersion;
            SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 END AS NewGrainStateVersion;
            """),
    ];

    /// <summary>Schema version 3 of the SQLite store.</summary>
    public static Migration Migration { get; } =
        new(3, "tables and queries of Orleans' ADO.NET providers", OrleansQueryTable.Render(Tables, Queries));
}
