using System.Text.Json.Serialization;
using CaseGrains.Grains;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Storage;

namespace CaseGrains.Benchmarks;

/// <summary>The measured grain: every command appends one event and rewrites the grain's current-state row.</summary>
[Alias("casegrains.bench.ITallyGrain")]
public interface ITallyGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="amount"/>; answers the stream version the event was stored at.</summary>
    [Alias("add")]
    Task<long> Add(int amount);

    /// <summary>The confirmed total; activates the grain without writing anything.</summary>
    [Alias("total")]
    Task<long> GetTotal();
}

/// <summary>The tally's state: the sum of every committed amount.</summary>
[GenerateSerializer, Immutable, Alias("casegrains.bench.tally-state")]
public sealed record TallyState([property: Id(0)] long Total)
{
    /// <summary>The state before the first event.</summary>
    public static readonly TallyState Empty = new(0);
}

/// <summary>Base of the tally's events (polymorphic JSON, as a real grain's events are).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(TallyAdded), "tallyAdded")]
public abstract record TallyEvent;

/// <summary>An amount was added.</summary>
public sealed record TallyAdded(int Amount) : TallyEvent;

/// <summary>
/// Shaped like the grain tests' counter without dedupe lists, so that a command costs what Orleans,
/// the event-sourced base and the store cost, and nothing of a case's own logic.
/// </summary>
[GrainType(TypeName)]
public sealed class TallyGrain(GrainServices services) : EventSourcedGrain<TallyState, TallyEvent>(services), ITallyGrain
{
    /// <summary>The stored type name (stream ids are <c>tally/{key}</c>).</summary>
    public const string TypeName = "tally";

    protected override string StreamType => TypeName;

    protected override TallyState InitialState => TallyState.Empty;

    protected override TallyState Evolve(TallyState state, TallyEvent @event) => @event switch
    {
        TallyAdded e => state with { Total = state.Total + e.Amount },
        _ => state,
    };

    // A real grain always writes its index row with its events; leaving it out would flatter the numbers.
    protected override IndexEntry? ToIndexEntry(TallyState state) => new(
        TypeName, "bench", "open", 0, null, null, DateTimeOffset.UnixEpoch, $$"""{"total":{{state.Total}}}""");

    public Task<long> Add(int amount)
        => ExecuteAsync(_ => new Decided<TallyEvent, long>([new TallyAdded(amount)], Version + 1), CommandContext.System);

    public Task<long> GetTotal() => Task.FromResult(State.Total);

    /// <summary>The stream id of a tally key, for checking what reached the store.</summary>
    public static string StreamIdOf(string key) => $"{TypeName}/{key}";
}
