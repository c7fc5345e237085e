using CaseGrains.Domain;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Grains.Cases;
using CaseGrains.Testing;

namespace CaseGrains.Grains.Tests;

/// <summary>A case grain's durability: collection and reactivation, and the If-Match (version) guard.</summary>
public abstract class CaseGrainTests(StoreKind kind) : GrainTestBase(kind)
{
    [Fact]
    public async Task An_idle_petition_is_collected_and_comes_back_with_identical_state_and_version()
    {
        var host = await NewHostAsync("a");
        var township = await SetUpTownshipAsync(host, "l1");
        var now = Time.GetUtcNow();
        var caseId = Ok(await township.RegisterPetition(NewPetition(now.AddHours(-2), petitioners: [new Person("张三"), new Person("李四")]))).State.Id;
        var petition = Petition(host, caseId);
        Ok(await petition.Execute(new AcceptPetition(now.AddHours(-1)), null));
        Ok(await petition.Execute(new AssignPetition("l1", ["officer-1", "officer-2"]), null));
        Ok(await petition.Execute(new RecordPetitionProgress(now.AddMinutes(-30), "现场查看"), null));
        Ok(await petition.Execute(new ExtendPetition(20, "需协调多个部门", "镇长"), null));
        var before = (await petition.Get())!;
        Assert.Equal(5, before.Version);

        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await host.CollectIdleActivationsAsync(TimeSpan.Zero) >= 2);
        Assert.Equal(0, await host.ActivationCountAsync());

        var after = (await petition.Get())!;
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(Json(before.State), Json(after.State));
        Assert.Equal(Json(before.State), Json(Domain.Petitions.Petition.Fold(await StoredPetitionEventsAsync(caseId))));
        Assert.Equal(5, (await petition.History()).Count);

        // And it carries on from that version.
        Assert.Equal(6, Ok(await petition.Execute(new RecordPetitionProgress(Time.GetUtcNow(), "协调会"), after.Version)).Version);
    }

    [Fact]
    public async Task A_stale_If_Match_is_refused_with_version_mismatch_and_writes_nothing()
    {
        var host = await NewHostAsync("a");
        var township = await SetUpTownshipAsync(host);
        var now = Time.GetUtcNow();
        var caseId = Ok(await township.RegisterPetition(NewPetition(now.AddHours(-1)))).State.Id;
        var petition = Petition(host, caseId);
        var accepted = Ok(await petition.Execute(new AcceptPetition(now.AddMinutes(-30)), expectedVersion: 1));
        Assert.Equal(2, accepted.Version);
        var rowBefore = (await Store.GetIndexRowAsync(PetitionStream(caseId)))!;

        foreach (var stale in new long[] { 1, 0, 3, 9 })
        {
            var error = Refused(await petition.Execute(new ConcludePetition(now, PetitionOutcome.Supported, "已答复"), stale));
            Assert.Equal(GrainErrors.VersionMismatchCode, error.Code);
        }

        Assert.Equal(2, (await Store.ReadStreamAsync(PetitionStream(caseId), 0)).Count);
        Assert.Equal(rowBefore, await Store.GetIndexRowAsync(PetitionStream(caseId)));
        var current = (await petition.Get())!;
        Assert.Equal(2, current.Version);
        Assert.Equal(PetitionStatus.Accepted, current.State.Status);
        Assert.Equal("accepted", Assert.Single(await township.Cases()).Status);

        // The current version goes through; so does a command without If-Match.
        Assert.Equal(3, Ok(await petition.Execute(new ConcludePetition(now, PetitionOutcome.Supported, "已答复"), 2)).Version);
        Assert.Equal(4, Ok(await petition.Execute(new EvaluatePetition(SatisfactionRating.Satisfied), null)).Version);

        // Disputes share the guard.
        var disputeId = Ok(await township.RegisterDispute(NewDispute(now))).State.Id;
        Assert.Equal(GrainErrors.VersionMismatchCode, Refused(await Dispute(host, disputeId).Execute(new AcceptDispute(now), 2)).Code);
        Assert.Single(await Store.ReadStreamAsync(DisputeStream(disputeId), 0));
    }

    [Fact]
    public async Task An_If_Match_newer_than_a_stale_activation_catches_it_up_instead_of_refusing()
    {
        var a = await NewHostAsync("a");
        var b = await NewHostAsync("b", ownStore: true);
        var township = await SetUpTownshipAsync(a);
        var now = Time.GetUtcNow();
        var caseId = Ok(await township.RegisterPetition(NewPetition(now.AddHours(-1)))).State.Id;
        Assert.Equal(1, (await Petition(b, caseId).Get())!.Version);

        // Node a moves the case on; the caller read version 2 there and sends its next command to node b.
        Assert.Equal(2, Ok(await Petition(a, caseId).Execute(new AcceptPetition(now.AddMinutes(-30)), 1)).Version);
        var progressed = Ok(await Petition(b, caseId).Execute(new RecordPetitionProgress(now, "电话联系"), 2));
        Assert.Equal(3, progressed.Version);
        Assert.Equal(PetitionStatus.Accepted, progressed.State.Status);

        Assert.Equal(GrainErrors.VersionMismatchCode, Refused(await Petition(b, caseId).Execute(new RecordPetitionProgress(now, "再次联系"), 2)).Code);
        Assert.Equal(3, (await Store.ReadStreamAsync(PetitionStream(caseId), 0)).Count);
    }
}

public sealed class SqliteCaseGrainTests() : CaseGrainTests(StoreKind.Sqlite);

public sealed class PostgresCaseGrainTests() : CaseGrainTests(StoreKind.PostgreSql);
