namespace CaseGrains.Domain;

/// <summary>Checks shared by the petition and dispute deciders.</summary>
internal static class Guard
{
    /// <summary>
    /// The time rules every step obeys: not in the future (beyond the allowed clock skew), not
    /// before the case was received, not before the previous step.
    /// </summary>
    public static DomainError? Instant(
        DateTimeOffset at,
        DateTimeOffset now,
        TimeSpan maxFutureSkew,
        DateTimeOffset registeredAt,
        DateTimeOffset? lastStepAt,
        string field = "at")
    {
        if (at > now + maxFutureSkew)
        {
            return Errors.InFuture(field, at, now);
        }

        if (at < registeredAt)
        {
            return Errors.BeforeRegistration(field, at, registeredAt);
        }

        if (lastStepAt is { } last && at < last)
        {
            return Errors.OutOfOrder(field, at, last);
        }

        return null;
    }

    public static DomainError? Text(string? value, string field, string zhName) =>
        string.IsNullOrWhiteSpace(value) ? Errors.Required(field, zhName) : null;

    public static DomainError? Defined<TEnum>(TEnum value, string field)
        where TEnum : struct, Enum =>
        Enum.IsDefined(value) ? null : Errors.Invalid(field, value);

    /// <summary>Trimmed, distinct, non-empty ids: officers pick from lists and double clicks happen.</summary>
    public static IReadOnlyList<string> CleanIds(IReadOnlyList<string>? ids) =>
        ids is null ? [] : [.. ids.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i.Trim()).Distinct(StringComparer.Ordinal)];

    /// <summary>At least one person, each with a name (信访人 or 当事人); <paramref name="none"/> when the list is empty.</summary>
    public static DomainError? People(IReadOnlyList<Person>? people, string field, string zhName, DomainError none)
    {
        if (people is null || people.Count == 0)
        {
            return none;
        }

        for (var i = 0; i < people.Count; i++)
        {
            if (people[i] is null || string.IsNullOrWhiteSpace(people[i].Name))
            {
                return Errors.Required($"{field}[{i}].name", zhName);
            }
        }

        return null;
    }

    /// <summary>The responsible leader (包案领导) must be on the township's active roster; gives the trimmed id.</summary>
    public static DomainError? ActiveLeader(string leaderId, IReadOnlySet<string> activeLeaders, out string leader)
    {
        leader = leaderId?.Trim() ?? string.Empty;
        return Text(leaderId, "leaderId", "包案领导")
            ?? (activeLeaders.Contains(leader) ? null : Errors.LeaderNotOnRoster(leader));
    }

    /// <summary>The later of two instants; used to keep instants taken from the clock in step order.</summary>
    public static DateTimeOffset NotBefore(DateTimeOffset now, DateTimeOffset? last) =>
        last is { } l && l > now ? l : now;
}
