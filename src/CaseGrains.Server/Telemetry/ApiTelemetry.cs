using System.Diagnostics.Metrics;

namespace CaseGrains.Server.Telemetry;

/// <summary>The gateway's own meter: commands by type and outcome, and the overdue count.</summary>
internal static class ApiTelemetry
{
    /// <summary>Meter name, for exporters.</summary>
    public const string Name = "CaseGrains.Api";

    private static readonly Meter Meter = new(Name);

    /// <summary>Case commands by kind, verb and outcome (ok, or the HTTP status class of the refusal).</summary>
    public static readonly Counter<long> Commands = Meter.CreateCounter<long>("casegrains-commands", description: "Case commands by type and outcome");

    private static long _overduePetitions;
    private static long _overdueDisputes;

    static ApiTelemetry()
    {
        Meter.CreateObservableGauge("casegrains-overdue-cases", () => new[]
        {
            new Measurement<long>(Interlocked.Read(ref _overduePetitions), new KeyValuePair<string, object?>("kind", "petition")),
            new Measurement<long>(Interlocked.Read(ref _overdueDisputes), new KeyValuePair<string, object?>("kind", "dispute")),
        }, description: "Open cases whose running deadline has passed");
    }

    /// <summary>Records one command's outcome.</summary>
    public static void Command(string kind, string verb, string outcome)
        => Commands.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("command", verb),
            new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Publishes the latest overdue counts.</summary>
    public static void SetOverdue(long petitions, long disputes)
    {
        Interlocked.Exchange(ref _overduePetitions, petitions);
        Interlocked.Exchange(ref _overdueDisputes, disputes);
    }
}
