using CaseGrains.Runtime.Hosting;
using CaseGrains.Runtime.Reminders;
using CaseGrains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CaseGrains.Testing;

/// <summary>Builds grain hosts for tests without the HTTP server.</summary>
public static class TestHosts
{
    /// <summary>A host over <paramref name="store"/>; background loops are not started, tests drive them.</summary>
    public static GrainHost Create(
        ICaseStore store,
        Action<GrainRegistry> registerGrains,
        TimeProvider? time = null,
        string? nodeId = null,
        GrainOptions? grainOptions = null,
        ReminderOptions? reminderOptions = null,
        Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(registerGrains);
        var registry = new GrainRegistry();
        registerGrains(registry);
        var services = new ServiceCollection();
        configureServices?.Invoke(services);
        var provider = services.BuildServiceProvider();
        return new GrainHost(
            registry,
            store,
            provider,
            time ?? TimeProvider.System,
            Options.Create(grainOptions ?? new GrainOptions()),
            Options.Create(reminderOptions ?? new ReminderOptions()),
            NullLoggerFactory.Instance,
            nodeId);
    }
}
