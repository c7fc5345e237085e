namespace CaseGrains.Grains.Deadlines;

/// <summary>The Orleans stream on which case grains announce alert changes to every silo's and gateway's live streams.</summary>
public static class AlertStream
{
    /// <summary>The stream provider (Orleans memory streams; its pub-sub state is in grain storage <c>PubSubStore</c>).</summary>
    public const string ProviderName = "alerts";

    /// <summary>The one stream every announcement goes to; readers filter by the caller's scope.</summary>
    public static StreamId Id { get; } = StreamId.Create("alerts", "changes");
}

/// <summary>What an alert log entry says happened.</summary>
public static class AlertChanges
{
    /// <summary>An alert is in force now (new, or moved on from due soon to overdue).</summary>
    public const string Raised = "alert";

    /// <summary>The alert no longer applies (concluded, extended, reviewed, withdrawn...).</summary>
    public const string Cleared = "cleared";
}

/// <summary>A wake-up: the alert log has a new entry for this township.</summary>
[GenerateSerializer, Immutable, Alias("casegrains.alert-notice")]
public sealed record AlertNotice([property: Id(0)] string TownshipId);
