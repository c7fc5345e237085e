using Microsoft.Extensions.Options;

namespace CaseGrains.Server.Telemetry;

/// <summary>Where traces and metrics go (section <c>Otlp</c>). Nothing is exported unless an endpoint is set.</summary>
public sealed class OtlpOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Otlp";

    /// <summary>Default interval between metric exports and the longest a finished span waits in its batch.</summary>
    public const int DefaultExportIntervalMilliseconds = 5000;

    /// <summary>The collector, e.g. <c>http://127.0.0.1:4317</c> (gRPC) or <c>http://127.0.0.1:4318</c> (HTTP).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>OTLP over gRPC (HTTP/2), the default.</summary>
    public const string Grpc = "grpc";

    /// <summary>OTLP over HTTP with protobuf bodies.</summary>
    public const string HttpProtobuf = "http/protobuf";

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    public string Protocol { get; set; } = Grpc;

    /// <summary>Export interval in milliseconds.</summary>
    public int ExportIntervalMilliseconds { get; set; } = DefaultExportIntervalMilliseconds;
}

/// <summary>Checks <see cref="OtlpOptions"/> at start-up: a collector that cannot be used is a wrong setting, not silence.</summary>
public sealed class OtlpOptionsValidator : IValidateOptions<OtlpOptions>
{
    /// <summary>Longest export interval accepted (one hour).</summary>
    public const int MaxExportIntervalMilliseconds = 3_600_000;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, OtlpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
        {
            failures.Add("Otlp:Endpoint must be an absolute http or https URL, e.g. http://127.0.0.1:4317.");
        }
        if (!string.Equals(options.Protocol, OtlpOptions.Grpc, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.Protocol, OtlpOptions.HttpProtobuf, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Otlp:Protocol must be {OtlpOptions.Grpc} or {OtlpOptions.HttpProtobuf}.");
        }
        if (options.ExportIntervalMilliseconds is < 1 or > MaxExportIntervalMilliseconds)
        {
            failures.Add($"Otlp:ExportIntervalMilliseconds must be between 1 and {MaxExportIntervalMilliseconds}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
