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
    public void CaseNumbers_AreSequentialPerYearAndKind_WithoutGaps()
    {
        var s = Apply(TownshipState.New("tjz"), new SetTownshipProfile("田家寨镇", "county-1"));
        var events = new List<TownshipEvent>();
        var ids = new List<string>();
        foreach (var (kind, year) in new[] { (CaseKind.Petition, 2024), (CaseKind.Petition, 2024), (CaseKind.Dispute, 2024), (CaseKind.Petition, 2025), (CaseKind.Petition, 2024) })
        {
            var d = Township.Decide(s, new AllocateCaseNumber(kind, year));
            var allocated = Assert.IsType<CaseNumberAllocated>(Assert.Single(d.Events));
            ids.Add(allocated.CaseId);
            s = Township.Evolve(s, allocated);
            events.Add(allocated);
        }

        Assert.Equal(["2024-XF-0001", "2024-XF-0002", "2024-JF-0001", "2025-XF-0001", "2024-XF-0003"], ids);
        Assert.Equal("2024-XF-0004", Township.PeekNextCaseNumber(s, CaseKind.Petition, 2024));
        Assert.Equal(ErrorCodes.ValueInvalid, Township.Decide(s, new AllocateCaseNumber(CaseKind.Petition, 24)).Error?.Code);
        Assert.Equal(ErrorCodes.TownshipNotFound, Township.Decide(TownshipState.New("x"), new AllocateCaseNumber(CaseKind.Petition, 2024)).Error?.Code);
    }

    [Fact]
    public void Fold_EqualsTheLiveState()
    {
        var live = TownshipState.New("tjz");
        var events = new List<TownshipEvent>();
        TownshipCommand[] commands =
        [
            new SetTownshipProfile("田家寨镇", "county-1"), new UpsertLeader("l1", "王某", "镇长", true),
            new AllocateCaseNumber(CaseKind.Dispute, 2024), new UpsertLeader("l1", "王某", "书记", true),
            new SetTownshipProfile("田家寨镇", "county-2"), new AllocateCaseNumber(CaseKind.Dispute, 2024),
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
