using CaseGrains.Domain;
using CaseGrains.Grains.EventSourcing;

namespace CaseGrains.Grains.Cases;

/// <summary>The answer of a grain command: a value, or the domain error that refused it (nothing written then).</summary>
[GenerateSerializer, Immutable, Alias("casegrains.case-result`1")]
public sealed record CaseResult<T>([property: Id(0)] T? Value, [property: Id(1)] DomainError? Error) where T : class
{
    /// <summary>True when the command was refused.</summary>
    public bool IsError => Error is not null;

    /// <summary>A success.</summary>
    public static CaseResult<T> Ok(T value) => new(value, null);

    /// <summary>A refusal.</summary>
    public static CaseResult<T> Fail(DomainError error) => new(null, error);
}

/// <summary>A case's state at a stream version (the <c>ETag</c>).</summary>
[GenerateSerializer, Immutable, Alias("casegrains.case-snapshot`1")]
public sealed record CaseSnapshot<TState>([property: Id(0)] TState State, [property: Id(1)] long Version) where TState : class;

/// <summary>Errors the grain layer adds to the domain's.</summary>
public static class GrainErrors
{
    /// <summary>The <c>If-Match</c> version is not the case's current version.</summary>
    public const string VersionMismatchCode = "version.mismatch";

    /// <summary>The registration's idempotency key was taken by an earlier request; nothing was created.</summary>
    public const string IdempotencyKeyTakenCode = "idempotency.taken";

    /// <summary>The caller's <c>If-Match</c> names another version than the current one.</summary>
    public static DomainError VersionMismatch(long expected, long actual) => new(
        VersionMismatchCode,
        $"案件已被他人修改（当前版本 {actual}，请求版本 {expected}），请刷新后重试。",
        $"The case is at version {actual}, not {expected}; read it again and retry.");

    /// <summary>A registration sent to a case grain directly instead of through its township.</summary>
    public static DomainError RegisterThroughTownship() => new(
        ErrorCodes.ValueInvalid, "案件须经乡镇登记编号。", "A case is registered through its township, which numbers it.", "command");

    /// <summary>The township is unknown.</summary>
    public static DomainError TownshipNotFound() => new(
        ErrorCodes.TownshipNotFound, "乡镇不存在。", "The township does not exist.");

    /// <summary>The idempotency key is already used; the earlier request's case is the answer.</summary>
    public static DomainError IdempotencyKeyTaken() => new(
        IdempotencyKeyTakenCode, "该幂等键已用于先前的请求。", "This Idempotency-Key was used by an earlier request.");
}

/// <summary>Turns the domain's decisions into what the grain appends: the events, or no events and the error.</summary>
public static class DecisionExtensions
{
    /// <summary>The grain's form of a domain decision; the answer is the refusal, or null when it was accepted.</summary>
    public static Decided<TEvent, DomainError?> ToDecided<TEvent>(this Decision<TEvent> decision)
        => decision.IsError ? new([], decision.Error) : new(decision.Events, null);
}
