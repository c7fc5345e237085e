using CaseGrains.Domain.Rollups;
using CaseGrains.Storage;

namespace CaseGrains.Grains.Cases;

/// <summary>What every case grain (petition, dispute) answers to.</summary>
/// <typeparam name="TState">The case's state record.</typeparam>
/// <typeparam name="TRegister">The registering command.</typeparam>
/// <typeparam name="TCommand">The base of its lifecycle commands.</typeparam>
[Alias("casegrains.ICaseGrain`3")]
public interface ICaseGrain<TState, TRegister, TCommand> : IDeadlineWatcher
    where TState : class
{
    /// <summary>Registers the case (called by its township, which numbered it).</summary>
    [Alias("register")]
    Task<CaseResult<CaseSnapshot<TState>>> Register(TRegister command, CommandContext context);

    /// <summary>Runs a lifecycle command; <paramref name="expectedVersion"/> is the caller's If-Match.</summary>
    [Alias("execute")]
    Task<CaseResult<CaseSnapshot<TState>>> Execute(TCommand command, long? expectedVersion, CommandContext context);

    /// <summary>The case, or null if no case has this number.</summary>
    [Alias("get")]
    Task<CaseSnapshot<TState>?> Get();

    /// <summary>The audit trail.</summary>
    [Alias("history")]
    Task<IReadOnlyList<StoredEvent>> History();

    /// <summary>The summary (no personal data), or null if no case has this number.</summary>
    [Alias("summary")]
    Task<CaseSummary?> Summary();
}

/// <summary>A grain that keeps deadlines: the start-up sweep wakes it when one passed while no silo ran.</summary>
[Alias("casegrains.IDeadlineWatcher")]
public interface IDeadlineWatcher : IGrainWithStringKey, IRemindable
{
    /// <summary>Handles every deadline that has passed and is still armed; idempotent, never changes the case.</summary>
    /// <returns>How many passed deadlines it handled.</returns>
    [Alias("check-deadlines")]
    Task<int> CheckDeadlines();
}
