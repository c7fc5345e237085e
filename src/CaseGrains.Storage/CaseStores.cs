using CaseGrains.Storage.PostgreSql;
using CaseGrains.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CaseGrains.Storage;

/// <summary>Builds the configured case store.</summary>
public static class CaseStores
{
    /// <summary>The ADO.NET invariant Orleans' providers use for PostgreSQL.</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>The ADO.NET invariant Orleans' providers map to Microsoft.Data.Sqlite.</summary>
    public const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>The store for these options.</summary>
    public static AdoNetCaseStore Create(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider switch
        {
            StorageProvider.Sqlite => new SqliteCaseStore(options.ConnectionString ?? StorageOptions.DefaultSqliteConnectionString),
            StorageProvider.PostgreSql => new PostgresCaseStore(options.ConnectionString
                ?? throw new InvalidOperationException("Storage:ConnectionString is required for PostgreSql.")),
            _ => throw new InvalidOperationException($"Unknown storage provider {options.Provider}."),
        };
    }

    /// <summary>Registers the case store chosen by <see cref="StorageOptions"/>, validated at start-up.</summary>
    public static IServiceCollection AddCaseStore(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(sp => Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton<ICaseStore>(sp => sp.GetRequiredService<AdoNetCaseStore>());
        return services;
    }
}
