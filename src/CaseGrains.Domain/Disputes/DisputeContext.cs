using CaseGrains.Domain.Deadlines;

namespace CaseGrains.Domain.Disputes;

/// <summary>What deciding a dispute command needs from outside the case: the time, the policy, the active leaders.</summary>
public sealed record DisputeContext(DateTimeOffset Now, DeadlinePolicy Policy, IReadOnlySet<string> ActiveLeaders);
