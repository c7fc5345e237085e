using CaseGrains.Grains.Townships;
using CaseGrains.Server.Auth;

namespace CaseGrains.Server.Townships;

/// <summary>
/// Decides whether a caller may see a township: admins see all; others need its township claim or
/// the claim of its county. Anything outside answers 404, never 403, so ids cannot be probed.
/// </summary>
internal sealed class TownshipScope(IGrainFactory grains, CaseGrains.Storage.ICaseStore store)
{
    /// <summary>The townships the caller may see: all for admins, the claimed ones that exist, and every township of a claimed county.</summary>
    public async Task<IReadOnlyList<string>> TownshipsInScopeAsync(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var townships = new SortedSet<string>(StringComparer.Ordinal);
        if (caller.IsAdmin || caller.Counties.Count > 0)
        {
            var query = new CaseGrains.Storage.IndexQuery(CaseGrains.Grains.Cases.GrainTypes.Township) { Partitions = caller.IsAdmin ? null : [.. caller.Counties] };
            foreach (var row in (await store.QueryIndexAsync(query)).Rows)
            {
                townships.Add(row.StreamId[(CaseGrains.Grains.Cases.GrainTypes.Township.Length + 1)..]);
            }
        }
        foreach (var claimed in caller.Townships.Where(Ids.IsValidTownshipId))
        {
            if (!townships.Contains(claimed) && await grains.GetGrain<ITownshipGrain>(claimed).Get() is not null)
            {
                townships.Add(claimed);
            }
        }
        return [.. townships];
    }

    /// <summary>A check, per township, of whether the caller may see it, remembering each answer (for a stream's events).</summary>
    public Task<Func<string, Task<bool>>> InScopeCheckAsync(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var known = new Dictionary<string, bool>(StringComparer.Ordinal);
        Func<string, Task<bool>> check = async townshipId =>
        {
            if (caller.IsAdmin || caller.Townships.Contains(townshipId))
            {
                return true;
            }
            if (caller.Counties.Count == 0)
            {
                return false;
            }
            if (!known.TryGetValue(townshipId, out var visible))
            {
                visible = await FindAsync(caller, townshipId) is not null;
                known[townshipId] = visible;
            }
            return visible;
        };
        return Task.FromResult(check);
    }

    /// <summary>The township's snapshot when it exists and is in the caller's scope; otherwise null.</summary>
    public async Task<TownshipSnapshot?> FindAsync(Caller caller, string townshipId)
    {
        if (!Ids.IsValidTownshipId(townshipId))
        {
            return null;
        }
        // Township claims are checked before the grain is even touched.
        var claimed = caller.IsAdmin || caller.Townships.Contains(townshipId);
        if (!claimed && caller.Counties.Count == 0)
        {
            return null;
        }
        var township = await grains.GetGrain<ITownshipGrain>(townshipId).Get();
        if (township is null)
        {
            return null;
        }
        return claimed || caller.Counties.Contains(township.State.CountyId) ? township : null;
    }

    /// <summary>Whether the caller may see a county's figures.</summary>
    public static bool SeesCounty(Caller caller, string countyId) => caller.IsAdmin || caller.Counties.Contains(countyId);
}

/// <summary>Shapes of ids in paths.</summary>
internal static class Ids
{
    /// <summary>Longest township or county id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Letters, digits, '-' and '_', 1 to 64 characters.</summary>
    public static bool IsValidTownshipId(string? id)
        => !string.IsNullOrEmpty(id) && id.Length <= MaxIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
