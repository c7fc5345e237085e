using System.Text.Json;
using System.Threading.Channels;
using CaseGrains.Grains.Deadlines;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Storage;
using Orleans.Streams;

namespace CaseGrains.Server.Alerts;

/// <summary>
/// This node's view of the alert log for live streams. Case grains write every alert change in their
/// commit and announce it on an Orleans stream; the feed wakes on the announcement (or every few seconds,
/// in case one was lost), reads the log after the last id it saw and hands each change to the live
/// streams open on this node. The log, not the announcement, is the truth: it orders changes, numbers
/// them for <c>Last-Event-ID</c>, and nothing is lost when a silo dies mid-announcement.
/// </summary>
internal sealed partial class AlertFeed(ICaseStore store, IClusterClient cluster, ILogger<AlertFeed> logger) : BackgroundService
{
    /// <summary>How often the log is read without an announcement.</summary>
    private static readonly TimeSpan SafetyPoll = TimeSpan.FromSeconds(3);

    /// <summary>Ids are re-read a little behind the cursor: in PostgreSQL a lower id can commit after a higher one.</summary>
    private const int Overlap = 64;

    private const int Batch = 500;

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _gate = new();
    private readonly List<Channel<AlertLogRow>> _listeners = [];
    private readonly HashSet<long> _dispatched = [];
    private readonly Queue<long> _dispatchOrder = new();
    private long _cursor = -1;

    /// <summary>Starts receiving the changes committed from now on.</summary>
    public Subscription Listen()
    {
        var channel = Channel.CreateBounded<AlertLogRow>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            _listeners.Add(channel);
        }
        _wake.Writer.TryWrite(true);
        return new Subscription(this, channel);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await SubscribeAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReadNewAsync(stoppingToken);
            }
            catch (StorageUnavailableException)
            {
                // The database is away; the next wake-up reads what came meanwhile.
            }
            using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            poll.CancelAfter(SafetyPoll);
            try
            {
                await _wake.Reader.ReadAsync(poll.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Time for the safety read.
            }
        }
    }

    private async Task SubscribeAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                var stream = cluster.GetStreamProvider(AlertStream.ProviderName).GetStream<AlertNotice>(AlertStream.Id);
                await stream.SubscribeAsync((_, _) =>
                {
                    _wake.Writer.TryWrite(true);
                    return Task.CompletedTask;
                });
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Without announcements the safety read still brings every change, a few seconds later.
                SubscribeFailed(logger, ex.GetType().Name, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, attempt * 2)), stoppingToken);
                if (attempt >= 5)
                {
                    return;
                }
            }
        }
    }

    private async Task ReadNewAsync(CancellationToken cancellationToken)
    {
        if (_cursor < 0)
        {
            // Live streams start from now; a client that wants the past asks with Last-Event-ID.
            _cursor = await store.LatestAlertIdAsync(cancellationToken);
        }
        while (true)
        {
            var rows = await store.ReadAlertLogAsync(Math.Max(0, _cursor - Overlap), null, Batch, cancellationToken);
            var fresh = rows.Where(r => r.Id > _cursor - Overlap && !_dispatched.Contains(r.Id)).ToList();
            foreach (var row in fresh)
            {
                Dispatch(row);
            }
            if (rows.Count > 0)
            {
                _cursor = Math.Max(_cursor, rows[^1].Id);
            }
            if (rows.Count < Batch)
            {
                return;
            }
        }
    }

    private void Dispatch(AlertLogRow row)
    {
        _dispatched.Add(row.Id);
        _dispatchOrder.Enqueue(row.Id);
        while (_dispatchOrder.Count > 8 * Overlap)
        {
            _dispatched.Remove(_dispatchOrder.Dequeue());
        }
        lock (_gate)
        {
            foreach (var listener in _listeners)
            {
                listener.Writer.TryWrite(row);
            }
        }
    }

    private void Leave(Channel<AlertLogRow> channel)
    {
        lock (_gate)
        {
            _listeners.Remove(channel);
        }
    }

    /// <summary>The alert in a log row.</summary>
    public static Domain.Deadlines.CaseAlert? AlertOf(AlertLogRow row)
        => JsonSerializer.Deserialize<Domain.Deadlines.CaseAlert>(row.Payload, GrainJson.Options);

    /// <summary>One live stream's share of the feed.</summary>
    public sealed class Subscription(AlertFeed feed, Channel<AlertLogRow> channel) : IDisposable
    {
        public ChannelReader<AlertLogRow> Changes => channel.Reader;

        public void Dispose() => feed.Leave(channel);
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Subscribing to the alert stream failed ({Problem}, attempt {Attempt}); live alerts come from the log every few seconds")]
    private static partial void SubscribeFailed(ILogger logger, string problem, int attempt);
}
