using CaseGrains.Grains.Cases;
using CaseGrains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CaseGrains.Grains;

/// <summary>
/// At silo start, wakes every case whose deadline passed while no silo ran: Orleans fires a reminder
/// whose start lies in the past only at its next period, and a supervisor should not wait for that.
/// It reads the current-state rows whose reminder is still armed with a start in the past (armed means
/// not yet handled) and asks each case to check its deadlines; the handler is idempotent, so a case
/// that Orleans fires at the same time is handled once either way.
/// </summary>
public sealed class DeadlineSweep(
    ICaseStore store,
    IGrainFactory grains,
    TimeProvider clock,
    IOptions<ClusterOptions> cluster,
    IOptions<DeadlineReminderOptions> options,
    ILogger<DeadlineSweep> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const int Parallelism = 16;
    private Task _sweep = Task.CompletedTask;

    /// <summary>The sweep started with the silo; done when every woken case has answered.</summary>
    public Task Completion => _sweep;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(DeadlineSweep), ServiceLifecycleStage.Active, _ =>
        {
            if (options.Value.SweepOnStart)
            {
                // In the background: a silo that waits for thousands of cases would not start taking calls.
                _sweep = Task.Run(() => SweepAsync(CancellationToken.None));
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>Wakes every case with an armed deadline in the past; returns how many passed deadlines were handled.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        try
        {
            var due = await store.FindPassedRemindersAsync(cluster.Value.ServiceId, clock.GetUtcNow(), cancellationToken);
            var handled = 0;
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (grainId, _) => Interlocked.Add(ref handled, await grains.GetGrain<IDeadlineWatcher>(GrainId.Parse(grainId)).CheckDeadlines()));
            GrainsLog.SweepWoke(logger, due.Count);
            return handled;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GrainsLog.SweepFailed(logger, ex.GetType().Name);
            return 0;
        }
    }
}
