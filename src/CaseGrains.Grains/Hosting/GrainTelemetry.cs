using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CaseGrains.Grains;

/// <summary>The grains' activity source and meter: turns that append, and deadline reminders.</summary>
public static class GrainTelemetry
{
    /// <summary>Name of the activity source and the meter.</summary>
    public const string Name = "CaseGrains.Grains";

    /// <summary>Spans for grain turns that decide and append.</summary>
    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>How late a deadline was noticed after it passed: fired at minus due at (tag <c>reminder</c>).</summary>
    public static readonly Histogram<double> ReminderLateness = Meter.CreateHistogram<double>(
        "casegrains-reminder-lateness", unit: "ms", description: "Delay between a deadline passing and its reminder being handled");

    /// <summary>Deadline reminders handled, by outcome.</summary>
    public static readonly Counter<long> RemindersFired = Meter.CreateCounter<long>("casegrains-reminders-fired", description: "Deadline reminder firings");
}
