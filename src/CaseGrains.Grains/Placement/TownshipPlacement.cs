using System.Security.Cryptography;
using System.Text;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace CaseGrains.Grains.Placement;

/// <summary>
/// Places a township's grains together: its township grain and all its cases on one silo, so that the
/// calls between them (registration, change notices, roster checks) stay in process.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("casegrains.township-placement")]
public sealed class TownshipPlacement : PlacementStrategy
{
    internal static TownshipPlacement Instance { get; } = new();
}

/// <summary>Marks a grain class whose key starts with its township id (<c>{townshipId}</c> or <c>{townshipId}/{caseId}</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class TownshipPlacementAttribute() : PlacementAttribute(TownshipPlacement.Instance);

/// <summary>
/// The director: a new case takes the silo its township grain asks for (the township passes its own
/// silo as the placement hint when it registers a case); otherwise every grain of a township goes to
/// the silo that ranks highest for that township id (rendezvous hashing over the compatible silos).
/// The ranking uses the silo's endpoint, not its generation, so a restarted silo takes its townships
/// back, and adding a silo moves only the townships it now ranks first for.
/// </summary>
public sealed class TownshipPlacementDirector : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hint)
        {
            return Task.FromResult(hint);
        }
        return Task.FromResult(Rank(TownshipOf(target.GrainIdentity), silos));
    }

    /// <summary>The township id a grain key starts with.</summary>
    public static string TownshipOf(GrainId grainId)
    {
        var key = grainId.Key.ToString() ?? "";
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? key : key[..slash];
    }

    /// <summary>The silo that ranks highest for a township.</summary>
    public static SiloAddress Rank(string townshipId, IReadOnlyList<SiloAddress> silos)
    {
        ArgumentNullException.ThrowIfNull(silos);
        if (silos.Count == 0)
        {
            throw new OrleansException("No silo can host this grain type.");
        }
        SiloAddress? best = null;
        ulong bestScore = 0;
        foreach (var silo in silos)
        {
            var score = Score(townshipId, silo);
            if (best is null || score > bestScore)
            {
                (best, bestScore) = (silo, score);
            }
        }
        return best!;
    }

    private static ulong Score(string townshipId, SiloAddress silo)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{townshipId}|{silo.Endpoint}"), hash);
        return BitConverter.ToUInt64(hash);
    }
}
