using CaseGrains.Domain.Deadlines;

namespace CaseGrains.Domain.Petitions;

/// <summary>
/// What deciding a petition command needs from outside the case: the time (from the grain's
/// clock), the deadline policy, and the township's active leaders (for 包案).
/// </summary>
public sealed record PetitionContext(DateTimeOffset Now, DeadlinePolicy Policy, IReadOnlySet<string> ActiveLeaders);
