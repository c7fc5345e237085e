using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace CaseGrains.Domain.Townships;

/// <summary>领导 — a leader on the township roster; only active leaders can be 包案领导.</summary>
public sealed record Leader(string Id, string Name, string Title, bool Active);

/// <summary>
/// 乡镇 — a township: profile and roster of leaders. Create the initial state with
/// <see cref="New"/> and the grain's key. Case numbers are not kept here: the township grain
/// numbers cases from its live case map, guarded by each case stream's primary key.
/// </summary>
public sealed record TownshipState(string Id, string Name, string CountyId, ImmutableDictionary<string, Leader> Leaders, bool Exists)
{
    /// <summary>A township that has no profile yet.</summary>
    public static TownshipState Empty { get; } = New(string.Empty);

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
        && SameContent(Leaders, other.Leaders);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, Name, CountyId, Exists, Leaders.Count);

    private static bool SameContent<T>(ImmutableDictionary<string, T> a, ImmutableDictionary<string, T> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && EqualityComparer<T>.Default.Equals(kv.Value, v));
}

/// <summary>乡镇指令.</summary>
public abstract record TownshipCommand;

/// <summary>设置乡镇信息 — creates the township or updates its profile.</summary>
public sealed record SetTownshipProfile(string Name, string CountyId) : TownshipCommand;

/// <summary>维护领导名单 — adds or updates a leader (deactivate rather than delete, so past assignments stay readable).</summary>
public sealed record UpsertLeader(string LeaderId, string Name, string Title, bool Active) : TownshipCommand;

/// <summary>乡镇事件.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(TownshipProfileSet), "townshipProfileSet")]
[JsonDerivedType(typeof(LeaderUpserted), "leaderUpserted")]
public abstract record TownshipEvent;

/// <summary>乡镇信息已设置.</summary>
public sealed record TownshipProfileSet(string Name, string CountyId) : TownshipEvent;

/// <summary>领导已更新.</summary>
public sealed record LeaderUpserted(string LeaderId, string Name, string Title, bool Active) : TownshipEvent;

/// <summary>乡镇 — the township decider.</summary>
/// <remarks>Unchanged profiles and leaders decide to no events.</remarks>
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
}
