using CaseGrains.Runtime.Hosting;
using CaseGrains.Runtime.Reminders;
using CaseGrains.Storage;
using CaseGrains.Storage.PostgreSql;
using CaseGrains.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CaseGrains.Runtime;

/// <summary>Registers the grain host, its store and its options.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds the grain host with the store chosen by <see cref="StorageOptions"/>. The options are
    /// validated on start; <paramref name="registerGrains"/> lists the grain classes.
    /// </summary>
    public static IServiceCollection AddGrainHost(this IServiceCollection services, Action<GrainRegistry> registerGrains)
    {
        ArgumentNullException.ThrowIfNull(registerGrains);
        services.AddOptions<StorageOptions>().ValidateOnStart();
        services.AddOptions<GrainOptions>().ValidateOnStart();
        services.AddOptions<ReminderOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrainOptions>, GrainOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReminderOptions>, ReminderOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICaseStore>(sp => CaseStores.Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        var registry = new GrainRegistry();
        registerGrains(registry);
        services.AddSingleton(registry);
        services.AddSingleton(sp => new GrainHost(
            registry,
            sp.GetRequiredService<ICaseStore>(),
            sp,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<GrainOptions>>(),
            sp.GetRequiredService<IOptions<ReminderOptions>>(),
            sp.GetService<ILoggerFactory>()));
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainHost>());
        return services;
    }
}

/// <summary>Builds the configured store.</summary>
public static class CaseStores
{
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
}
