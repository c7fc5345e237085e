using System.Collections.Concurrent;
using System.Diagnostics;
using CaseGrains.Domain;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Rollups;
using CaseGrains.Domain.Townships;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Townships;
using CaseGrains.Testing;
using Xunit.Abstractions;

namespace CaseGrains.Grains.Tests;

/// <summary>
/// The township's live rollups equal a rebuild from scratch (architecture.md): thousands of seeded
/// random commands go through the grains while the clock moves on, then the live summaries are
/// compared with the stored rows, with a fresh activation on another node, with a reactivation after
/// idle collection, with the answers the callers got, and with a fold of every case's stored events.
/// </summary>
public abstract class LiveRollupTests(StoreKind kind, ITestOutputHelper output) : GrainTestBase(kind)
{
    private const int Seed = 20241231;
    private const int Rounds = 90;

    [Fact]
    public async Task Live_rollups_equal_a_rebuild_from_scratch_after_thousands_of_random_commands()
    {
        var watch = Stopwatch.StartNew();
        var rng = new Random(Seed);
        var gen = new RandomCaseload(rng);
        // Late November to spring: registrations and steps straddle the new year, so two years' rollups fill.
        Time.Set(new DateTimeOffset(2024, 11, 20, 8, 0, 0, TimeSpan.FromHours(8)));
        var host = await NewHostAsync("a");
        var township = await SetUpTownshipAsync(host, "l1", "l2", "l3");
        gen.Leaders.AddRange(["l1", "l2", "l3"]);
        var roster = new Dictionary<string, bool> { ["l1"] = true, ["l2"] = true, ["l3"] = true };

        var handles = new List<CaseHandle>();
        var outcomes = new ConcurrentDictionary<string, int>();
        var commands = 0;
        for (var round = 0; round < Rounds; round++)
        {
            Time.Advance(TimeSpan.FromMinutes(rng.Next(0, 60 * 60)));
            var now = Time.GetUtcNow();

            // The roster changes now and then, so that some assignments name a leader who has just left it.
            if (round % 12 == 5)
            {
                var leader = $"l{rng.Next(1, 5)}";
                var active = !roster.GetValueOrDefault(leader);
                roster[leader] = active;
                if (!gen.Leaders.Contains(leader))
                {
                    gen.Leaders.Add(leader);
                }
                Ok(await township.UpsertLeader(new UpsertLeader(leader, "领导" + leader, "副镇长", active)));
            }

            // Deadlines pass as the clock moves: their reminders fire and push unchanged summaries.
            if (round % 6 == 3)
            {
                await host.SweepAsync();
            }

            // One round: new registrations and one command each for distinct cases, all at once. A case sees its
            // commands in generation order, so every outcome is fixed by the seed whatever the interleaving.
            var work = new List<Func<Task<CaseHandle?>>>();
            var earlier = handles.Where(h => h.Kind == CaseKind.Petition).Select(h => h.Id).ToList();
            for (var i = rng.Next(0, 8); i > 0; i--)
            {
                if (rng.Next(3) == 0)
                {
                    var register = gen.NewDispute(now);
                    work.Add(async () => Count(await township.RegisterDispute(register), outcomes) is { } s ? new CaseHandle(CaseKind.Dispute, s.State.Id, s.Version, null, s.State) : null);
                }
                else
                {
                    var register = gen.NewPetition(now, earlier);
                    work.Add(async () => Count(await township.RegisterPetition(register), outcomes) is { } s ? new CaseHandle(CaseKind.Petition, s.State.Id, s.Version, s.State, null) : null);
                }
            }
            foreach (var handle in Shuffled(rng, handles).Take(rng.Next(20, 45)))
            {
                var expected = rng.Next(7) switch
                {
                    0 => handle.Version,
                    1 when rng.Next(3) == 0 => handle.Version - 1,
                    _ => (long?)null,
                };
                if (handle.Kind == CaseKind.Petition)
                {
                    var command = gen.Next(handle.Petition!, now);
                    work.Add(async () =>
                    {
                        if (Count(await Petition(host, handle.Id).Execute(command, expected), outcomes) is { } s)
                        {
                            (handle.Petition, handle.Version) = (s.State, s.Version);
                        }
                        return null;
                    });
                }
                else
                {
                    var command = gen.Next(handle.Dispute!, now);
                    work.Add(async () =>
                    {
                        if (Count(await Dispute(host, handle.Id).Execute(command, expected), outcomes) is { } s)
                        {
                            (handle.Dispute, handle.Version) = (s.State, s.Version);
                        }
                        return null;
                    });
                }
            }
            commands += work.Count;
            var registered = await Task.WhenAll(work.Select(w => Task.Run(w)));
            handles.AddRange(registered.OfType<CaseHandle>());
        }
        await host.SweepAsync();
        output.WriteLine($"{commands} commands on {handles.Count} cases in {watch.Elapsed.TotalSeconds:F1} s; outcomes: {string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key}={o.Value}"))}");

        // The run must have meant something: many changes, many kinds of refusal, every lifecycle reached.
        Assert.True(commands >= 2500, $"only {commands} commands");
        Assert.True(outcomes["ok"] >= 1000, $"only {outcomes["ok"]} commands changed anything");
        Assert.True(commands - outcomes["ok"] >= 500, "too few refusals");
        Assert.True(outcomes.Count >= 20, $"only {outcomes.Count - 1} distinct refusals");
        Assert.Contains(ErrorCodes.LeaderNotOnRoster, outcomes.Keys);
        Assert.Contains(GrainErrors.VersionMismatchCode, outcomes.Keys);
        Assert.Equal(Enum.GetValues<PetitionStatus>().ToHashSet(), handles.Where(h => h.Petition is not null).Select(h => h.Petition!.Status).ToHashSet());
        Assert.Equal(Enum.GetValues<DisputeStatus>().ToHashSet(), handles.Where(h => h.Dispute is not null).Select(h => h.Dispute!.Status).ToHashSet());

        // Five sources of the same caseload.
        var live = await township.Cases();
        var stored = await township.CasesFromStorage();
        var answered = handles.Select(h => h.Summary).ToList();
        var folded = new List<CaseSummary>();
        foreach (var h in handles)
        {
            folded.Add(h.Kind == CaseKind.Petition
                ? Domain.Petitions.Petition.Summarize(Domain.Petitions.Petition.Fold(await StoredPetitionEventsAsync(h.Id)))
                : Domain.Disputes.Dispute.Summarize(Domain.Disputes.Dispute.Fold(await StoredDisputeEventsAsync(h.Id))));
            // Every answer's version is in storage; the clock may have recorded deadlines since (events by the system only).
            var stream = await Store.ReadStreamAsync(h.Kind == CaseKind.Petition ? PetitionStream(h.Id) : DisputeStream(h.Id), 0);
            Assert.True(stream.Count >= h.Version, $"{h.Id}: answered version {h.Version}, {stream.Count} stored");
            Assert.All(stream.Skip((int)h.Version), e => Assert.True(e.EventType is "becameDueSoon" or "becameOverdue" && e.Actor == "system", $"{h.Id}: {e.EventType} after the last answer"));
        }
        var fresh = await (await NewHostAsync("b", ownStore: true)).GetGrain<ITownshipGrain>(TownshipId).Cases();
        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await host.CollectIdleActivationsAsync(TimeSpan.Zero) > 0);
        var reactivated = await township.Cases();

        AssertSameCases(stored, live, "live vs stored rows");
        AssertSameCases(folded, live, "live vs fold of stored events");
        // An answer shows the case as the command left it; the clock may have recorded a deadline since.
        AssertSameCases(answered.Select(a => a with { Alert = null }), live.Select(l => l with { Alert = null }), "live vs the callers' answers");
        AssertSameCases(stored, fresh, "fresh activation on another node vs stored rows");
        AssertSameCases(stored, reactivated, "reactivation after collection vs stored rows");

        var today = Policy.LocalDate(Time.GetUtcNow());
        DateOnly[] asOfs = [new(2024, 11, 30), new(2024, 12, 14), new(2024, 12, 31), new(2025, 1, 31), today.AddDays(-10), today, new(2025, 12, 31)];
        foreach (var year in new[] { 2024, 2025 })
        {
            foreach (var asOf in asOfs)
            {
                var expected = Rollup.Compute(TownshipId, year, asOf, live, Policy);
                Assert.Equal(expected, Rollup.Compute(TownshipId, year, asOf, stored, Policy));
                Assert.Equal(expected, Rollup.Compute(TownshipId, year, asOf, folded, Policy));
                Assert.Equal(expected, Rollup.Compute(TownshipId, year, asOf, fresh, Policy));
                Assert.Equal(expected, Rollup.Compute(TownshipId, year, asOf, reactivated, Policy));
            }
            var yearEnd = Rollup.Compute(TownshipId, year, today, live, Policy);
            Assert.True(yearEnd.Petitions.Registered > 20 && yearEnd.Petitions.Concluded > 0 && yearEnd.Disputes.Resolved > 0,
                $"{year}: the rollup is too thin to prove anything");
        }
        output.WriteLine($"total {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Tallies an answer by outcome and hands back the snapshot of an accepted command.</summary>
    private static T? Count<T>(CaseResult<T> result, ConcurrentDictionary<string, int> outcomes) where T : class
    {
        outcomes.AddOrUpdate(result.Error?.Code ?? "ok", 1, (_, n) => n + 1);
        return result.Value;
    }

    private static IEnumerable<T> Shuffled<T>(Random rng, IReadOnlyList<T> items)
    {
        var copy = items.ToArray();
        rng.Shuffle(copy);
        return copy;
    }
}

public sealed class SqliteLiveRollupTests(ITestOutputHelper output) : LiveRollupTests(StoreKind.Sqlite, output);

public sealed class PostgresLiveRollupTests(ITestOutputHelper output) : LiveRollupTests(StoreKind.PostgreSql, output);
