using System.Diagnostics;
using System.Threading.Channels;
using CaseGrains.Runtime.Telemetry;

namespace CaseGrains.Runtime.Hosting;

/// <summary>
/// One activation of a grain: a mailbox drained by a single loop, so that calls run one turn at a
/// time in arrival order. The lock guards only the mailbox's open/closed state, never grain code.
/// </summary>
internal sealed class GrainActivation
{
    private readonly GrainHost _host;
    private readonly Channel<WorkItem> _mailbox = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private int _pending;
    private bool _closed;
    private bool _deactivationRequested;
    private long _lastUsedUtcTicks;
    private Grain? _grain;

    public GrainActivation(GrainId id, GrainHost host)
    {
        Id = id;
        _host = host;
        _lastUsedUtcTicks = host.TimeProvider.GetUtcNow().UtcTicks;
        Completion = Task.Run(RunAsync);
    }

    public GrainId Id { get; }

    /// <summary>Ends when the activation has been collected.</summary>
    public Task Completion { get; }

    /// <summary>Queues a call; false when the activation is closing and the caller must find a new one.</summary>
    public bool TryEnqueue(WorkItem item)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }
            _pending++;
            _mailbox.Writer.TryWrite(item);
            return true;
        }
    }

    /// <summary>Closes the mailbox if nothing is queued or running and the last use is older than <paramref name="idleSince"/>.</summary>
    public bool TryClose(DateTimeOffset? idleSince)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return true;
            }
            if (_pending > 0 || (idleSince is { } limit && _lastUsedUtcTicks > limit.UtcTicks))
            {
                return false;
            }
            _closed = true;
            _mailbox.Writer.TryComplete();
            return true;
        }
    }

    public void RequestDeactivation()
    {
        lock (_gate)
        {
            _deactivationRequested = true;
        }
    }

    private async Task RunAsync()
    {
        await foreach (var item in _mailbox.Reader.ReadAllAsync())
        {
            await RunTurnAsync(item);
            lock (_gate)
            {
                _pending--;
                _lastUsedUtcTicks = _host.TimeProvider.GetUtcNow().UtcTicks;
                if (_deactivationRequested && _pending == 0 && !_closed)
                {
                    _closed = true;
                    _mailbox.Writer.TryComplete();
                }
            }
        }

        if (_grain is { } grain)
        {
            try
            {
                await grain.OnDeactivateAsync(CancellationToken.None);
            }
            catch (Exception ex)
            {
                RuntimeLog.DeactivationFailed(_host.Logger, ex, Id.Type);
            }
            RuntimeTelemetry.Deactivations.Add(1, new KeyValuePair<string, object?>("grain.type", Id.Type));
        }
        _host.OnActivationClosed(this);
    }

    private async Task RunTurnAsync(WorkItem item)
    {
        using var activity = RuntimeTelemetry.Source.StartActivity($"grain {Id.Type}", ActivityKind.Internal, item.ParentContext);
        activity?.SetTag("casegrains.grain.type", Id.Type);
        activity?.SetTag("casegrains.grain.method", item.MethodName);
        RequestContext.Actor = item.Actor;
        try
        {
            if (_grain is null)
            {
                var grain = _host.CreateGrainInstance(Id, this);
                await grain.OnActivateAsync(CancellationToken.None);
                _grain = grain;
                RuntimeTelemetry.Activations.Add(1, new KeyValuePair<string, object?>("grain.type", Id.Type));
            }
            await item.RunAsync(_grain);
            RuntimeTelemetry.Turns.Add(1, new KeyValuePair<string, object?>("grain.type", Id.Type), new KeyValuePair<string, object?>("outcome", "ok"));
        }
        catch (Exception ex)
        {
            // A failed activation leaves _grain null, so the next call tries to activate again.
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            RuntimeTelemetry.Turns.Add(1, new KeyValuePair<string, object?>("grain.type", Id.Type), new KeyValuePair<string, object?>("outcome", "error"));
            item.Fail(ex);
        }
        finally
        {
            RequestContext.Actor = null;
        }
    }
}

/// <summary>A call waiting in a mailbox.</summary>
internal abstract class WorkItem
{
    protected WorkItem(string methodName)
    {
        MethodName = methodName;
        Actor = RequestContext.Actor;
        ParentContext = Activity.Current?.Context ?? default;
    }

    public string MethodName { get; }

    public string? Actor { get; }

    public ActivityContext ParentContext { get; }

    /// <summary>Runs the call; its own exceptions end up in the caller's task.</summary>
    public abstract Task RunAsync(Grain grain);

    public abstract void Fail(Exception exception);
}

/// <summary>A call with a typed result.</summary>
internal sealed class WorkItem<T>(string methodName, Func<Grain, Task<T>> call) : WorkItem(methodName)
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    public override async Task RunAsync(Grain grain)
    {
        try
        {
            _completion.TrySetResult(await call(grain));
        }
        catch (Exception ex)
        {
            _completion.TrySetException(ex);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
