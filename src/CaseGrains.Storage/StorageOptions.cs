using Microsoft.Extensions.Options;

namespace CaseGrains.Storage;

/// <summary>Which database holds the grains (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Storage";

    /// <summary>The embedded default: a SQLite file under <c>./data</c>, created on first run.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/casegrains.db";

    /// <summary><c>Sqlite</c> (embedded default) or <c>PostgreSql</c> (shared by several nodes).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>The ADO.NET connection string; for SQLite it defaults to <see cref="DefaultSqliteConnectionString"/>.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>The supported databases.</summary>
public enum StorageProvider
{
    /// <summary>One SQLite file (WAL): one node.</summary>
    Sqlite,

    /// <summary>PostgreSQL: one or many nodes.</summary>
    PostgreSql,
}

/// <summary>Checks <see cref="StorageOptions"/> at start-up, including that the connection string parses.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.Provider))
        {
            return ValidateOptionsResult.Fail("Storage:Provider must be Sqlite or PostgreSql.");
        }
        if (options.Provider == StorageProvider.PostgreSql && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail("Storage:ConnectionString is required when Storage:Provider is PostgreSql.");
        }
        try
        {
            _ = options.Provider == StorageProvider.Sqlite
                ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString ?? StorageOptions.DefaultSqliteConnectionString).ToString()
                : new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString).ToString();
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"Storage:ConnectionString is not a valid {options.Provider} connection string: {ex.Message}");
        }
        return ValidateOptionsResult.Success;
    }
}
