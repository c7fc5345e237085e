using CaseGrains.Grains.Townships;
using CaseGrains.Server.Auth;

namespace CaseGrains.Server.Townships;

/// <summary>
/// Decides whether a caller may see a township: admins see all; others need its township claim or
/// the claim of its county. Anything outside answers 404, never 403, so ids cannot be probed.
/// </summary>
internal sealed class TownshipScope(IGrainFactory grains)
{
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
