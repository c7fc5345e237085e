namespace CaseGrains.Storage.OrleansSql;

/// <summary>
/// PostgreSQL tables and statements for Orleans' ADO.NET clustering, reminder and grain-storage providers
/// (invariant <c>Npgsql</c>). The providers bring no SQL: they read <c>OrleansQuery</c> at start-up and run
/// these statements with named parameters, reading result columns by name.
/// </summary>
/// <remarks>
/// Each statement is one command: guards and their writes are chained in data-modifying CTEs, so a
/// statement commits whole or not at all without functions or explicit transactions. Parameters are cast
/// where PostgreSQL cannot infer their type from a column (projections, <c>IS NULL</c>, arithmetic).
/// Result columns are quoted aliases spelled exactly as Orleans reads them.
/// </remarks>
internal static class PostgresOrleansSchema
{
    private const string Tables = """
        -- Orleans' providers find their statements by key in this table; its name and columns are fixed by Orleans.
        CREATE TABLE OrleansQuery (QueryKey text PRIMARY KEY, QueryText text NOT NULL);

        -- One row per cluster: the table version the membership protocol moves on with every insert or update of a member.
        CREATE TABLE orleans_membership_version (
            deployment_id text PRIMARY KEY, version integer NOT NULL, updated_at timestamptz NOT NULL);

        -- One row per silo incarnation; (address, port, generation) is how Orleans names a silo. Removing a cluster's version row removes its members.
        CREATE TABLE orleans_membership (
            deployment_id text NOT NULL REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
            address text NOT NULL, port integer NOT NULL, generation integer NOT NULL,
            silo_name text NOT NULL, host_name text NOT NULL, status integer NOT NULL, proxy_port integer NOT NULL,
            suspect_times text, start_time timestamptz NOT NULL, i_am_alive_time timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, address, port, generation));

        -- Durable reminders of a service; version is the etag, grain_hash the grain's signed 32-bit ring position.
        CREATE TABLE orleans_reminders (
            service_id text NOT NULL, grain_id text NOT NULL, reminder_name text NOT NULL, grain_hash integer NOT NULL,
            start_time timestamptz NOT NULL, period bigint NOT NULL, version integer NOT NULL,
            PRIMARY KEY (service_id, grain_id, reminder_name));

        -- Each silo reads the reminders of its slice of the hash ring.
        CREATE INDEX ix_orleans_reminders_hash ON orleans_reminders (service_id, grain_hash);

        -- Grain state per (grain, state name), version the etag; the key hash leads the key and separates key kinds sharing N0/N1/string.
        CREATE TABLE orleans_grain_state (
            grain_id_hash integer NOT NULL, grain_type_hash integer NOT NULL, service_id text NOT NULL, grain_type text NOT NULL,
            grain_id_n0 bigint NOT NULL, grain_id_n1 bigint NOT NULL, grain_id_string text NOT NULL,
            payload bytea, version integer NOT NULL, modified_at timestamptz NOT NULL,
            PRIMARY KEY (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_string));
        """;

    // orleans_grain_state: the hash is part of the key because string key "s" and integer key 0 with extension "s"
    // share N0/N1/string; grain_id_string is the string key or key extension, '' when none (Orleans itself treats
    // an empty extension as none), so the key has no NULL column and can be the primary key.
    private const string MemberColumns = """
        m.address AS "Address", m.port AS "Port", m.generation AS "Generation", m.silo_name AS "SiloName",
        m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort", m.suspect_times AS "SuspectTimes",
        m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
        """;

    private const string ReminderColumns = """
        grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime", period AS "Period", version AS "Version"
        """;

    private const string GrainKey = """
        grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
        AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
        AND grain_id_string = COALESCE(CAST(@GrainIdExtensionString AS text), '')
        """;

