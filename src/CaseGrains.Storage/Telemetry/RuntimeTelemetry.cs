using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CaseGrains.Runtime.Telemetry;

/// <summary>The grain host's activity source and meter: activations, turns, appends and reminders.</summary>
public static class RuntimeTelemetry
{
    /// <summary>Name of the activity source and the meter, for exporters to subscribe to.</summary>
    public const string Name = "CaseGrains.Storage";

    /// <summary>Spans for grain turns, storage appends and reminder firings.</summary>
    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Activations created (tag <c>grain.type</c>).</summary>
    public static readonly Counter<long> Activations = Meter.CreateCounter<long>("casegrains-activations", description: "Grain activations created");

    /// <summary>Activations collected or shut down.</summary>
    public static readonly Counter<long> Deactivations = Meter.CreateCounter<long>("casegrains-deactivations", description: "Grain activations collected");

    /// <summary>Turns executed, with their outcome.</summary>
    public static readonly Counter<long> Turns = Meter.CreateCounter<long>("casegrains-turns", description: "Grain turns executed");

    /// <summary>How long an append transaction took.</summary>
    public static readonly Histogram<double> AppendLatency = Meter.CreateHistogram<double>("casegrains-storage-append-latency", unit: "ms", description: "Event append transaction latency");

    /// <summary>Appends that lost a race on the stream version.</summary>
    public static readonly Counter<long> AppendConflicts = Meter.CreateCounter<long>("casegrains-storage-append-conflicts", description: "Appends refused on a stream version clash");

    /// <summary>How late a reminder fired after its due instant.</summary>
    public static readonly Histogram<double> ReminderLateness = Meter.CreateHistogram<double>("casegrains-reminder-lateness", unit: "ms", description: "Delay between a reminder's due instant and its firing");

    /// <summary>Reminders fired, with their outcome.</summary>
    public static readonly Counter<long> RemindersFired = Meter.CreateCounter<long>("casegrains-reminders-fired", description: "Reminder firings");
}
