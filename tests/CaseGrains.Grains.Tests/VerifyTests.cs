using System.Text.Json;
using CaseGrains.Domain;
using CaseGrains.Domain.Rollups;
using CaseGrains.Grains.Reports;
using CaseGrains.Testing;
using Xunit.Abstractions;

namespace CaseGrains.Grains.Tests;

/// <summary>
/// What the <c>verify</c> verb runs (<see cref="RollupVerification.CompareAsync"/>), after thousands of
/// seeded random commands through the grains: the year rebuilt from the stored events equals the live
/// rollup field by field, as of many dates; and a stored event gone missing is named as a difference.
/// </summary>
public abstract class VerifyTests(StoreKind kind, ITestOutputHelper output) : GrainTestBase(kind)
{
    private const int Seed = 20240918;
    private const int Rounds = 80;

    [Fact]
    public async Task Verify_finds_the_live_rollup_equal_to_the_rebuild_from_events_after_thousands_of_random_commands_and_names_a_lost_event()
    {
        var rng = new Random(Seed);
        var gen = new RandomCaseload(rng);
        Time.Set(new DateTimeOffset(2024, 11, 25, 8, 0, 0, TimeSpan.FromHours(8)));
        var host = await NewHostAsync("a");
        var township = await SetUpTownshipAsync(host, "l1", "l2");
        gen.Leaders.AddRange(["l1", "l2"]);
        var handles = new List<CaseHandle>();
        var commands = 0;
        var accepted = 0;
        for (var round = 0; round < Rounds; round++)
        {
            Time.Advance(TimeSpan.FromMinutes(rng.Next(0, 60 * 60)));
            var now = Time.GetUtcNow();
            var work = new List<Func<Task<CaseHandle?>>>();
            var earlier = handles.Where(h => h.Kind == CaseKind.Petition).Select(h => h.Id).ToList();
            for (var i = rng.Next(1, 8); i > 0; i--)
            {
                if (rng.Next(3) == 0)
                {
                    var register = gen.NewDispute(now);
                    work.Add(async () => (await township.RegisterDispute(register)).Value is { } s ? new CaseHandle(CaseKind.Dispute, s.State.Id, s.Version, null, s.State) : null);
                }
                else
                {
                    var register = gen.NewPetition(now, earlier);
                    work.Add(async () => (await township.RegisterPetition(register)).Value is { } s ? new CaseHandle(CaseKind.Petition, s.State.Id, s.Version, s.State, null) : null);
                }
            }
            foreach (var handle in handles.OrderBy(_ => rng.Next()).Take(rng.Next(20, 45)))
            {
                if (handle.Kind == CaseKind.Petition)
                {
                    var command = gen.Next(handle.Petition!, now);
                    work.Add(async () =>
                    {
                        if ((await Petition(host, handle.Id).Execute(command, null)).Value is { } s)
                        {
                            (handle.Petition, handle.Version) = (s.State, s.Version);
                            Interlocked.Increment(ref accepted);
                        }
                        return null;
                    });
                }
                else
                {
                    var command = gen.Next(handle.Dispute!, now);
                    work.Add(async () =>
                    {
                        if ((await Dispute(host, handle.Id).Execute(command, null)).Value is { } s)
                        {
                            (handle.Dispute, handle.Version) = (s.State, s.Version);
                            Interlocked.Increment(ref accepted);
                        }
                        return null;
                    });
                }
            }
            commands += work.Count;
            handles.AddRange((await Task.WhenAll(work.Select(w => Task.Run(w)))).OfType<CaseHandle>());
        }
        output.WriteLine($"{commands} commands, {accepted} lifecycle commands accepted, {handles.Count} cases");
        Assert.True(commands >= 2000, $"only {commands} commands");
        Assert.True(accepted >= 800, $"only {accepted} commands changed a case");

        var today = Policy.LocalDate(Time.GetUtcNow());
        var live = await township.Cases();
        foreach (var year in new[] { 2024, 2025 })
        {
            foreach (var asOf in new[] { new DateOnly(2024, 12, 14), new DateOnly(2024, 12, 31), today.AddDays(-3), today })
            {
                var result = await RollupVerification.CompareAsync(Store, TownshipId, year, asOf, LiveJson(year, asOf, live), Policy);
                Assert.True(result.Agrees, string.Join("\n", result.Lines()));
                Assert.Equal(handles.Count, result.Cases);
            }
        }

        // A concluded petition loses its last event in storage: the rebuild no longer matches, and says where.
        CaseHandle? victim = null;
        long lastVersion = 0;
        foreach (var h in handles.Where(h => h.Petition is { Status: Domain.Petitions.PetitionStatus.Concluded }))
        {
            var events = await Store.ReadStreamAsync(PetitionStream(h.Id), 0);
            if (events[^1].EventType == "petitionConcluded")
            {
                (victim, lastVersion) = (h, events[^1].Version);
                break;
            }
        }
        Assert.NotNull(victim);
        await TestStores.ExecuteAsync(Kind, ConnectionString, $"DELETE FROM grain_events WHERE stream_id = '{PetitionStream(victim.Id)}' AND version = {lastVersion}");
        var broken = await RollupVerification.CompareAsync(Store, TownshipId, victim.Petition!.RegisteredOn.Year, today,
            LiveJson(victim.Petition.RegisteredOn.Year, today, await township.Cases()), Policy);
        Assert.False(broken.Agrees);
        Assert.Contains(broken.Differences, d => d.StartsWith("petitions.concluded: ", StringComparison.Ordinal));
        Assert.Contains(broken.Differences, d => d.StartsWith("petitions.inProgress: ", StringComparison.Ordinal));
        Assert.Contains("fields differ", broken.Lines()[0], StringComparison.Ordinal);
    }

    /// <summary>The live rollup as the API answers it: the township grain's summaries, computed, as JSON.</summary>
    private static System.Text.Json.Nodes.JsonNode LiveJson(int year, DateOnly asOf, IReadOnlyList<CaseSummary> live)
        => JsonSerializer.SerializeToNode(Rollup.Compute(TownshipId, year, asOf, live, Policy), DomainJson.Options)!;
}

public sealed class SqliteVerifyTests(ITestOutputHelper output) : VerifyTests(StoreKind.Sqlite, output);

public sealed class PostgresVerifyTests(ITestOutputHelper output) : VerifyTests(StoreKind.PostgreSql, output);
