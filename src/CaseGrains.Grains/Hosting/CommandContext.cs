namespace CaseGrains.Grains;

/// <summary>
/// Who asks for a command and what its commit must carry besides the events: the actor recorded
/// beside them, the access-log row when the answer shows personal data, and the idempotency key of a
/// creating request, all written in the command's own transaction.
/// </summary>
/// <param name="Actor">The caller's subject, recorded beside the events.</param>
/// <param name="ActorRole">The caller's role, for the access log.</param>
/// <param name="PersonalDataPurpose">Set when the answer shows unmasked personal data: the purpose logged (<c>command</c>, <c>register</c>).</param>
/// <param name="Idempotency">The creating request's idempotency key, taken in the same commit.</param>
/// <param name="Historical">A step entered from a ledger, one of several in a row: deadlines that have passed are
/// recorded by a reminder a moment later, against the case as it then stands, not after each step.</param>
[GenerateSerializer, Immutable, Alias("casegrains.command-context")]
public sealed record CommandContext(
    [property: Id(0)] string? Actor,
    [property: Id(1)] string? ActorRole = null,
    [property: Id(2)] string? PersonalDataPurpose = null,
    [property: Id(3)] IdempotencyClaim? Idempotency = null,
    [property: Id(4)] bool Historical = false)
{
    /// <summary>A command of the service itself (imports, tests), with nothing to log.</summary>
    public static CommandContext System { get; } = new("system");
}

/// <summary>An <c>Idempotency-Key</c> to take with a registration; the record points at <c>{LocationPrefix}/{caseId}</c>.</summary>
[GenerateSerializer, Immutable, Alias("casegrains.idempotency-claim")]
public sealed record IdempotencyClaim(
    [property: Id(0)] string Scope,
    [property: Id(1)] string Key,
    [property: Id(2)] string RequestHash,
    [property: Id(3)] string LocationPrefix);
