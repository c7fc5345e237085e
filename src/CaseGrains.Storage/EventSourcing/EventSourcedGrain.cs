using System.Text.Json;
using CaseGrains.Runtime.Hosting;
using CaseGrains.Storage;

namespace CaseGrains.Runtime.EventSourcing;

/// <summary>What a decision produced: the events to append (none for a refusal or a no-op) and the answer.</summary>
public readonly record struct Decided<TEvent, TResult>(IReadOnlyList<TEvent> Events, TResult Result);

/// <summary>
/// A grain whose state is the fold of its events (Orleans' <c>JournaledGrain</c> in spirit). A command
/// is decided against the current state; its events are appended in one transaction guarded by
/// the stream version, with the current-state row and reminder changes; only then does the state
/// move and the caller get an answer. On a version clash the grain re-reads and decides again.
/// </summary>
/// <typeparam name="TState">An immutable state record.</typeparam>
/// <typeparam name="TEvent">The base of the grain's events (polymorphic JSON).</typeparam>
public abstract class EventSourcedGrain<TState, TEvent> : Grain
    where TState : class
    where TEvent : class
{
    private TState? _state;

    /// <summary>The confirmed state: the fold of every committed event.</summary>
    protected TState State => _state ?? InitialState;

    /// <summary>How many events the stream holds (0 for a grain that never acted).</summary>
    protected long Version { get; private set; }

    /// <summary>The state before the first event.</summary>
    protected abstract TState InitialState { get; }

    /// <summary>Applies one event (pure).</summary>
    protected abstract TState Evolve(TState state, TEvent @event);

    /// <summary>The JSON options for events.</summary>
    protected virtual JsonSerializerOptions JsonOptions => GrainJson.Options;

    /// <summary>The current-state row for a state, or null for grains without one.</summary>
    protected virtual IndexEntry? ToIndexEntry(TState state) => null;

    /// <summary>The reminders a state wants armed, by name; the host arms, moves and disarms them with each append.</summary>
    protected virtual IReadOnlyDictionary<string, DateTimeOffset> DesiredReminders(TState state) => EmptyReminders;

    /// <summary>Runs after a commit, before the caller gets its answer. A failure here is logged, never turned
    /// into a failed command: the events are already durable.</summary>
    protected virtual Task OnCommittedAsync(TState before, TState after, IReadOnlyList<TEvent> events) => Task.CompletedTask;

    /// <summary>The type name recorded beside an event.</summary>
    protected virtual string EventTypeName(TEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var name = @event.GetType().Name;
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private static readonly IReadOnlyDictionary<string, DateTimeOffset> EmptyReminders = new Dictionary<string, DateTimeOffset>();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _state = InitialState;
        Version = 0;
        await CatchUpAsync(cancellationToken);
    }

    /// <summary>Reads the events appended since this activation's version (by another node, say) and applies them.</summary>
    protected async Task CatchUpAsync(CancellationToken cancellationToken = default)
    {
        var stored = await Store.ReadStreamAsync(GrainId.StreamId, Version, cancellationToken);
        var state = State;
        foreach (var e in stored)
        {
            var @event = JsonSerializer.Deserialize<TEvent>(e.Payload, JsonOptions)
                ?? throw new InvalidDataException($"Event {e.StreamId}@{e.Version} is empty.");
            state = Evolve(state, @event);
            Version = e.Version;
        }
        _state = state;
    }

    /// <summary>The stored events of this grain, oldest first (the audit trail).</summary>
    protected Task<IReadOnlyList<StoredEvent>> ReadHistoryAsync(CancellationToken cancellationToken = default)
        => Store.ReadStreamAsync(GrainId.StreamId, 0, cancellationToken);

    /// <summary>
    /// Decides a command against the current state and makes its events durable. On losing a version
    /// race the grain catches up and calls <paramref name="decide"/> again with the newer state.
    /// </summary>
    protected async Task<TResult> ExecuteAsync<TResult>(Func<TState, Decided<TEvent, TResult>> decide, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decide);
        for (var attempt = 1; ; attempt++)
        {
            var decided = decide(State);
            if (decided.Events.Count == 0)
            {
                return decided.Result;
            }

            var before = State;
            var after = before;
            foreach (var e in decided.Events)
            {
                after = Evolve(after, e);
            }

            var now = TimeProvider.GetUtcNow();
            var actor = RequestContext.Actor;
            var request = new AppendRequest(
                GrainId.StreamId,
                Version,
                decided.Events.Select(e => new NewEvent(EventTypeName(e), JsonSerializer.Serialize(e, JsonOptions), now, actor)).ToList(),
                ToIndexEntry(after),
                GrainId.Type,
                GrainId.Key,
                ReminderChanges(DesiredReminders(before), DesiredReminders(after)));
            try
            {
                await Store.AppendAsync(request, cancellationToken);
            }
            catch (StreamVersionConflictException) when (attempt < Host.Options.MaxConflictRetries)
            {
                RuntimeLog.ConflictRetry(Host.Logger, GrainId.Type, attempt);
                // Two activations of one grain (two nodes during a fail-over) would otherwise keep colliding in lock-step.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, Math.Min(100, 1 << attempt))), cancellationToken);
                await CatchUpAsync(cancellationToken);
                continue;
            }

            _state = after;
            Version += decided.Events.Count;
            try
            {
                await OnCommittedAsync(before, after, decided.Events);
            }
            catch (Exception ex)
            {
                RuntimeLog.AfterCommitFailed(Host.Logger, ex, GrainId.Type);
            }
            return decided.Result;
        }
    }

    private static List<ReminderChange> ReminderChanges(IReadOnlyDictionary<string, DateTimeOffset> before, IReadOnlyDictionary<string, DateTimeOffset> after)
    {
        var changes = new List<ReminderChange>();
        foreach (var (name, dueAt) in after)
        {
            if (!before.TryGetValue(name, out var previous) || previous != dueAt)
            {
                changes.Add(new ReminderChange(name, dueAt));
            }
        }
        foreach (var name in before.Keys)
        {
            if (!after.ContainsKey(name))
            {
                changes.Add(new ReminderChange(name, null));
            }
        }
        return changes;
    }
}
