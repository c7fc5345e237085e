using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Disputes;
using CaseGrains.Grains.Petitions;
using CaseGrains.Grains.Townships;
using CaseGrains.Runtime.Hosting;

namespace CaseGrains.Grains;

/// <summary>The grain classes of CaseGrains and their stored type names.</summary>
public static class GrainCatalog
{
    /// <summary>Registers the petition, dispute and township grains.</summary>
    public static void Register(GrainRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry
            .Add<IPetitionGrain, PetitionGrain>(GrainTypes.Petition)
            .Add<IDisputeGrain, DisputeGrain>(GrainTypes.Dispute)
            .Add<ITownshipGrain, TownshipGrain>(GrainTypes.Township);
    }
}
