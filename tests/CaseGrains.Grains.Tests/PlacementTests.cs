using CaseGrains.Grains.Placement;
using CaseGrains.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CaseGrains.Grains.Tests;

/// <summary>A township's cases live on the silo of its township grain, in a cluster of several silos.</summary>
public abstract class PlacementTests(StoreKind kind) : GrainTestBase(kind)
{
    [Fact]
    public async Task Every_case_is_activated_on_its_townships_silo_even_after_collection_and_through_any_silo()
    {
        var node = await NewClusterAsync(silos: 3);
        var management = node.Grains.GetGrain<IManagementGrain>(0);
        var townships = Enumerable.Range(1, 8).Select(i => $"town-{i}").ToList();
        var cases = new List<(string Township, string CaseId, bool Petition)>();
        foreach (var id in townships)
        {
            var township = node.GetGrain<Townships.ITownshipGrain>(id);
            Ok(await township.SetProfile(new Domain.Townships.SetTownshipProfile(id + "镇", "county-1")));
            for (var i = 0; i < 3; i++)
            {
                cases.Add((id, Ok(await township.RegisterPetition(NewPetition(Time.GetUtcNow().AddHours(-i)))).State.Id, true));
            }
            cases.Add((id, Ok(await township.RegisterDispute(NewDispute(Time.GetUtcNow()))).State.Id, false));
        }

        async Task<SiloAddress?> SiloOf(IAddressable grain) => await management.GetActivationAddress(grain);
        IAddressable CaseGrain((string Township, string CaseId, bool Petition) c) => c.Petition
            ? node.GetGrain<Petitions.IPetitionGrain>(Cases.GrainTypes.CaseKey(c.Township, c.CaseId))
            : node.GetGrain<Disputes.IDisputeGrain>(Cases.GrainTypes.CaseKey(c.Township, c.CaseId));

        var silosUsed = new HashSet<SiloAddress>();
        foreach (var c in cases)
        {
            var townshipSilo = await SiloOf(node.GetGrain<Townships.ITownshipGrain>(c.Township));
            Assert.NotNull(townshipSilo);
            silosUsed.Add(townshipSilo);
            Assert.Equal(townshipSilo, await SiloOf(CaseGrain(c)));
        }
        // Rendezvous hashing spreads eight townships over three silos.
        Assert.True(silosUsed.Count >= 2, $"all townships on {string.Join(", ", silosUsed)}");

        // Collected and called again from another silo, with no hint: the case comes back beside its township.
        Assert.True(await node.CollectIdleActivationsAsync(TimeSpan.Zero) > 0);
        foreach (var silo in node.Cluster.Silos)
        {
            var grains = node.Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<IGrainFactory>();
            foreach (var c in cases.Where(c => c.Petition).Take(6))
            {
                Assert.NotNull(await grains.GetGrain<Petitions.IPetitionGrain>(Cases.GrainTypes.CaseKey(c.Township, c.CaseId)).Get());
            }
        }
        foreach (var c in cases.Where(c => c.Petition).Take(6))
        {
            var expected = TownshipPlacementDirector.Rank(c.Township, [.. node.Cluster.Silos.Select(s => s.SiloAddress)]);
            Assert.Equal(expected, await SiloOf(CaseGrain(c)));
        }
    }
}

public sealed class SqlitePlacementTests() : PlacementTests(StoreKind.Sqlite);

public sealed class PostgresPlacementTests() : PlacementTests(StoreKind.PostgreSql);
