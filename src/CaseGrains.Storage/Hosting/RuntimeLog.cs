using Microsoft.Extensions.Logging;

namespace CaseGrains.Runtime.Hosting;

/// <summary>The host's log lines. Only ids and types, never a grain's state or a command's content.</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Deactivating a {GrainType} activation failed")]
    public static partial void DeactivationFailed(ILogger logger, Exception exception, string grainType);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Collected {Count} idle activations")]
    public static partial void Collected(ILogger logger, int count);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "The idle collector failed")]
    public static partial void CollectorFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Reminder {ReminderName} of a {GrainType} grain failed; it will fire again")]
    public static partial void ReminderFailed(ILogger logger, Exception exception, string grainType, string reminderName);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "The reminder poller failed: {Problem}")]
    public static partial void ReminderPollFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "A {GrainType} grain committed its events, but its after-commit step failed")]
    public static partial void AfterCommitFailed(ILogger logger, Exception exception, string grainType);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Grain host {NodeId} started on {Provider}")]
    public static partial void HostStarted(ILogger logger, string nodeId, string provider);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Debug, Message = "A {GrainType} command lost a version race (attempt {Attempt}); re-reading")]
    public static partial void ConflictRetry(ILogger logger, string grainType, int attempt);
}
