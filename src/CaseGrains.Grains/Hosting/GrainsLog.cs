using Microsoft.Extensions.Logging;

namespace CaseGrains.Grains;

/// <summary>The grains' log lines: ids and types only, never a case's content or a person.</summary>
internal static partial class GrainsLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "A {GrainType} grain committed its events, but its after-commit step failed")]
    public static partial void AfterCommitFailed(ILogger logger, Exception exception, string grainType);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "A {GrainType} command lost a version race (attempt {Attempt}); re-reading")]
    public static partial void ConflictRetry(ILogger logger, string grainType, int attempt);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "A {GrainType} snapshot could not be read; replaying its events")]
    public static partial void SnapshotUnreadable(ILogger logger, string grainType);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Reconciling the deadline reminders of a {GrainType} grain failed ({Problem}); a timer tries again")]
    public static partial void ReminderReconcileFailed(ILogger logger, string grainType, string problem);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "Deadline {Reminder} of {GrainType} {CaseKey} recorded {LatenessSeconds:F0} s after it came")]
    public static partial void DeadlinePassed(ILogger logger, string reminder, string grainType, string caseKey, double latenessSeconds);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "A {GrainType} activation was ahead of the database (writes it saw committed are gone); reloaded from storage")]
    public static partial void StateAheadOfStorage(ILogger logger, string grainType);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Warning, Message = "Handling deadline reminder {Reminder} of a {GrainType} grain failed ({Problem}); Orleans fires it again at its next period")]
    public static partial void ReminderHandlingFailed(ILogger logger, string reminder, string grainType, string problem);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "A {GrainType} grain could not announce an alert change ({Problem}); live streams catch up from the alert log")]
    public static partial void AlertAnnouncementFailed(ILogger logger, string grainType, string problem);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Deadline sweep woke {Count} cases whose deadline passed while no silo ran")]
    public static partial void SweepWoke(ILogger logger, int count);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "The deadline sweep failed: {Problem}; Orleans fires the reminders at their next period")]
    public static partial void SweepFailed(ILogger logger, string problem);
}
