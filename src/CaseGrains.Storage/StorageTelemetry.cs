using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CaseGrains.Storage;

/// <summary>The case store's activity source and meter: append transactions and their clashes.</summary>
public static class StorageTelemetry
{
    /// <summary>Name of the activity source and the meter, for exporters to subscribe to.</summary>
    public const string Name = "CaseGrains.Storage";

    /// <summary>Spans for storage appends.</summary>
    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>How long an append transaction took.</summary>
    public static readonly Histogram<double> AppendLatency = Meter.CreateHistogram<double>("casegrains-storage-append-latency", unit: "ms", description: "Event append transaction latency");

    /// <summary>Appends that lost a race on the stream version.</summary>
    public static readonly Counter<long> AppendConflicts = Meter.CreateCounter<long>("casegrains-storage-append-conflicts", description: "Appends refused on a stream version clash");
}
