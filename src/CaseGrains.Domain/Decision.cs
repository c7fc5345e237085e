using System.Diagnostics.CodeAnalysis;

namespace CaseGrains.Domain;

/// <summary>
/// 决定 — the outcome of deciding a command: either the events to append (none means the command
/// changes nothing and is acknowledged as a no-op) or a <see cref="DomainError"/>, never both.
/// </summary>
public readonly record struct Decision<TEvent>
{
    private readonly IReadOnlyList<TEvent>? _events;

    private Decision(IReadOnlyList<TEvent>? events, DomainError? error)
    {
        _events = events;
        Error = error;
    }

    /// <summary>The events to append, in order; empty for a no-op and for an error.</summary>
    public IReadOnlyList<TEvent> Events => _events ?? [];

    /// <summary>The refusal, or null when the command was accepted.</summary>
    public DomainError? Error { get; }

    /// <summary>True when the command was refused.</summary>
    [MemberNotNullWhen(true, nameof(Error))]
    public bool IsError => Error is not null;

    /// <summary>Accepts the command with these events (none = no-op).</summary>
    public static Decision<TEvent> Ok(params TEvent[] events) => new([.. events], null);

    /// <summary>Refuses the command.</summary>
    public static Decision<TEvent> Fail(DomainError e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(null, e);
    }

    /// <summary>Lets a decider simply <c>return</c> an error.</summary>
    public static implicit operator Decision<TEvent>(DomainError error) => Fail(error);
}
