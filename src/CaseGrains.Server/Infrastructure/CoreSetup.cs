using CaseGrains.Domain.Deadlines;
using CaseGrains.Runtime;
using CaseGrains.Runtime.Hosting;
using CaseGrains.Runtime.Reminders;
using CaseGrains.Storage;
using Microsoft.Extensions.Options;

namespace CaseGrains.Server.Infrastructure;

/// <summary>Wires the storage, the grain host and the grains into the service.</summary>
internal static class CoreSetup
{
    /// <summary>The default address when neither ASPNETCORE_URLS nor --urls says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static void UseDefaultListeningAddress(this WebApplicationBuilder builder)
    {
        // The service may be started from any folder (./data is where the operator stands), so the
        // appsettings.json shipped beside the binary is read too, below everything else.
        var shipped = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (File.Exists(shipped) && !File.Exists(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json")))
        {
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
            {
                Path = "appsettings.json", Optional = true, FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
            });
        }

        if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
    }

    public static void AddCaseGrainsCore(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.SectionName));
        builder.Services.AddOptions<GrainOptions>().Bind(builder.Configuration.GetSection(GrainOptions.SectionName));
        builder.Services.AddOptions<ReminderOptions>().Bind(builder.Configuration.GetSection(ReminderOptions.SectionName));
        builder.Services.AddOptions<DeadlineOptions>().Bind(builder.Configuration.GetSection(DeadlineOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DeadlineOptions>, DeadlineOptionsValidator>();
        builder.Services.AddSingleton(sp => new DeadlinePolicy(sp.GetRequiredService<IOptions<DeadlineOptions>>().Value.ToSettings()));
        builder.Services.AddGrainHost(CaseGrains.Grains.GrainCatalog.Register);
        builder.Services.AddHostedService<GrainHostLifetime>();
    }
}

/// <summary>
/// Migrates the schema and starts the grain host before the web server listens (StartingAsync), and
/// disposes it only after the web server has drained its requests (StoppedAsync), so no request ever
/// meets an unmigrated database or a stopped host.
/// </summary>
internal sealed partial class GrainHostLifetime(ICaseStore store, GrainHost host, ILogger<GrainHostLifetime> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.MigrateAsync(cancellationToken);
        }
        catch (StorageUnavailableException ex)
        {
            throw new StartupException($"cannot reach the {store.ProviderName} database: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
        catch (System.Data.Common.DbException ex)
        {
            throw new StartupException($"the {store.ProviderName} database refused the schema migration: {ex.Message}", ex);
        }
        host.Start();
        Started(logger, store.ProviderName);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken) => await host.DisposeAsync();

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Storage {Provider} migrated; grain host running")]
    private static partial void Started(ILogger logger, string provider);
}

/// <summary>A start-up failure with one line that tells the operator what is wrong.</summary>
internal sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
