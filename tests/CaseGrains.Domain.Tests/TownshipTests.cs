using CaseGrains.Domain.Townships;

namespace CaseGrains.Domain.Tests;

public sealed class TownshipTests
{
    private static TownshipState Apply(TownshipState s, TownshipCommand c)
    {
        var d = Township.Decide(s, c);
        Assert.False(d.IsError, d.Error?.MessageEn);
        return d.Events.Aggregate(s, Township.Evolve);
    }

    [Fact]
    public void Profile_CreatesTheTownship_AndUnchangedIsANoOp()
    {
        var s = Apply(TownshipState.New("tjz"), new SetTownshipProfile("田家寨镇", "county-1"));
        Assert.True(s.Exists);
        Assert.Equal("tjz", s.Id);
        Assert.Equal("田家寨镇", s.Name);
        Assert.Empty(Township.Decide(s, new SetTownshipProfile("田家寨镇", "county-1")).Events);
        Assert.Equal("name", Township.Decide(s, new SetTownshipProfile("", "county-1")).Error?.Field);
    }

    [Fact]
    public void Leader_OnlyInAnExistingTownship()
    {
        var d = Township.Decide(TownshipState.New("tjz"), new UpsertLeader("l1", "王某", "镇长", true));
        Assert.Equal(ErrorCodes.TownshipNotFound, d.Error?.Code);
        Assert.Equal(DomainErrorKind.NotFound, d.Error?.Kind);
    }

    [Fact]
    public void ActiveLeaders_AreTheRoster_ForAssignment()
    {
        var s = Apply(TownshipState.New("tjz"), new SetTownshipProfile("田家寨镇", "county-1"));
        s = Apply(s, new UpsertLeader("l1", "王某", "镇长", true));
        s = Apply(s, new UpsertLeader("l2", "赵某", "副镇长", true));
        s = Apply(s, new UpsertLeader("l2", "赵某", "副镇长", false));
        Assert.Equal(new HashSet<string> { "l1" }, Township.ActiveLeaderIds(s));
        Assert.Empty(Township.Decide(s, new UpsertLeader("l1", "王某", "镇长", true)).Events);
        Assert.Equal("title", Township.Decide(s, new UpsertLeader("l3", "x", "", true)).Error?.Field);
    }

    [Fact]
    public void Fold_EqualsTheLiveState()
    {
        var live = TownshipState.New("tjz");
        var events = new List<TownshipEvent>();
        TownshipCommand[] commands =
        [
            new SetTownshipProfile("田家寨镇", "county-1"), new UpsertLeader("l1", "王某", "镇长", true),
            new UpsertLeader("l2", "赵某", "副镇长", true), new UpsertLeader("l1", "王某", "书记", true),
            new SetTownshipProfile("田家寨镇", "county-2"), new UpsertLeader("l2", "赵某", "副镇长", false),
        ];
        foreach (var c in commands)
        {
            var d = Township.Decide(live, c);
            events.AddRange(d.Events);
            live = d.Events.Aggregate(live, Township.Evolve);
        }

        Assert.Equal(live, Township.Fold("tjz", events));
        Assert.Equal("书记", live.Leaders["l1"].Title);
    }
}
