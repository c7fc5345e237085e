using CaseGrains.Grains.Disputes;
using CaseGrains.Grains.Petitions;
using CaseGrains.Grains.Townships;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace CaseGrains.Server.Operations;

/// <summary><c>GET /api/cluster</c>: the silos of the cluster and how many grains of each kind are active (admins).</summary>
internal static class ClusterApi
{
    /// <summary>Grain classes by the name the API reports them under; other grains keep their class name.</summary>
    private static readonly Dictionary<string, string> KindsByClass = new(StringComparer.Ordinal)
    {
        [typeof(PetitionGrain).FullName!] = "petition",
        [typeof(DisputeGrain).FullName!] = "dispute",
        [typeof(TownshipGrain).FullName!] = "township",
    };

    public static void MapCluster(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/cluster", ClusterAsync)
            .RequireAuthorization(Policies.Administer)
            .WithTag("Operations", "For operators: the Orleans cluster behind the service.")
            .Documented("Read the cluster's silos and active grains",
                "Every silo in the membership table with its address, status and start, and how many petition, dispute and township grains "
                + "(and Orleans' own) are active now. Admins only.")
            .WithName("GetCluster")
            .Produces<ClusterView>();
    }

    private static async Task<IResult> ClusterAsync(IGrainFactory grains, IOptions<OrleansOptions> orleans)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var statistics = await management.GetSimpleGrainStatistics();
        var silos = hosts
            .OrderBy(h => h.SiloAddress.ToString(), StringComparer.Ordinal)
            .Select(h => new SiloView(h.SiloName, h.SiloAddress.ToParsableString(), StatusName(h.Status),
                new DateTimeOffset(DateTime.SpecifyKind(h.StartTime, DateTimeKind.Utc))))
            .ToList();
        var activations = new SortedDictionary<string, int>(StringComparer.Ordinal) { ["petition"] = 0, ["dispute"] = 0, ["township"] = 0 };
        foreach (var statistic in statistics)
        {
            var kind = KindsByClass.TryGetValue(statistic.GrainType, out var known) ? known : statistic.GrainType;
            activations[kind] = activations.GetValueOrDefault(kind) + statistic.ActivationCount;
        }
        return TypedResults.Ok(new ClusterView(orleans.Value.ClusterId, silos, activations));
    }

    private static string StatusName(SiloStatus status) => status switch
    {
        SiloStatus.Active => "active",
        SiloStatus.Joining => "joining",
        SiloStatus.Created => "created",
        SiloStatus.ShuttingDown => "shuttingDown",
        SiloStatus.Stopping => "stopping",
        SiloStatus.Dead => "dead",
        _ => "unknown",
    };
}

/// <summary>The cluster as an operator sees it.</summary>
/// <param name="ClusterId">The cluster's id (<c>Orleans:ClusterId</c>).</param>
/// <param name="Silos">Every silo in the membership table, dead ones included until Orleans cleans them up.</param>
/// <param name="Activations">Active grains by kind (<c>petition</c>, <c>dispute</c>, <c>township</c>, then Orleans' own).</param>
public sealed record ClusterView(string ClusterId, IReadOnlyList<SiloView> Silos, IReadOnlyDictionary<string, int> Activations);

/// <summary>One silo.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Address">Its address, port and generation (<c>127.0.0.1:11111@155121291</c>).</param>
/// <param name="Status"><c>active</c>, <c>joining</c>, <c>shuttingDown</c>, <c>stopping</c>, <c>dead</c>, …</param>
/// <param name="StartedAt">When it started.</param>
public sealed record SiloView(string Name, string Address, string Status, DateTimeOffset StartedAt);
