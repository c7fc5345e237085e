using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Serialization;

namespace CaseGrains.Domain.Townships;

/// <summary>领导 — a leader on the township roster; only active leaders can be 包案领导.</summary>
public sealed record Leader(string Id, string Name, string Title, bool Active);

/// <summary>
/// 乡镇 — a township: profile, roster of leaders and the last case number used per year and
/// kind. Create the initial state with <see cref="New"/> and the grain's key.
/// </summary>
public sealed record TownshipState(string Id, string Name, string CountyId, ImmutableDictionary<string, Leader> Leaders, bool Exists)
{
    /// <summary>A township that has no profile yet.</summary>
    public static TownshipState Empty { get; } = New(string.Empty);

    /// <summary>Last sequence used, keyed <c>yyyy-XF</c> / <c>yyyy-JF</c>.</summary>
    public ImmutableDictionary<string, int> LastSequences { get; init; } = ImmutableDictionary<string, int>.Empty;

    /// <summary>The state of a township not yet set up, under its id.</summary>
    public static TownshipState New(string id) =>
        new(id, string.Empty, string.Empty, ImmutableDictionary<string, Leader>.Empty, false);

    /// <summary>Compares the dictionaries by content, so a state rebuilt from events equals the live one.</summary>
    public bool Equals(TownshipState? other) =>
        other is not null
        && Id == other.Id
        && Name == other.Name
        && CountyId == other.CountyId
        && Exists == other.Exists
        && SameContent(Leaders, other.Leaders)
        && SameContent(LastSequences, other.LastSequences);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, Name, CountyId, Exists, Leaders.Count, LastSequences.Count);

    private static bool SameContent<T>(ImmutableDictionary<string, T> a, ImmutableDictionary<string, T> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && EqualityComparer<T>.Default.Equals(kv.Value, v));
}

/// <summary>乡镇指令.</summary>
public abstract record TownshipCommand;

/// <summary>设置乡镇信息 — creates the township or updates its profile.</summary>
public sealed record SetTownshipProfile(string Name, string CountyId) : TownshipCommand;

/// <summary>维护领导名单 — adds or updates a leader (deactivate rather than delete, so past assignments stay readable).</summary>
public sealed record UpsertLeader(string LeaderId, string Name, string Title, bool Active) : TownshipCommand;

/// <summary>分配案件编号 — takes the next number for a kind and year (the local year of receipt).</summary>
public sealed record AllocateCaseNumber(CaseKind Kind, int Year) : TownshipCommand;

/// <summary>乡镇事件.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(TownshipProfileSet), "townshipProfileSet")]
[JsonDerivedType(typeof(LeaderUpserted), "leaderUpserted")]
[JsonDerivedType(typeof(CaseNumberAllocated), "caseNumberAllocated")]
public abstract record TownshipEvent;

/// <summary>乡镇信息已设置.</summary>
public sealed record TownshipProfileSet(string Name, string CountyId) : TownshipEvent;

/// <summary>领导已更新.</summary>
public sealed record LeaderUpserted(string LeaderId, string Name, string Title, bool Active) : TownshipEvent;

/// <summary>案件编号已分配.</summary>
public sealed record CaseNumberAllocated(CaseKind Kind, int Year, int Sequence, string CaseId) : TownshipEvent;

