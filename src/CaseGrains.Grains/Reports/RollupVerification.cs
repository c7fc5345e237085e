using System.Text.Json;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Rollups;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Storage;

namespace CaseGrains.Grains.Reports;

/// <summary>
/// 核对统计 — the check behind the <c>verify</c> verb: a township's cases rebuilt from their stored
/// events alone (every stream read from version 1 and folded by the deciders' <c>Evolve</c>), to be
/// compared with the township grain's live rollup. Neither the current-state rows' summaries nor their
/// snapshots are trusted here; the rows only say which streams the township has.
/// </summary>
public static class RollupVerification
{
    /// <summary>
    /// Rebuilds the township's year as of the end of <paramref name="asOf"/> from the events and compares it,
    /// field by field, with <paramref name="live"/> (the live rollup as the API answers it, JSON).
    /// </summary>
    public static async Task<RollupVerificationResult> CompareAsync(ICaseStore store, string townshipId, int year, DateOnly asOf,
        System.Text.Json.Nodes.JsonNode? live, Domain.Deadlines.DeadlinePolicy policy, CancellationToken cancellationToken = default)
    {
        var summaries = await SummariesFromEventsAsync(store, townshipId, cancellationToken);
        var rebuilt = Rollup.Compute(townshipId, year, asOf, summaries, policy);
        var differences = RollupComparison.Differences(JsonSerializer.SerializeToNode(rebuilt, Domain.DomainJson.Options), live);
        return new RollupVerificationResult(townshipId, year, asOf, summaries.Count, differences);
    }

    /// <summary>Every case of the township as its events make it.</summary>
    public static async Task<IReadOnlyList<CaseSummary>> SummariesFromEventsAsync(ICaseStore store, string townshipId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var summaries = new List<CaseSummary>();
        foreach (var type in (string[])[GrainTypes.Petition, GrainTypes.Dispute])
        {
            var rows = await store.QueryIndexAsync(new IndexQuery(type) { Partitions = [townshipId] }, cancellationToken);
            foreach (var row in rows.Rows)
            {
                var events = await store.ReadStreamAsync(row.StreamId, 0, cancellationToken);
                if (events.Count == 0)
                {
                    continue;
                }
                summaries.Add(type == GrainTypes.Petition
                    ? Petition.Summarize(Petition.Fold(events.Select(e => JsonSerializer.Deserialize<PetitionEvent>(e.Payload, GrainJson.Options)!)))
                    : Dispute.Summarize(Dispute.Fold(events.Select(e => JsonSerializer.Deserialize<DisputeEvent>(e.Payload, GrainJson.Options)!))));
            }
        }
        return summaries;
    }
}

/// <summary>What <c>verify</c> found: how many cases were rebuilt and every field where the rebuild and the live rollup differ.</summary>
public sealed record RollupVerificationResult(string TownshipId, int Year, DateOnly AsOf, int Cases, IReadOnlyList<string> Differences)
{
    /// <summary>True when the live rollup equals the rebuild.</summary>
    public bool Agrees => Differences.Count == 0;

    /// <summary>The verdict as the verb prints it: one line when they agree, else one line per differing field.</summary>
    public IReadOnlyList<string> Lines() => Agrees
        ? [$"{TownshipId} {Year} as of {AsOf:yyyy-MM-dd}: the live rollup equals the rebuild from the events of {Cases} cases."]
        : [$"{TownshipId} {Year} as of {AsOf:yyyy-MM-dd}: {Differences.Count} fields differ (rebuilt from events ≠ live):", .. Differences.Select(d => "  " + d)];
}
