using System.Text.Json;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Reports;
using CaseGrains.Domain.Rollups;
using CaseGrains.Domain.Townships;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Grains.Townships;
using CaseGrains.Storage;

namespace CaseGrains.Server.Reports;

/// <summary>A township of a county as its current-state row names it.</summary>
internal sealed record CountyTownship(string Id, string Name);

/// <summary>
/// Where reports get their content: figures from the townships' live rollups (the township grains'
/// in-memory case summaries, never a scan of cases), a county from its townships' rollups, and the
/// ledger from the cases' current-state rows (one row per case, masked).
/// </summary>
internal sealed class ReportSource(IGrainFactory grains, ICaseStore store, DeadlinePolicy policy)
{
    /// <summary>A township's live rollup.</summary>
    public async Task<TownshipRollup> TownshipRollupAsync(string townshipId, int year, DateOnly asOf)
        => Rollup.Compute(townshipId, year, asOf, await grains.GetGrain<ITownshipGrain>(townshipId).Cases(), policy);

    /// <summary>The townships of a county, by id (none: the county is unknown).</summary>
    public async Task<IReadOnlyList<CountyTownship>> CountyTownshipsAsync(string countyId)
    {
        var rows = await store.QueryIndexAsync(new IndexQuery(GrainTypes.Township) { Partitions = [countyId] });
        return [.. rows.Rows
            .Select(r => (Id: r.StreamId[(GrainTypes.Township.Length + 1)..], Summary: JsonDocument.Parse(r.Entry.Summary).RootElement))
            .Select(t => new CountyTownship(t.Id, t.Summary.TryGetProperty("name", out var name) ? name.GetString() ?? t.Id : t.Id))
            .OrderBy(t => t.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// A county's rollup: every township's live rollup and their sum. A few townships are asked at a time: a
    /// township that is not active reads all its current-state rows first, and forty of those at once on a
    /// small machine would each wait for all the others, past the grain call's time limit.
    /// </summary>
    public async Task<CountyRollup> CountyRollupAsync(string countyId, IReadOnlyList<CountyTownship> townships, int year, DateOnly asOf)
    {
        var rollups = new TownshipRollup[townships.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, townships.Count), new ParallelOptions { MaxDegreeOfParallelism = CountyParallelism },
            async (i, _) => rollups[i] = await TownshipRollupAsync(townships[i].Id, year, asOf));
        return Rollup.Combine(countyId, year, asOf, rollups);
    }

    /// <summary>Townships asked at once for a county.</summary>
    private const int CountyParallelism = 4;

    /// <summary>
    /// The ledger of a township's year: every case registered in <paramref name="year"/> by the end of
    /// <paramref name="asOf"/> (the same cases the rollup counts), as it stands now, petitions first, in
    /// number order; personal data masked.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<LedgerField, string>>> LedgerAsync(TownshipState township, int year, DateOnly asOf, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(township);
        // A leader is written by name, as a ledger names people; a name two leaders share is written as the id.
        var shared = township.Leaders.Values.GroupBy(l => l.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        string? LeaderName(string id) => township.Leaders.TryGetValue(id, out var leader) && !shared.Contains(leader.Name) ? leader.Name : null;
        var ledger = new List<IReadOnlyDictionary<LedgerField, string>>();
        foreach (var type in (string[])[GrainTypes.Petition, GrainTypes.Dispute])
        {
            var page = await store.QueryIndexAsync(new IndexQuery(type) { Partitions = [township.Id], Period = year });
            foreach (var row in page.Rows.OrderBy(r => r.StreamId, StringComparer.Ordinal))
            {
                if (policy.LocalDate(row.Entry.CreatedAt) > asOf || await store.GetIndexRowAsync(row.StreamId) is not { Entry.State: { } state })
                {
                    continue;
                }
                ledger.Add(type == GrainTypes.Petition
                    ? LedgerExport.Row(JsonSerializer.Deserialize<PetitionState>(state, GrainJson.Options)!, LeaderName, policy, now)
                    : LedgerExport.Row(JsonSerializer.Deserialize<DisputeState>(state, GrainJson.Options)!, LeaderName, policy, now));
            }
        }
        return ledger;
    }
}
