using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Grains;
using CaseGrains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Reminders;
using Orleans.TestingHost;

namespace CaseGrains.Benchmarks.Alerts;

/// <summary>
/// A one-silo Orleans cluster in this process over the seeded PostgreSQL database, configured as the service
/// configures its silo on PostgreSQL (same service id, so it sees the reminders the grains armed; ADO.NET reminders
/// and pub-sub storage), with the clocks a run needs: the grains read <c>grainClock</c>, Orleans' reminder service
/// reads <c>reminderClock</c>, and Orleans' own housekeeping keeps real time. The start-up sweep is left to the run.
/// </summary>
internal sealed class AlertSilo : IAsyncDisposable
{
    /// <summary>The service's Orleans service id (<c>OrleansOptions.ServiceId</c>): reminders are keyed by it.</summary>
    public const string ServiceId = "casegrains";

    private readonly IHost _host;

    private AlertSilo(IHost host, LogCounter log)
    {
        _host = host;
        Log = log;
    }

    /// <summary>Calls from outside any grain, as the gateway's endpoints make them.</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's case store.</summary>
    public ICaseStore Store => _host.Services.GetRequiredService<ICaseStore>();

    /// <summary>Orleans' reminder table (the ADO.NET provider on the seeded database).</summary>
    public IReminderTable ReminderTable => _host.Services.GetRequiredService<IReminderTable>();

    /// <summary>Warnings and errors the silo logged.</summary>
    public LogCounter Log { get; }

    /// <summary>Starts the silo.</summary>
    public static async Task<AlertSilo> StartAsync(string connectionString, TimeProvider grainClock, TimeProvider reminderClock, TimeSpan reminderRefresh)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var log = new LogCounter();
        builder.Logging.AddProvider(log);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Services.Configure<StorageOptions>(o =>
            {
                o.Provider = StorageProvider.PostgreSql;
                o.ConnectionString = connectionString;
            });
            silo.Services.AddCaseStore();
            silo.Services.AddSingleton(DeadlinePolicy.Default);
            silo.Services.AddSingleton(grainClock);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Services.AddKeyedSingleton(ReminderTimeProviderNames.Reminders, reminderClock);
            silo.UseLocalhostClustering(Api.ServiceProcess.FreePort(), Api.ServiceProcess.FreePort(), serviceId: ServiceId,
                clusterId: "alertbench-" + Guid.NewGuid().ToString("N")[..8]);
            silo.UseAdoNetReminderService(o => { o.Invariant = CaseStores.PostgresInvariant; o.ConnectionString = connectionString; });
            silo.AddAdoNetGrainStorage(CaseGrainsSilo.SnapshotStorage, o => { o.Invariant = CaseStores.PostgresInvariant; o.ConnectionString = connectionString; });
            silo.AddAdoNetGrainStorage(CaseGrainsSilo.PubSubStorage, o => { o.Invariant = CaseStores.PostgresInvariant; o.ConnectionString = connectionString; });
            silo.AddCaseGrains();
            silo.Services.Configure<DeadlineReminderOptions>(o =>
            {
                o.SweepOnStart = false;
                o.RefreshInterval = reminderRefresh;
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        return new AlertSilo(host, log);
    }

    /// <summary>Runs the start-up sweep now; returns how many passed deadlines it handled.</summary>
    public Task<int> SweepAsync() => _host.Services.GetRequiredService<DeadlineSweep>().SweepAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>A clock that runs in real time, shifted by a fixed amount: its timers wait real time.</summary>
internal sealed class ShiftedTimeProvider(TimeSpan shift) : TimeProvider
{
    /// <summary>How far ahead of the real clock it is.</summary>
    public TimeSpan Shift { get; } = shift;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Shift;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => System.LocalTimeZone;
}

/// <summary>Counts the warnings and errors a host logs, keeping the first few distinct messages.</summary>
internal sealed class LogCounter : ILoggerProvider, ILogger
{
    private const int Kept = 5;
    private readonly ConcurrentDictionary<string, int> _messages = new(StringComparer.Ordinal);
    private int _warnings;
    private int _errors;

    /// <summary>Warnings logged.</summary>
    public int Warnings => _warnings;

    /// <summary>Errors logged.</summary>
    public int Errors => _errors;

    /// <summary>The first distinct messages with how often each came (category: message, cut short).</summary>
    public IReadOnlyList<string> Samples => [.. _messages.Select(m => $"{m.Value} x {m.Key}")];

    public ILogger CreateLogger(string categoryName) => new Category(this, categoryName);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Record("", logLevel, formatter(state, exception), exception);

    private void Record(string category, LogLevel level, string message, Exception? exception)
    {
        if (level < LogLevel.Warning)
        {
            return;
        }
        Interlocked.Increment(ref level >= LogLevel.Error ? ref _errors : ref _warnings);
        // The exception first: a grain's message names the activation at length, and the sample is cut short.
        var text = $"{level} {category}: {(exception is null ? "" : $"[{Innermost(exception)}] ")}{message}";
        text = text.Length > 240 ? text[..240] + "…" : text;
        // Errors are kept whatever warnings came first.
        if (_messages.ContainsKey(text) || _messages.Count < Kept || (level >= LogLevel.Error && _messages.Count < 2 * Kept))
        {
            _messages.AddOrUpdate(text, 1, (_, n) => n + 1);
        }
    }

    public void Dispose()
    {
    }

    private static string Innermost(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is { } next)
        {
            inner = next;
        }
        return inner == exception ? $"{exception.GetType().Name}: {exception.Message}" : $"{exception.GetType().Name} <- {inner.GetType().Name}: {inner.Message}";
    }

    private sealed class Category(LogCounter owner, string name) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner.Record(name, logLevel, formatter(state, exception), exception);
    }
}

/// <summary>One lateness measurement as the grains recorded it, with the real instant it was recorded at.</summary>
internal readonly record struct LatenessSample(double Milliseconds, string Reminder, long Timestamp);

/// <summary>Listens to the histogram <c>casegrains-reminder-lateness</c> of the meter <c>CaseGrains.Grains</c> in this process.</summary>
internal sealed class LatenessRecorder : IDisposable
{
    /// <summary>The instrument's name (GrainTelemetry.ReminderLateness).</summary>
    public const string Instrument = "casegrains-reminder-lateness";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<LatenessSample> _samples = new();

    public LatenessRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GrainTelemetry.Name && instrument.Name == Instrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            var reminder = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "reminder")
                {
                    reminder = tag.Value as string ?? "";
                }
            }
            _samples.Enqueue(new LatenessSample(value, reminder, Stopwatch.GetTimestamp()));
        });
        _listener.Start();
    }

    /// <summary>Measurements so far.</summary>
    public int Count => _samples.Count;

    /// <summary>The measurements so far, in the order they were recorded.</summary>
    public IReadOnlyList<LatenessSample> Samples => [.. _samples];

    public void Dispose() => _listener.Dispose();
}
