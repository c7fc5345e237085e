using System.Text;

// Not CaseGrains.Storage.Orleans: a namespace of that name would hide the Orleans root namespace
// from every qualified name written inside CaseGrains.Storage.* (e.g. Orleans.Hosting.X).
namespace CaseGrains.Storage.OrleansSql;

/// <summary>
/// One statement that Orleans' ADO.NET providers look up by <paramref name="Key"/> in <c>OrleansQuery</c>
/// and then run with their own named parameters.
/// </summary>
/// <param name="Key">The query key the provider asks for (e.g. <c>UpsertReminderRowKey</c>).</param>
/// <param name="Rationale">One line saying why the statement is written the way it is.</param>
/// <param name="Sql">The statement text, in the store's dialect.</param>
internal sealed record OrleansQuery(string Key, string Rationale, string Sql);

/// <summary>Renders a migration that creates the providers' tables and fills <c>OrleansQuery</c>.</summary>
internal static class OrleansQueryTable
{
    /// <summary>The query keys Orleans' ADO.NET clustering provider requires at start-up.</summary>
    public static IReadOnlySet<string> ClusteringKeys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "GatewaysQueryKey", "CleanupDefunctSiloEntriesKey",
        "DeleteMembershipTableEntriesKey",
    };

    /// <summary>The query keys Orleans' ADO.NET reminder provider requires at start-up.</summary>
    public static IReadOnlySet<string> ReminderKeys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "UpsertReminderRowKey", "ReadReminderRowKey", "ReadReminderRowsKey", "ReadRangeRows1Key",
        "ReadRangeRows2Key", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    };

    /// <summary>The query keys Orleans' ADO.NET grain storage reads (delete is needed for DeleteStateOnClear).</summary>
    public static IReadOnlySet<string> GrainStorageKeys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
    };

    /// <summary>
    /// The tables' DDL, then one <c>INSERT INTO OrleansQuery</c> per statement, each after its rationale as a
    /// comment. Statement texts are embedded as SQL string literals (single quotes doubled), so each reads in
    /// source as plain SQL. Throws when a key is missing, repeated or unknown, so a gap fails the build's tests
    /// rather than a silo's start-up.
    /// </summary>
    public static string Render(string tables, IReadOnlyList<OrleansQuery> queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var keys = queries.Select(q => q.Key).ToList();
        var expected = ClusteringKeys.Concat(ReminderKeys).Concat(GrainStorageKeys).ToHashSet(StringComparer.Ordinal);
        if (keys.Count != keys.Distinct(StringComparer.Ordinal).Count() || !expected.SetEquals(keys))
        {
            throw new InvalidOperationException(
                $"The Orleans query set is wrong: missing [{string.Join(", ", expected.Except(keys))}], unknown [{string.Join(", ", keys.Except(expected))}], or a key is repeated.");
        }

        var sql = new StringBuilder(tables.Trim()).AppendLine().AppendLine();
        foreach (var query in queries)
        {
            if (query.Rationale.Contains('\n', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The rationale of {query.Key} must be one line.");
            }
            sql.Append("-- ").Append(query.Key).Append(": ").AppendLine(query.Rationale)
               .Append("INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (")
               .Append(Literal(query.Key)).Append(", ").Append(Literal(query.Sql.Trim())).AppendLine(");");
        }
        return sql.ToString();
    }

    /// <summary>A SQL string literal holding <paramref name="text"/> exactly.</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
