using System.Runtime.CompilerServices;
using CaseGrains.Storage;

namespace CaseGrains.Server.Cases;

/// <summary>
/// Group commit for the access-log rows of reads. Every read of unmasked personal data still answers only
/// once its row is durable, but rows of concurrent reads share one commit: while one write is in flight, the
/// rows that arrive queue up and go together in the next. One reader alone waits exactly as before (its row
/// is written at once); under load a commit carries many rows instead of each read paying its own. When a
/// write fails, every read in it fails with that error (503 for an outage), as a lone write would.
/// </summary>
internal sealed class AccessLogWriter(ICaseStore store)
{
    /// <summary>Rows per commit at most, so that one commit stays short.</summary>
    public const int MaxRowsPerCommit = 500;

    // One writer per store: the read path finds it through the store it already has.
    private static readonly ConditionalWeakTable<ICaseStore, AccessLogWriter> Writers = [];

    private readonly Lock _gate = new();
    private List<(AccessLogEntry Entry, TaskCompletionSource Durable)> _queued = [];
    private bool _writing;

    /// <summary>The writer of a store.</summary>
    public static AccessLogWriter For(ICaseStore store) => Writers.GetValue(store, s => new AccessLogWriter(s));

    /// <summary>Completes when the row is committed together with whatever else was queued beside it.</summary>
    public Task AppendAsync(AccessLogEntry entry)
    {
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            _queued.Add((entry, durable));
            start = !_writing;
            _writing = true;
        }
        if (start)
        {
            // Returns at its first await; later rounds run on the thread pool, so no request waits for others' rows.
            _ = WriteQueuedAsync();
        }
        return durable.Task;
    }

    private async Task WriteQueuedAsync()
    {
        while (true)
        {
            List<(AccessLogEntry Entry, TaskCompletionSource Durable)> batch;
            lock (_gate)
            {
                if (_queued.Count == 0)
                {
                    _writing = false;
                    return;
                }
                if (_queued.Count <= MaxRowsPerCommit)
                {
                    batch = _queued;
                    _queued = [];
                }
                else
                {
                    batch = _queued[..MaxRowsPerCommit];
                    _queued.RemoveRange(0, MaxRowsPerCommit);
                }
            }
            try
            {
                await store.AppendAccessLogAsync([.. batch.Select(b => b.Entry)]);
                batch.ForEach(b => b.Durable.SetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(b => b.Durable.SetException(ex));
            }
        }
    }
}
