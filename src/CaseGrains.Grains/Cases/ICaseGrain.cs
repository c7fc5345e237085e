using CaseGrains.Domain.Rollups;
using CaseGrains.Runtime.Hosting;
using CaseGrains.Storage;

namespace CaseGrains.Grains.Cases;

/// <summary>What every case grain (petition, dispute) answers to.</summary>
/// <typeparam name="TState">The case's state record.</typeparam>
/// <typeparam name="TRegister">The registering command.</typeparam>
/// <typeparam name="TCommand">The base of its lifecycle commands.</typeparam>
public interface ICaseGrain<TState, in TRegister, in TCommand> : IGrainWithStringKey
    where TState : class
{
    /// <summary>Registers the case (called by its township, which numbered it).</summary>
    Task<CaseResult<CaseSnapshot<TState>>> Register(TRegister command);

    /// <summary>Runs a lifecycle command; <paramref name="expectedVersion"/> is the caller's If-Match.</summary>
    Task<CaseResult<CaseSnapshot<TState>>> Execute(TCommand command, long? expectedVersion);

    /// <summary>The case, or null if no case has this number.</summary>
    Task<CaseSnapshot<TState>?> Get();

    /// <summary>The audit trail.</summary>
    Task<IReadOnlyList<StoredEvent>> History();

    /// <summary>The summary (no personal data), or null if no case has this number.</summary>
    Task<CaseSummary?> Summary();
}
