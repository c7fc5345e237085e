using System.Collections.Immutable;
using System.Text.Json.Serialization;
using CaseGrains.Runtime.EventSourcing;
using CaseGrains.Runtime.Hosting;
using CaseGrains.Storage;

namespace CaseGrains.Storage.Tests;

/// <summary>A minimal event-sourced grain that records which commands it applied and which reminders fired.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<long> Add(string commandId, int amount);

    Task<CounterState> Get();

    Task<long> GetVersion();

    Task ArmDeadline(DateTimeOffset dueAt);

    Task ArmRaw(string name, DateTimeOffset dueAt);

    Task Fail(string message);

    Task Retire();
}

public sealed record CounterState(long Total, ImmutableList<string> Applied, ImmutableList<DateTimeOffset> DeadlineFirings, DateTimeOffset? DeadlineDue, double LastLatenessSeconds)
{
    public static readonly CounterState Empty = new(0, [], [], null, 0);
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(Incremented), "incremented")]
[JsonDerivedType(typeof(DeadlineArmed), "deadlineArmed")]
[JsonDerivedType(typeof(DeadlineFired), "deadlineFired")]
public abstract record CounterEvent;

public sealed record Incremented(string CommandId, int Amount) : CounterEvent;

public sealed record DeadlineArmed(DateTimeOffset DueAt) : CounterEvent;

public sealed record DeadlineFired(DateTimeOffset DueAt, double LatenessSeconds) : CounterEvent;

public sealed class CounterGrain : EventSourcedGrain<CounterState, CounterEvent>, ICounterGrain, IRemindable
{
    public const string DeadlineReminder = "deadline";

    protected override CounterState InitialState => CounterState.Empty;

    protected override CounterState Evolve(CounterState state, CounterEvent @event) => @event switch
    {
        Incremented e => state with { Total = state.Total + e.Amount, Applied = state.Applied.Add(e.CommandId) },
        DeadlineArmed e => state with { DeadlineDue = e.DueAt },
        DeadlineFired e => state with { DeadlineFirings = state.DeadlineFirings.Add(e.DueAt), LastLatenessSeconds = e.LatenessSeconds },
        _ => state,
    };

    protected override IndexEntry? ToIndexEntry(CounterState state) => new(
        "counter", "p1", state.Total % 2 == 0 ? "even" : "odd", 2024, null, state.DeadlineDue,
        DateTimeOffset.UnixEpoch, $$"""{"total":{{state.Total}}}""");

    // The deadline reminder stays armed until it has fired for the current due instant.
    protected override IReadOnlyDictionary<string, DateTimeOffset> DesiredReminders(CounterState state)
        => state.DeadlineDue is { } due && !state.DeadlineFirings.Contains(due)
            ? new Dictionary<string, DateTimeOffset> { [DeadlineReminder] = due }
            : new Dictionary<string, DateTimeOffset>();

    public Task<long> Add(string commandId, int amount)
        => ExecuteAsync(state => state.Applied.Contains(commandId)
            ? new Decided<CounterEvent, long>([], -1)
            : new Decided<CounterEvent, long>([new Incremented(commandId, amount)], Version + 1));

    public Task<CounterState> Get() => Task.FromResult(State);

    public Task<long> GetVersion() => Task.FromResult(Version);

    public Task ArmDeadline(DateTimeOffset dueAt)
        => ExecuteAsync(_ => new Decided<CounterEvent, bool>([new DeadlineArmed(dueAt)], true));

    public Task ArmRaw(string name, DateTimeOffset dueAt) => RegisterOrUpdateReminder(name, dueAt);

    public Task Fail(string message) => throw new InvalidOperationException(message);

    public Task Retire()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, ReminderTick tick)
        // Idempotent: a second delivery of the same arming finds the firing already recorded.
        => ExecuteAsync(state => reminderName == DeadlineReminder && state.DeadlineDue == tick.DueAt && !state.DeadlineFirings.Contains(tick.DueAt)
            ? new Decided<CounterEvent, bool>([new DeadlineFired(tick.DueAt, tick.Lateness.TotalSeconds)], true)
            : new Decided<CounterEvent, bool>([], false));
}

internal static class CounterGrains
{
    public static void Register(GrainRegistry registry) => registry.Add<ICounterGrain, CounterGrain>("counter");
}
