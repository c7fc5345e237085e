using System.Reflection;
using CaseGrains.Domain;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Grains.Placement;
using CaseGrains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Configuration;

namespace CaseGrains.Grains;

/// <summary>
/// What a silo needs to host CaseGrains' grains, whatever its clustering: the grains' services and
/// options, System.Text.Json for the domain's records, placement by township, the deadline sweep.
/// The host adds the case store (<see cref="CaseStores.AddCaseStore"/>), the deadline policy, and the
/// clustering and reminder providers.
/// </summary>
public static class CaseGrainsSilo
{
    /// <summary>The grain state provider name for snapshot-state grains (import jobs, alert cursors).</summary>
    public const string SnapshotStorage = "snapshots";

    /// <summary>The grain state provider Orleans' streams keep their subscriptions in.</summary>
    public const string PubSubStorage = "PubSubStore";

    /// <summary>Registers the grains' services on a silo.</summary>
    public static ISiloBuilder AddCaseGrains(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var services = silo.Services;
        services.AddCaseGrainsSerialization();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GrainServices>();
        services.AddOptions<GrainOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrainOptions>, GrainOptionsValidator>());
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<GrainOptions>>((collection, grains) =>
        {
            collection.CollectionAge = grains.Value.CollectionAge;
            collection.CollectionQuantum = grains.Value.CollectionInterval;
        });
        services.AddOptions<SiloMessagingOptions>().Configure<IOptions<GrainOptions>>((messaging, grains) =>
            messaging.ResponseTimeout = grains.Value.ResponseTimeout);
        silo.AddPlacementDirector<TownshipPlacement, TownshipPlacementDirector>();
        // Alert changes reach every silo's and gateway's live streams; the host provides the PubSubStore grain storage.
        silo.AddMemoryStreams(Deadlines.AlertStream.ProviderName);
        services.AddOptions<DeadlineReminderOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeadlineReminderOptions>, DeadlineReminderOptionsValidator>());
        services.AddOptions<Orleans.Hosting.ReminderOptions>().Configure<IOptions<DeadlineReminderOptions>>((reminders, deadlines) =>
        {
            reminders.RefreshReminderListPeriod = deadlines.Value.RefreshInterval;
            reminders.ReminderLoadingWindow = TimeSpan.FromTicks(Math.Max(reminders.ReminderLoadingWindow.Ticks, deadlines.Value.RefreshInterval.Ticks));
        });
        services.AddSingleton<DeadlineSweep>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DeadlineSweep>());
        return silo;
    }

    /// <summary>
    /// Serialization for grain calls, silo and client alike: the domain's and the store's records travel as
    /// JSON (so the Domain keeps no Orleans attribute), are not deep-copied on local calls (they are
    /// immutable records), and the store's exceptions keep their type across silos (with the database driver's inside).
    /// </summary>
    public static IServiceCollection AddCaseGrainsSerialization(this IServiceCollection services)
    {
        services.AddSerializer(serializer => serializer.AddJsonSerializer(IsJsonType, GrainJson.Options));
        services.Configure<TypeManifestOptions>(manifest =>
        {
            // Type names written into a message must be allowed: commands and events are abstract bases with records under them.
            manifest.AllowedTypes.Add(typeof(DomainError).FullName!);
            foreach (var assembly in JsonAssemblies)
            {
                foreach (var type in assembly.GetExportedTypes())
                {
                    manifest.AllowedTypes.Add(type.FullName!);
                }
            }
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IGeneralizedCopier, ImmutableRecordCopier>());
        services.Configure<ExceptionSerializationOptions>(exceptions =>
        {
            exceptions.SupportedNamespacePrefixes.Add("CaseGrains");
            // A lost database reaches another silo or a gateway node as StorageUnavailableException with Npgsql's
            // exception inside: without a codec for it the answer itself fails to serialize and the caller gets a 500.
            exceptions.SupportedNamespacePrefixes.Add("Npgsql");
        });
        return services;
    }

    private static readonly Assembly[] JsonAssemblies = [typeof(DomainError).Assembly, typeof(ICaseStore).Assembly];

    private static bool IsJsonType(Type type)
        => JsonAssemblies.Contains(type.Assembly) && !typeof(Exception).IsAssignableFrom(type);

    /// <summary>Hands the domain's and the store's records over as they are: they are immutable, so a copy would be waste.</summary>
    private sealed class ImmutableRecordCopier : IGeneralizedCopier
    {
        public object? DeepCopy(object? input, CopyContext context) => input;

        public bool IsSupportedType(Type type) => IsJsonType(type);
    }
}