    /// <summary>The statements, one per key the providers read.</summary>
    internal static IReadOnlyList<OrleansQuery> Queries { get; } =
    [
        // ---- Clustering ----
        new("InsertMembershipVersionKey",
            "Every silo tries to create its cluster's version row at 0; true only for the one that did.",
            """
            WITH created AS (
                INSERT INTO orleans_membership_version (deployment_id, version, updated_at)
                VALUES (CAST(@DeploymentId AS text), 0, now())
                ON CONFLICT (deployment_id) DO NOTHING
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM created) AS "Created"
            """),
        new("InsertMembershipKey",
            "The version row is locked and checked, the member inserted, the version moved on: all in one statement, so one writer wins per version.",
            """
            WITH guard AS (
                SELECT deployment_id FROM orleans_membership_version
                WHERE deployment_id = @DeploymentId AND version = CAST(@Version AS integer)
                FOR UPDATE),
            inserted AS (
                INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                                proxy_port, suspect_times, start_time, i_am_alive_time)
                SELECT g.deployment_id, CAST(@Address AS text), CAST(@Port AS integer), CAST(@Generation AS integer),
                       CAST(@SiloName AS text), CAST(@HostName AS text), CAST(@Status AS integer), CAST(@ProxyPort AS integer),
                       NULL, CAST(@StartTime AS timestamptz), CAST(@IAmAliveTime AS timestamptz)
                FROM guard g
                ON CONFLICT (deployment_id, address, port, generation) DO NOTHING
                RETURNING deployment_id),
            bumped AS (
                UPDATE orleans_membership_version v SET version = v.version + 1, updated_at = now()
                FROM inserted i WHERE v.deployment_id = i.deployment_id
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM bumped) AS "Inserted"
            """),
        new("UpdateMembershipKey",
            "Like the insert: the member changes only under the table version it was read at, and the version moves on with it.",
            """
            WITH guard AS (
                SELECT deployment_id FROM orleans_membership_version
                WHERE deployment_id = @DeploymentId AND version = CAST(@Version AS integer)
                FOR UPDATE),
            updated AS (
                UPDATE orleans_membership m
                SET status = CAST(@Status AS integer), suspect_times = CAST(@SuspectTimes AS text),
                    i_am_alive_time = CAST(@IAmAliveTime AS timestamptz)
                FROM guard g
                WHERE m.deployment_id = g.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
                RETURNING m.deployment_id),
            bumped AS (
                UPDATE orleans_membership_version v SET version = v.version + 1, updated_at = now()
                FROM updated u WHERE v.deployment_id = u.deployment_id
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM bumped) AS "Updated"
            """),
        new("UpdateIAmAlivetimeKey",
            "The heartbeat touches one column of one member and, by the protocol, not the table version.",
            """
            UPDATE orleans_membership SET i_am_alive_time = CAST(@IAmAliveTime AS timestamptz)
            WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
            """),
        new("MembershipReadRowKey",
            "The version row left-joined to one member, so the table version comes back even when the member does not exist.",
            $"""
            SELECT v.version AS "Version", {MemberColumns}
            FROM orleans_membership_version v
            LEFT JOIN orleans_membership m
                ON m.deployment_id = v.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
            WHERE v.deployment_id = @DeploymentId
            """),
        new("MembershipReadAllKey",
            "The version row left-joined to all members: one row with NULL member columns when the cluster has none.",
            $"""
            SELECT v.version AS "Version", {MemberColumns}
            FROM orleans_membership_version v
            LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
            WHERE v.deployment_id = @DeploymentId
            """),
        new("GatewaysQueryKey",
            "Clients connect to the active silos that listen for them (proxy port above zero).",
            """
            SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
            FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND status = CAST(@Status AS integer) AND proxy_port > 0
            """),
        new("CleanupDefunctSiloEntriesKey",
            "Defunct as Orleans' own tables define it: not Active, and neither started nor alive since the cut-off.",
            """
            DELETE FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND status <> 3
              AND GREATEST(start_time, i_am_alive_time) < CAST(@IAmAliveTime AS timestamptz)
            """),
        new("DeleteMembershipTableEntriesKey",
            "Forgetting a cluster removes its version row; the foreign key's cascade removes its members with it.",
            """
            DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId
            """),

        // ---- Reminders ----
        new("UpsertReminderRowKey",
            "One atomic upsert; every write moves the version on and returns it as the new etag.",
            """
            INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_time, period, version)
            VALUES (CAST(@ServiceId AS text), CAST(@GrainId AS text), CAST(@ReminderName AS text), CAST(@GrainHash AS integer),
                    CAST(@StartTime AS timestamptz), CAST(@Period AS bigint), 1)
            ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
            SET grain_hash = excluded.grain_hash, start_time = excluded.start_time, period = excluded.period,
                version = orleans_reminders.version + 1
            RETURNING version AS "Version"
            """),
        new("ReadReminderRowKey",
            "One reminder by its primary key.",
            $"""
            SELECT {ReminderColumns} FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
            """),
        new("ReadReminderRowsKey",
            "All reminders of one grain: a prefix of the primary key.",
            $"""
            SELECT {ReminderColumns} FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_id = @GrainId
            """),
        new("ReadRangeRows1Key",
            "A ring slice that does not wrap: (begin, end] on the signed hashes exactly as Orleans passes them.",
            $"""
            SELECT {ReminderColumns} FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
            """),
        new("ReadRangeRows2Key",
            "A ring slice that wraps past the top (Orleans also uses it for the whole ring, begin = end).",
            $"""
            SELECT {ReminderColumns} FROM orleans_reminders
            WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
            """),
        new("DeleteReminderRowKey",
            "Removes the reminder only at the etag the caller holds; always one boolean row saying whether it did.",
            """
            WITH deleted AS (
                DELETE FROM orleans_reminders
                WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
                  AND version = CAST(@Version AS integer)
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM deleted) AS "Deleted"
            """),
        new("DeleteReminderRowsKey",
            "Removes every reminder of the service (Orleans' test-only clear).",
            """
            DELETE FROM orleans_reminders WHERE service_id = @ServiceId
            """),

        // ---- Grain storage ----
        new("WriteToStorageKey",
            "No etag inserts only a new row, an etag updates only its own version; one row back, NULL on a clash, which Orleans turns into InconsistentStateException.",
            $"""
            WITH updated AS (
                UPDATE orleans_grain_state
                SET payload = CAST(@PayloadBinary AS bytea), version = version + 1, modified_at = now()
                WHERE {GrainKey} AND version = CAST(@GrainStateVersion AS integer)
                RETURNING version),
            inserted AS (
                INSERT INTO orleans_grain_state (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1,
                                                 grain_id_string, payload, version, modified_at)
                SELECT CAST(@GrainIdHash AS integer), CAST(@GrainTypeHash AS integer), CAST(@ServiceId AS text),
                       CAST(@GrainTypeString AS text), CAST(@GrainIdN0 AS bigint), CAST(@GrainIdN1 AS bigint),
                       COALESCE(CAST(@GrainIdExtensionString AS text), ''), CAST(@PayloadBinary AS bytea), 1, now()
                WHERE CAST(@GrainStateVersion AS integer) IS NULL
                ON CONFLICT (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_string) DO NOTHING
                RETURNING version)
            SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted) AS "NewGrainStateVersion"
            """),
        new("ReadFromStorageKey",
            "The payload (NULL once cleared) and its version; no row when the grain never wrote.",
            $"""
            SELECT payload AS "PayloadBinary", version AS "Version" FROM orleans_grain_state WHERE {GrainKey}
            """),
        new("ClearStorageKey",
            "Clearing keeps the row with a NULL payload and moves the version on, only at the caller's etag; NULL on a clash.",
            $"""
            WITH cleared AS (
                UPDATE orleans_grain_state SET payload = NULL, version = version + 1, modified_at = now()
                WHERE {GrainKey} AND version = CAST(@GrainStateVersion AS integer)
                RETURNING version)
            SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion"
            """),
        new("DeleteStorageKey",
            "DeleteStateOnClear removes the row at the caller's etag and answers version + 1, which the provider checks; NULL on a clash.",
            $"""
            WITH deleted AS (
                DELETE FROM orleans_grain_state
                WHERE {GrainKey} AND version = CAST(@GrainStateVersion AS integer)
                RETURNING version)
            SELECT (SELECT version + 1 FROM deleted) AS "NewGrainStateVersion"
            """),
    ];

    /// <summary>Schema version 3 of the PostgreSQL store.</summary>
    public static Migration Migration { get; } =
        new(3, "tables and queries of Orleans' ADO.NET providers", OrleansQueryTable.Render(Tables, Queries));
}
