namespace CaseGrains.Runtime.Hosting;

/// <summary>
/// Marks a grain interface addressed by a string key. Every method returns <see cref="Task"/> or
/// <see cref="Task{TResult}"/>; a call is queued to the grain's activation and runs in its own turn.
/// </summary>
public interface IGrainWithStringKey;

/// <summary>Hands out references to grains; the grain is activated on its first call.</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the grain of this interface and key.</summary>
    TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey;
}

/// <summary>A grain that wants its durable reminders delivered.</summary>
public interface IRemindable
{
    /// <summary>Called in a turn of its own when a reminder is due. It may be called again for the same arming
    /// (after a crash before completion), so the handler must be idempotent.</summary>
    Task ReceiveReminder(string reminderName, ReminderTick tick);
}

/// <summary>What a reminder firing knows: when it was due, when it fired, and how late that was.</summary>
public sealed record ReminderTick(DateTimeOffset DueAt, DateTimeOffset FiredAt)
{
    /// <summary>How late the firing is.</summary>
    public TimeSpan Lateness => FiredAt - DueAt;
}

/// <summary>Per-call values that travel from the caller into the grain's turn (like Orleans' RequestContext).</summary>
public static class RequestContext
{
    private static readonly AsyncLocal<string?> CurrentActor = new();

    /// <summary>Who is acting (a user's subject), recorded beside the events the call appends.</summary>
    public static string? Actor
    {
        get => CurrentActor.Value;
        set => CurrentActor.Value = value;
    }
}