/// <summary>乡镇 — the township decider.</summary>
/// <remarks>
/// Numbers are allocated one at a time by events, so a township's stream is the single source of
/// the next number: no gaps, no duplicates, as long as the grain appends before it replies.
/// Unchanged profiles and leaders decide to no events.
/// </remarks>
public static class Township
{
    /// <summary>Decides a command; everything but <see cref="SetTownshipProfile"/> needs an existing township.</summary>
    public static Decision<TownshipEvent> Decide(TownshipState state, TownshipCommand command)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        return command switch
        {
            SetTownshipProfile c => SetProfile(state, c),
            _ when !state.Exists => Errors.Of(ErrorCodes.TownshipNotFound, "乡镇不存在，请先设置乡镇信息。", "The township does not exist; set its profile first."),
            UpsertLeader c => Upsert(state, c),
            AllocateCaseNumber c => Allocate(state, c),
            _ => throw new ArgumentException($"Unknown township command {command.GetType().Name}.", nameof(command)),
        };
    }

    /// <summary>Applies one event.</summary>
    public static TownshipState Evolve(TownshipState state, TownshipEvent e)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(e);
        return e switch
        {
            TownshipProfileSet p => state with { Name = p.Name, CountyId = p.CountyId, Exists = true },
            LeaderUpserted l => state with { Leaders = state.Leaders.SetItem(l.LeaderId, new Leader(l.LeaderId, l.Name, l.Title, l.Active)) },
            CaseNumberAllocated n => state with { LastSequences = state.LastSequences.SetItem(SequenceKey(n.Kind, n.Year), n.Sequence) },
            _ => throw new ArgumentException($"Unknown township event {e.GetType().Name}.", nameof(e)),
        };
    }

    /// <summary>The state after all <paramref name="events"/>, from <see cref="TownshipState.New"/>.</summary>
    public static TownshipState Fold(string townshipId, IEnumerable<TownshipEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.Aggregate(TownshipState.New(townshipId), Evolve);
    }

    /// <summary>The ids of the active leaders: who may be 包案领导.</summary>
    public static IReadOnlySet<string> ActiveLeaderIds(TownshipState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Leaders.Values.Where(l => l.Active).Select(l => l.Id).ToImmutableHashSet(StringComparer.Ordinal);
    }

    /// <summary>The number the next allocation for this kind and year will return.</summary>
    public static string PeekNextCaseNumber(TownshipState state, CaseKind kind, int year)
    {
        ArgumentNullException.ThrowIfNull(state);
        return CaseNumber.Format(year, kind, LastSequence(state, kind, year) + 1);
    }

    private static Decision<TownshipEvent> SetProfile(TownshipState s, SetTownshipProfile c)
    {
        var error = Guard.Text(c.Name, "name", "乡镇名称") ?? Guard.Text(c.CountyId, "countyId", "所属县");
        if (error is not null)
        {
            return error;
        }

        var name = c.Name.Trim();
        var county = c.CountyId.Trim();
        return s.Exists && s.Name == name && s.CountyId == county
            ? Decision<TownshipEvent>.Ok()
            : Decision<TownshipEvent>.Ok(new TownshipProfileSet(name, county));
    }

    private static Decision<TownshipEvent> Upsert(TownshipState s, UpsertLeader c)
    {
        var error = Guard.Text(c.LeaderId, "leaderId", "领导编号")
            ?? Guard.Text(c.Name, "name", "姓名")
            ?? Guard.Text(c.Title, "title", "职务");
        if (error is not null)
        {
            return error;
        }

        var leader = new Leader(c.LeaderId.Trim(), c.Name.Trim(), c.Title.Trim(), c.Active);
        return s.Leaders.TryGetValue(leader.Id, out var existing) && existing == leader
            ? Decision<TownshipEvent>.Ok()
            : Decision<TownshipEvent>.Ok(new LeaderUpserted(leader.Id, leader.Name, leader.Title, leader.Active));
    }

    private static Decision<TownshipEvent> Allocate(TownshipState s, AllocateCaseNumber c)
    {
        var error = Guard.Defined(c.Kind, "kind")
            ?? (c.Year is < 1000 or > 9999 ? Errors.Invalid("year", c.Year) : null);
        if (error is not null)
        {
            return error;
        }

        var next = LastSequence(s, c.Kind, c.Year) + 1;
        return Decision<TownshipEvent>.Ok(new CaseNumberAllocated(c.Kind, c.Year, next, CaseNumber.Format(c.Year, c.Kind, next)));
    }

    private static int LastSequence(TownshipState s, CaseKind kind, int year) =>
        s.LastSequences.TryGetValue(SequenceKey(kind, year), out var last) ? last : 0;

    private static string SequenceKey(CaseKind kind, int year) =>
        string.Create(CultureInfo.InvariantCulture, $"{year}-{(kind == CaseKind.Petition ? "XF" : "JF")}");
}
