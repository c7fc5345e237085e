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
