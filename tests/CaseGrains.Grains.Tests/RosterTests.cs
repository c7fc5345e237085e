using CaseGrains.Domain;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Townships;
using CaseGrains.Grains.Townships;
using CaseGrains.Testing;

namespace CaseGrains.Grains.Tests;

/// <summary>包案: only a leader on the township's active roster can be made responsible for a case (条例 art. 18).</summary>
public abstract class RosterTests(StoreKind kind) : GrainTestBase(kind)
{
    [Fact]
    public async Task An_assignment_to_a_leader_not_on_the_active_roster_is_refused_and_writes_nothing()
    {
        var host = await NewHostAsync("a");
        var township = await SetUpTownshipAsync(host, "l1", "l2");
        var other = host.GetGrain<ITownshipGrain>("other-township");
        Ok(await other.SetProfile(new SetTownshipProfile("界牌集镇", "county-1")));
        Ok(await other.UpsertLeader(new UpsertLeader("o1", "外镇领导", "镇长", true)));
        var now = Time.GetUtcNow();
        var petitionId = Ok(await township.RegisterPetition(NewPetition(now))).State.Id;
        var disputeId = Ok(await township.RegisterDispute(NewDispute(now))).State.Id;
        var petition = Petition(host, petitionId);
        var dispute = Dispute(host, disputeId);

        // Unknown here, and a leader of another township: neither is on this roster.
        foreach (var stranger in new[] { "ghost", "o1" })
        {
            Assert.Equal(ErrorCodes.LeaderNotOnRoster, Refused(await petition.Execute(new AssignPetition(stranger, ["officer-1"]), null)).Code);
            Assert.Equal(ErrorCodes.LeaderNotOnRoster, Refused(await dispute.Execute(new AssignDispute(stranger, ["mediator-1"]), null)).Code);
        }
        Assert.Single(await Store.ReadStreamAsync(PetitionStream(petitionId), 0));
        Assert.Single(await Store.ReadStreamAsync(DisputeStream(disputeId), 0));

        Assert.Equal("l2", Ok(await petition.Execute(new AssignPetition("l2", ["officer-1"]), null)).State.LeaderId);

        // Deactivated later: past assignments stay readable, new ones are refused, on both kinds of case.
        Ok(await township.UpsertLeader(new UpsertLeader("l2", "领导l2", "副镇长", false)));
        var second = Ok(await township.RegisterPetition(NewPetition(now))).State.Id;
        Assert.Equal(ErrorCodes.LeaderNotOnRoster, Refused(await Petition(host, second).Execute(new AssignPetition("l2", []), null)).Code);
        Assert.Equal(ErrorCodes.LeaderNotOnRoster, Refused(await dispute.Execute(new AssignDispute("l2", []), null)).Code);
        Assert.Equal(ErrorCodes.LeaderNotOnRoster, Refused(await petition.Execute(new AssignPetition("l2", ["officer-2"]), null)).Code);
        Assert.Equal("l2", (await petition.Get())!.State.LeaderId);
        Assert.Null((await Dispute(host, disputeId).Get())!.State.LeaderId);

        Assert.Equal("l1", Ok(await dispute.Execute(new AssignDispute("l1", ["mediator-1"]), null)).State.LeaderId);
        Assert.Equal("l1", Ok(await petition.Execute(new AssignPetition("l1", ["officer-1"]), null)).State.LeaderId);

        // Back on the roster, back in charge.
        Ok(await township.UpsertLeader(new UpsertLeader("l2", "领导l2", "副镇长", true)));
        Assert.Equal("l2", Ok(await Petition(host, second).Execute(new AssignPetition("l2", []), null)).State.LeaderId);
    }

    [Fact]
    public async Task A_leader_deactivated_through_another_node_is_refused_on_this_one()
    {
        var a = await NewHostAsync("a");
        var b = await NewHostAsync("b", ownStore: true);
        var township = await SetUpTownshipAsync(a, "l1", "l2");
        var caseId = Ok(await township.RegisterPetition(NewPetition(Time.GetUtcNow()))).State.Id;
        // Node b has its own township activation, which has seen l2 active.
        Assert.Contains("l2", await b.GetGrain<ITownshipGrain>(TownshipId).ActiveLeaders());

        Ok(await township.UpsertLeader(new UpsertLeader("l2", "领导l2", "副镇长", false)));

        Assert.Equal(ErrorCodes.LeaderNotOnRoster, Refused(await Petition(b, caseId).Execute(new AssignPetition("l2", []), null)).Code);
        Assert.DoesNotContain("l2", await b.GetGrain<ITownshipGrain>(TownshipId).ActiveLeaders());
        Assert.Single(await Store.ReadStreamAsync(PetitionStream(caseId), 0));
    }
}

public sealed class SqliteRosterTests() : RosterTests(StoreKind.Sqlite);

public sealed class PostgresRosterTests() : RosterTests(StoreKind.PostgreSql);
