using System.Text.Json.Serialization;

namespace CaseGrains.Domain;

/// <summary>
/// 业务错误 — a domain error: a rule refused a command. <see cref="Code"/> is stable (clients and
/// tests key on it); the messages are for people. <see cref="Field"/> names the request field at
/// fault, in camelCase as in the API, when there is one.
/// </summary>
public sealed record DomainError(string Code, string MessageZh, string MessageEn, string? Field = null)
{
    /// <summary>How the gateway should answer this error (404, 400, 409 or 422).</summary>
    [JsonIgnore]
    public DomainErrorKind Kind => ErrorCodes.KindOf(Code);
}

/// <summary>The family an error code belongs to, so that the gateway maps codes to status codes in one place.</summary>
public enum DomainErrorKind
{
    /// <summary>The case or township does not exist (404).</summary>
    NotFound,

    /// <summary>A field is missing or malformed (400).</summary>
    Validation,

    /// <summary>The case is not in a state that allows the command (409).</summary>
    Conflict,

    /// <summary>A rule of the regulations forbids it, e.g. a window has closed (422).</summary>
    Rule,
}
