using CaseGrains.Grains;
using CaseGrains.Grains.Cases;
using CaseGrains.Storage;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CaseGrains.Server.Telemetry;

/// <summary>
/// OpenTelemetry traces (HTTP → Orleans grain call → grain turn → storage append, one trace) and metrics,
/// the service's own and Orleans', exported over OTLP when <c>Otlp:Endpoint</c> is set.
/// </summary>
internal static class TelemetrySetup
{
    private static readonly string[] Sources = [GrainTelemetry.Name, StorageTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];
    private static readonly string[] Meters = [GrainTelemetry.Name, StorageTelemetry.Name, ApiTelemetry.Name, "Microsoft.Orleans",
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];

    public static void AddCaseGrainsTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OtlpOptions>().Bind(builder.Configuration.GetSection(OtlpOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OtlpOptions>, OtlpOptionsValidator>();
        builder.Services.AddHostedService<OverdueGaugeRefresher>();
        var options = new OtlpOptions();
        try
        {
            builder.Configuration.GetSection(OtlpOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException)
        {
            // A value that does not convert is reported at start by the options validation (one line, exit 1).
            return;
        }
        // No endpoint: nothing is exported. A wrong setting is reported at start by the validator, not half-wired here.
        if (options.Endpoint is null || new OtlpOptionsValidator().Validate(null, options).Failed)
        {
            return;
        }
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("casegrains", serviceInstanceId: Environment.MachineName))
            .WithTracing(tracing => tracing
                .AddSource(Sources)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(otlp => Configure(otlp, options, "v1/traces")))
            .WithMetrics(metrics => metrics
                .AddMeter(Meters)
                .AddRuntimeInstrumentation()
                .AddOtlpExporter((otlp, reader) =>
                {
                    Configure(otlp, options, "v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = options.ExportIntervalMilliseconds;
                }));
    }

    private static void Configure(OtlpExporterOptions otlp, OtlpOptions options, string signalPath)
    {
        var http = options.Protocol.Equals(OtlpOptions.HttpProtobuf, StringComparison.OrdinalIgnoreCase);
        otlp.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        // Over HTTP the signal's path is part of the endpoint when it is set in code.
        otlp.Endpoint = http ? new Uri(options.Endpoint!, signalPath) : options.Endpoint!;
        otlp.BatchExportProcessorOptions.ScheduledDelayMilliseconds = options.ExportIntervalMilliseconds;
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
