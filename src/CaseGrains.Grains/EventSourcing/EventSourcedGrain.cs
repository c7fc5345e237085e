using System.Diagnostics;
using System.Text.Json;
using CaseGrains.Storage;
using Microsoft.Extensions.Logging;

namespace CaseGrains.Grains.EventSourcing;

/// <summary>What a decision produced: the events to append (none for a refusal or a no-op) and the answer.</summary>
public readonly record struct Decided<TEvent, TResult>(IReadOnlyList<TEvent> Events, TResult Result);

/// <summary>
/// An Orleans grain whose state is the fold of its events, kept in the case store rather than in
/// Orleans' state providers: a command is decided against the current state, its events are appended
/// in one transaction guarded by the stream version together with the current-state row (a snapshot)
/// and whatever the command adds (idempotency record, access-log rows); only then does the state move
/// and the caller get an answer. A version clash (a second activation during a fail-over) makes the
/// grain re-read and decide again; nothing is overwritten and nothing is applied twice. Activation
/// reads the current-state row, not the whole stream.
/// </summary>
/// <typeparam name="TState">An immutable state record.</typeparam>
/// <typeparam name="TEvent">The base of the grain's events (polymorphic JSON).</typeparam>
public abstract class EventSourcedGrain<TState, TEvent>(GrainServices services) : Grain
    where TState : class
    where TEvent : class
{
    private TState? _state;

    /// <summary>The case store.</summary>
    protected ICaseStore Store { get; } = services.Store;

    /// <summary>The clock: the deployment's, or a test's.</summary>
    protected TimeProvider Clock { get; } = services.Clock;

    /// <summary>The grain's log; never a state's or a command's content.</summary>
    protected ILogger Logger { get; } = services.LoggerFactory.CreateLogger("CaseGrains.Grains");

    /// <summary>The grain settings.</summary>
    protected GrainOptions Options { get; } = services.Options.Value;

    /// <summary>The confirmed state: the fold of every committed event.</summary>
    protected TState State => _state ?? InitialState;

    /// <summary>How many events the stream holds (0 for a grain that never acted).</summary>
    protected long Version { get; private set; }

    /// <summary>The grain type as stored in stream ids (<c>petition</c>, <c>township</c>).</summary>
    protected abstract string StreamType { get; }

    /// <summary>This grain's key (<c>tianjiazhai/2024-XF-0001</c>).</summary>
    protected string Key => this.GetPrimaryKeyString();

    /// <summary>The event stream: <c>{type}/{key}</c>, the same text as the Orleans grain id.</summary>
    protected string StreamId => $"{StreamType}/{Key}";

    /// <summary>The state before the first event.</summary>
    protected abstract TState InitialState { get; }

    /// <summary>Applies one event (pure).</summary>
    protected abstract TState Evolve(TState state, TEvent @event);

    /// <summary>The JSON options for events and snapshots.</summary>
    protected virtual JsonSerializerOptions JsonOptions => GrainJson.Options;

    /// <summary>The current-state row for a state, or null for grains without one.</summary>
    protected virtual IndexEntry? ToIndexEntry(TState state) => null;

    /// <summary>What a command writes besides its events: the idempotency record, access-log rows, an alert change.</summary>
    protected virtual (IdempotencyRecord? Idempotency, IReadOnlyList<AccessLogEntry>? AccessLog, AlertLogEntry? Alert) CommandRecords(
        TState before, TState after, CommandContext context, DateTimeOffset now) => (null, null, null);

    /// <summary>Runs after a commit, before the caller gets its answer. A failure here is logged, never turned
    /// into a failed command: the events are already durable.</summary>
    protected virtual Task OnCommittedAsync(TState before, TState after, IReadOnlyList<TEvent> events) => Task.CompletedTask;

    /// <summary>The type name recorded beside an event: its JSON type discriminator (<c>petitionAccepted</c>, <c>becameOverdue</c>).</summary>
    protected virtual string EventTypeName(TEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (EventTypeNames.TryGetValue(@event.GetType(), out var name))
        {
            return name;
        }
        var type = @event.GetType().Name;
        return char.ToLowerInvariant(type[0]) + type[1..];
    }

    private static readonly Dictionary<Type, string> EventTypeNames = typeof(TEvent)
        .GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonDerivedTypeAttribute), inherit: false)
        .Cast<System.Text.Json.Serialization.JsonDerivedTypeAttribute>()
        .Where(a => a.TypeDiscriminator is string)
        .ToDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    /// <summary>Reads the grain's state afresh: the snapshot in its current-state row, or its whole stream.</summary>
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        _state = InitialState;
        Version = 0;
        // The current-state row is written in the same transaction as the events, so its snapshot is the
        // fold of exactly the events up to its version; only a grain without one replays its stream.
        if (await Store.GetIndexRowAsync(StreamId, cancellationToken) is { Entry.State: { } snapshot } row
            && TryReadSnapshot(snapshot) is { } state)
        {
            _state = state;
            Version = row.Version;
            return;
        }
        await CatchUpAsync(cancellationToken);
    }

    private TState? TryReadSnapshot(string snapshot)
    {
        try
        {
            return JsonSerializer.Deserialize<TState>(snapshot, JsonOptions);
        }
        catch (JsonException)
        {
            // A snapshot of an older shape: the events are the truth.
            GrainsLog.SnapshotUnreadable(Logger, StreamType);
            return null;
        }
    }

    /// <summary>Reads the events appended since this activation's version (by another silo, say) and applies them.</summary>
    /// <returns>True when there were any.</returns>
    protected async Task<bool> CatchUpAsync(CancellationToken cancellationToken = default)
    {
        var (state, version) = await ReadAheadAsync(cancellationToken);
        var moved = version != Version;
        _state = state;
        Version = version;
        return moved;
    }

    /// <summary>The state and version with the events stored after this activation's version applied, without
    /// adopting them: for reads that may interleave with a turn in progress.</summary>
    protected async Task<(TState State, long Version)> ReadAheadAsync(CancellationToken cancellationToken = default)
    {
        var stored = await Store.ReadStreamAsync(StreamId, Version, cancellationToken);
        var state = State;
        var version = Version;
        foreach (var e in stored)
        {
            var @event = JsonSerializer.Deserialize<TEvent>(e.Payload, JsonOptions)
                ?? throw new InvalidDataException($"Event {e.StreamId}@{e.Version} is empty.");
            state = Evolve(state, @event);
            version = e.Version;
        }
        return (state, version);
    }

    /// <summary>The stored events of this grain, oldest first (the audit trail).</summary>
    protected Task<IReadOnlyList<StoredEvent>> ReadHistoryAsync(CancellationToken cancellationToken = default)
        => Store.ReadStreamAsync(StreamId, 0, cancellationToken);

    /// <summary>
    /// Decides a command against the current state and makes its events durable. On losing a version
    /// race the grain catches up and calls <paramref name="decide"/> again with the newer state.
    /// </summary>
    protected async Task<TResult> ExecuteAsync<TResult>(Func<TState, Decided<TEvent, TResult>> decide, CommandContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decide);
        ArgumentNullException.ThrowIfNull(context);
        using var activity = GrainTelemetry.Source.StartActivity($"grain {StreamType}", ActivityKind.Internal);
        activity?.SetTag("casegrains.grain.type", StreamType);
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

            var now = Clock.GetUtcNow();
            var index = ToIndexEntry(after);
            var (idempotency, accessLog, alert) = CommandRecords(before, after, context, now);
            var request = new AppendRequest(
                StreamId,
                Version,
                [.. decided.Events.Select(e => new NewEvent(EventTypeName(e), JsonSerializer.Serialize(e, JsonOptions), now, context.Actor))],
                index is null ? null : index with { State = JsonSerializer.Serialize(after, JsonOptions) },
                idempotency,
                accessLog,
                alert);
            try
            {
                await Store.AppendAsync(request, cancellationToken);
            }
            catch (StreamVersionConflictException) when (attempt < Options.MaxConflictRetries)
            {
                GrainsLog.ConflictRetry(Logger, StreamType, attempt);
                // Two activations of one grain would otherwise keep colliding in lock-step.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, Math.Min(100, 1 << attempt))), cancellationToken);
                if (!await CatchUpAsync(cancellationToken))
                {
                    // Nobody wrote after us, yet our version is refused: the database lost writes this activation saw
                    // committed (a fail-over to a replica that lagged, say). Storage is the truth: start again from it.
                    GrainsLog.StateAheadOfStorage(Logger, StreamType);
                    await LoadAsync(cancellationToken);
                }
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
                GrainsLog.AfterCommitFailed(Logger, ex, StreamType);
            }
            return decided.Result;
        }
    }
}
