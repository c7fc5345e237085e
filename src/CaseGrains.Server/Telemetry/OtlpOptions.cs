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

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    public string Protocol { get; set; } = "grpc";

    /// <summary>Export interval in milliseconds.</summary>
    public int ExportIntervalMilliseconds { get; set; } = DefaultExportIntervalMilliseconds;
}
