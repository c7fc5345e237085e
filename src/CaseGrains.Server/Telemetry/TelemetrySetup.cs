using CaseGrains.Grains.Cases;
using CaseGrains.Storage;
using CaseGrains.Runtime.Telemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CaseGrains.Server.Telemetry;

/// <summary>
/// OpenTelemetry traces (HTTP → grain turn → storage append, one trace) and metrics, exported over
/// OTLP when <c>Otlp:Endpoint</c> is set. The hosting extensions package is not on the feed, so the
/// providers are built by hand and owned by the container, which flushes them on shutdown.
/// </summary>
internal static class TelemetrySetup
{
    private static readonly string[] Sources = [RuntimeTelemetry.Name, "Microsoft.AspNetCore"];
    private static readonly string[] Meters = [RuntimeTelemetry.Name, ApiTelemetry.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];

    public static void AddCaseGrainsTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OtlpOptions>().Bind(builder.Configuration.GetSection(OtlpOptions.SectionName));
        builder.Services.AddSingleton(sp => Build<TracerProvider>(sp.GetRequiredService<IOptions<OtlpOptions>>().Value, options =>
            Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(Resource())
                .AddSource(Sources)
                .AddOtlpExporter(otlp => Configure(otlp, options, "v1/traces"))
                .Build()));
        builder.Services.AddSingleton(sp => Build<MeterProvider>(sp.GetRequiredService<IOptions<OtlpOptions>>().Value, options =>
            Sdk.CreateMeterProviderBuilder()
                .SetResourceBuilder(Resource())
                .AddMeter(Meters)
                .AddOtlpExporter((otlp, reader) =>
                {
                    Configure(otlp, options, "v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = options.ExportIntervalMilliseconds;
                })
                .Build()));
        builder.Services.AddHostedService<OverdueGaugeRefresher>();
    }

    /// <summary>Resolves the providers once, so that they start now and are disposed (flushed) with the host.</summary>
    public static void UseCaseGrainsTelemetry(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<Holder<TracerProvider>>();
        _ = app.Services.GetRequiredService<Holder<MeterProvider>>();
    }

    private static Holder<T> Build<T>(OtlpOptions options, Func<OtlpOptions, T> build) where T : class, IDisposable
        => new(options.Endpoint is null ? null : build(options));

    private static ResourceBuilder Resource() => ResourceBuilder.CreateDefault().AddService("casegrains", serviceInstanceId: Environment.MachineName);

    private static void Configure(OtlpExporterOptions otlp, OtlpOptions options, string signalPath)
    {
        var http = options.Protocol.Equals("http/protobuf", StringComparison.OrdinalIgnoreCase);
        otlp.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        // Over HTTP the signal's path is part of the endpoint when it is set in code.
        otlp.Endpoint = http ? new Uri(options.Endpoint!, signalPath) : options.Endpoint!;
        otlp.BatchExportProcessorOptions.ScheduledDelayMilliseconds = options.ExportIntervalMilliseconds;
    }

    /// <summary>Owns a provider (or nothing when export is off) so the container disposes it.</summary>
    internal sealed class Holder<T>(T? provider) : IDisposable where T : class, IDisposable
    {
        public T? Provider { get; } = provider;

        public void Dispose() => Provider?.Dispose();
    }
}

/// <summary>Refreshes the overdue gauge from the current-state rows now and then (the gauge itself must not query).</summary>
internal sealed partial class OverdueGaugeRefresher(ICaseStore store, TimeProvider time, ILogger<OverdueGaugeRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var now = time.GetUtcNow();
                var petitions = await store.QueryIndexAsync(new IndexQuery(GrainTypes.Petition) { DueAtOrBefore = now, Take = 0 }, stoppingToken);
                var disputes = await store.QueryIndexAsync(new IndexQuery(GrainTypes.Dispute) { DueAtOrBefore = now, Take = 0 }, stoppingToken);
                ApiTelemetry.SetOverdue(petitions.Total, disputes.Total);
            }
            catch (StorageUnavailableException)
            {
                RefreshSkipped(logger);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Debug, Message = "Overdue gauge not refreshed: storage unavailable")]
    private static partial void RefreshSkipped(ILogger logger);
}
