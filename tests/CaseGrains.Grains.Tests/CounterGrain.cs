using System.Collections.Immutable;
using System.Text.Json.Serialization;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Storage;

namespace CaseGrains.Grains.Tests;

/// <summary>A minimal event-sourced grain that records which commands it applied: the base class's guarantees, alone.</summary>
[Alias("casegrains.tests.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    [Alias("add")]
    Task<long> Add(string commandId, int amount);

    [Alias("get")]
    Task<CounterState> Get();

    [Alias("version")]
    Task<long> GetVersion();

    [Alias("fail")]
    Task Fail(string message);

    [Alias("retire")]
    Task Retire();
}

[GenerateSerializer, Immutable, Alias("casegrains.tests.counter-state")]
public sealed record CounterState([property: Id(0)] long Total, [property: Id(1)] ImmutableList<string> Applied)
{
    public static readonly CounterState Empty = new(0, []);
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(Incremented), "incremented")]
public abstract record CounterEvent;

public sealed record Incremented(string CommandId, int Amount) : CounterEvent;

[GrainType("counter")]
public sealed class CounterGrain(GrainServices services) : EventSourcedGrain<CounterState, CounterEvent>(services), ICounterGrain
{
    protected override string StreamType => "counter";

    protected override CounterState InitialState => CounterState.Empty;

    protected override CounterState Evolve(CounterState state, CounterEvent @event) => @event switch
    {
        Incremented e => state with { Total = state.Total + e.Amount, Applied = state.Applied.Add(e.CommandId) },
        _ => state,
    };

    protected override IndexEntry? ToIndexEntry(CounterState state) => new(
        "counter", "p1", state.Total % 2 == 0 ? "even" : "odd", 2024, null, null,
        DateTimeOffset.UnixEpoch, $$"""{"total":{{state.Total}}}""");

    // A command id already applied is recognised after a re-read, so a loser of a race never applies it twice.
    public Task<long> Add(string commandId, int amount)
        => ExecuteAsync(state => state.Applied.Contains(commandId)
            ? new Decided<CounterEvent, long>([], -1)
            : new Decided<CounterEvent, long>([new Incremented(commandId, amount)], Version + 1), CommandContext.System);

    public Task<CounterState> Get() => Task.FromResult(State);

    public Task<long> GetVersion() => Task.FromResult(Version);

    public Task Fail(string message) => throw new InvalidOperationException(message);

    public Task Retire()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
