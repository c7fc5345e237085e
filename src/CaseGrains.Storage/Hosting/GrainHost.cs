using System.Collections.Concurrent;
using System.Reflection;
using CaseGrains.Runtime.Reminders;
using CaseGrains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CaseGrains.Runtime.Hosting;

/// <summary>
/// The grain host of one node: a directory of activations, the idle collector and the reminder
/// poller. Several hosts may share one database; the stream version keeps them from losing writes.
/// </summary>
public sealed class GrainHost : IGrainFactory, IAsyncDisposable
{
    private readonly ConcurrentDictionary<GrainId, Lazy<GrainActivation>> _activations = new();
    private readonly IServiceProvider _services;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];

    /// <summary>Creates a host; call <see cref="Start"/> to run its background loops.</summary>
    public GrainHost(
        GrainRegistry registry,
        ICaseStore store,
        IServiceProvider services,
        TimeProvider timeProvider,
        IOptions<GrainOptions> options,
        IOptions<ReminderOptions> reminderOptions,
        ILoggerFactory? loggerFactory = null,
        string? nodeId = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Registry = registry;
        Store = store;
        _services = services;
        TimeProvider = timeProvider;
        Options = options.Value;
        NodeId = nodeId ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("CaseGrains.Runtime.GrainHost");
        Reminders = new ReminderService(this, reminderOptions.Value, Logger);
    }

    /// <summary>This node's name, used as the reminder lease owner.</summary>
    public string NodeId { get; }

    /// <summary>The store every activation of this host reads and appends through.</summary>
    public ICaseStore Store { get; }

    /// <summary>The host's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The grain classes this host can activate.</summary>
    public GrainRegistry Registry { get; }

    /// <summary>The reminder poller of this node.</summary>
    public ReminderService Reminders { get; }

    internal GrainOptions Options { get; }

    internal ILogger Logger { get; }

    /// <summary>How many activations are alive now.</summary>
    public int ActivationCount => _activations.Count;

    /// <inheritdoc />
    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var registration = Registry.ForInterface(typeof(TGrain));
        var proxy = DispatchProxy.Create<TGrain, GrainProxy>();
        ((GrainProxy)(object)proxy).Bind(this, new GrainId(registration.TypeName, key));
        return proxy;
    }

    /// <summary>Starts the idle collector and the reminder poller.</summary>
    public void Start()
    {
        RuntimeLog.HostStarted(Logger, NodeId, Store.ProviderName);
        _loops.Add(Task.Run(() => CollectLoopAsync(_stopping.Token)));
        if (Reminders.Options.Enabled)
        {
            _loops.Add(Task.Run(() => Reminders.RunAsync(_stopping.Token)));
        }
    }

    /// <summary>Queues a call to a grain and waits for its turn to finish.</summary>
    internal async Task<T> InvokeAsync<T>(GrainId id, string methodName, Func<Grain, Task<T>> call)
    {
        var item = new WorkItem<T>(methodName, call);
        while (true)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            var activation = _activations.GetOrAdd(id, static (key, host) => new Lazy<GrainActivation>(() => new GrainActivation(key, host)), this);
            if (activation.Value.TryEnqueue(item))
            {
                return await item.Task.WaitAsync(Options.ResponseTimeout, TimeProvider.System);
            }
            // That activation is closing: drop it from the directory and activate afresh.
            _activations.TryRemove(new KeyValuePair<GrainId, Lazy<GrainActivation>>(id, activation));
        }
    }

    internal Grain CreateGrainInstance(GrainId id, GrainActivation activation)
    {
        var registration = Registry.ForTypeName(id.Type);
        var grain = (Grain)ActivatorUtilities.CreateInstance(_services, registration.Implementation);
        grain.Attach(new GrainContext(id, this, activation));
        return grain;
    }

    internal void OnActivationClosed(GrainActivation activation)
    {
        foreach (var entry in _activations)
        {
            if (entry.Key == activation.Id && entry.Value.IsValueCreated && ReferenceEquals(entry.Value.Value, activation))
            {
                _activations.TryRemove(entry);
            }
        }
    }

    /// <summary>Collects activations idle for at least <paramref name="idleFor"/> (default: the configured age).</summary>
    /// <returns>How many were collected.</returns>
    public async Task<int> CollectIdleActivationsAsync(TimeSpan? idleFor = null)
    {
        var idleSince = TimeProvider.GetUtcNow() - (idleFor ?? Options.CollectionAge);
        var closing = new List<Task>();
        foreach (var entry in _activations)
        {
            if (entry.Value.IsValueCreated && entry.Value.Value.TryClose(idleSince))
            {
                closing.Add(entry.Value.Value.Completion);
            }
        }
        await Task.WhenAll(closing);
        RuntimeLog.Collected(Logger, closing.Count);
        return closing.Count;
    }

    private async Task CollectLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Options.CollectionInterval, TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await CollectIdleActivationsAsync();
                }
                catch (Exception ex)
                {
                    RuntimeLog.CollectorFailed(Logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Stops the loops and lets every activation finish its queued calls.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync();
        await Task.WhenAll(_loops);
        var closing = new List<Task>();
        foreach (var entry in _activations)
        {
            if (entry.Value.IsValueCreated)
            {
                while (!entry.Value.Value.TryClose(null))
                {
                    await Task.Delay(10);
                }
                closing.Add(entry.Value.Value.Completion);
            }
        }
        await Task.WhenAll(closing);
        _stopping.Dispose();
    }
}
