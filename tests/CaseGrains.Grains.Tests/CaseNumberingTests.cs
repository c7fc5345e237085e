using CaseGrains.Domain;
using CaseGrains.Domain.Petitions;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Townships;
using CaseGrains.Storage;
using CaseGrains.Testing;
using Xunit.Abstractions;

namespace CaseGrains.Grains.Tests;

/// <summary>
/// 案件编号: a township numbers its cases <c>2024-XF-0001</c> / <c>2024-JF-0001</c> per local year and
/// kind, with no gap and no duplicate, also under concurrent registration and with two nodes.
/// </summary>
public abstract class CaseNumberingTests(StoreKind kind, ITestOutputHelper output) : GrainTestBase(kind)
{
    [Fact]
    public async Task Hundreds_of_parallel_registrations_are_numbered_per_kind_without_gap_or_duplicate()
    {
        var host = await NewHostAsync("a");
        var township = await SetUpTownshipAsync(host);
        var now = Time.GetUtcNow();

        // Every third is a dispute; every 25th is refused by the rules (nobody named), so it must use no number.
        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(async () =>
        {
            var refused = i % 25 == 7;
            var at = now.AddMinutes(-i);
            if (i % 3 == 0)
            {
                var r = await township.RegisterDispute(NewDispute(at, parties: refused ? [] : null) with { Subject = $"matter-{i}" });
                return (Index: i, Kind: CaseKind.Dispute, Refused: refused, Id: r.Value?.State.Id, Error: r.Error?.Code);
            }
            var p = await township.RegisterPetition(NewPetition(at, petitioners: refused ? [] : null) with { Subject = $"matter-{i}" });
            return (Index: i, Kind: CaseKind.Petition, Refused: refused, Id: p.Value?.State.Id, Error: p.Error?.Code);
        })));

        Assert.All(results, r => Assert.Equal(r.Refused, r.Id is null));
        Assert.All(results.Where(r => r.Refused), r =>
            Assert.Equal(r.Kind == CaseKind.Petition ? ErrorCodes.PetitionNoPetitioner : ErrorCodes.DisputeNoParty, r.Error));
        foreach (var caseKind in new[] { CaseKind.Petition, CaseKind.Dispute })
        {
            var ids = results.Where(r => r.Kind == caseKind && r.Id is not null).Select(r => r.Id!).ToList();
            Assert.Equal(Enumerable.Range(1, ids.Count).Select(n => CaseNumber.Format(2024, caseKind, n)), ids.Order(StringComparer.Ordinal));
        }

        // Storage holds exactly the acknowledged cases, each a one-event stream carrying the registration that got its number.
        var acknowledged = results.Where(r => r.Id is not null).ToList();
        var rows = await StoredCaseRowsAsync();
        Assert.Equal(acknowledged.Count, rows.Count);
        foreach (var r in acknowledged)
        {
            var stream = r.Kind == CaseKind.Petition ? PetitionStream(r.Id!) : DisputeStream(r.Id!);
            var stored = Assert.Single(await Store.ReadStreamAsync(stream, 0));
            Assert.Contains($"\"matter-{r.Index}\"", stored.Payload, StringComparison.Ordinal);
        }
        AssertSameCases(await township.CasesFromStorage(), await township.Cases(), "live vs storage");
    }

    [Fact]
    public async Task Numbering_restarts_each_year_of_the_local_Shanghai_date_of_receipt()
    {
        Time.Set(At(2025, 1, 2, 10, 0));
        var host = await NewHostAsync("a");
        var township = await SetUpTownshipAsync(host);

        async Task<string> PetitionAt(DateTimeOffset at) => Ok(await township.RegisterPetition(NewPetition(at))).State.Id;
        async Task<string> DisputeAt(DateTimeOffset at) => Ok(await township.RegisterDispute(NewDispute(at))).State.Id;

        Assert.Equal("2024-XF-0001", await PetitionAt(At(2024, 12, 31, 23, 59)));
        // 00:00:30 in Shanghai is still 2024 in UTC: the number follows the local date, as the 条例's days do.
        Assert.Equal("2025-XF-0001", await PetitionAt(new DateTimeOffset(2024, 12, 31, 16, 0, 30, TimeSpan.Zero)));
        Assert.Equal("2024-XF-0002", await PetitionAt(At(2024, 12, 31, 10, 0)));
        Assert.Equal("2025-XF-0002", await PetitionAt(At(2025, 1, 2, 9, 0)));
        Assert.Equal("2025-JF-0001", await DisputeAt(At(2025, 1, 1, 0, 10)));
        Assert.Equal("2024-JF-0001", await DisputeAt(At(2024, 12, 30, 8, 0)));

        var byId = (await township.Cases()).ToDictionary(c => c.Id);
        Assert.All(byId.Values, c => Assert.Equal(int.Parse(c.Id[..4], System.Globalization.CultureInfo.InvariantCulture), c.Year));

        // A new node rebuilds the counters from the stored rows and carries on in each year.
        var fresh = (await NewHostAsync("b", ownStore: true)).GetGrain<ITownshipGrain>(TownshipId);
        Assert.Equal("2024-XF-0003", Ok(await fresh.RegisterPetition(NewPetition(At(2024, 12, 1, 9, 0)))).State.Id);
        Assert.Equal("2025-XF-0003", Ok(await fresh.RegisterPetition(NewPetition(At(2025, 1, 2, 9, 30)))).State.Id);
        Assert.Equal("2025-JF-0002", Ok(await fresh.RegisterDispute(NewDispute(At(2025, 1, 2, 9, 30)))).State.Id);
    }

    [Fact]
    public async Task A_refused_registration_uses_no_number_and_writes_nothing()
    {
        var host = await NewHostAsync("a");
        var township = await SetUpTownshipAsync(host);
        var now = Time.GetUtcNow();

        Assert.Equal("2024-XF-0001", Ok(await township.RegisterPetition(NewPetition(now))).State.Id);
        Assert.Equal(ErrorCodes.PetitionNoPetitioner, Refused(await township.RegisterPetition(NewPetition(now, petitioners: []))).Code);
        Assert.Equal(ErrorCodes.TimeInFuture, Refused(await township.RegisterPetition(NewPetition(now.AddDays(1)))).Code);
        Assert.Equal(ErrorCodes.PetitionHotlineOrderRequired, Refused(await township.RegisterPetition(NewPetition(now, channel: PetitionChannel.Hotline12345))).Code);
        Assert.Empty(await Store.ReadStreamAsync(PetitionStream("2024-XF-0002"), 0));
        Assert.Null(await Store.GetIndexRowAsync(PetitionStream("2024-XF-0002")));
        Assert.Equal("2024-XF-0002", Ok(await township.RegisterPetition(NewPetition(now))).State.Id);

        Assert.Equal(ErrorCodes.DisputeUnknownCategory, Refused(await township.RegisterDispute(NewDispute(now, category: "不存在的类别"))).Code);
        Assert.Equal(ErrorCodes.DisputeNoParty, Refused(await township.RegisterDispute(NewDispute(now, parties: []))).Code);
        Assert.Empty(await Store.ReadStreamAsync(DisputeStream("2024-JF-0001"), 0));
        Assert.Equal("2024-JF-0001", Ok(await township.RegisterDispute(NewDispute(now))).State.Id);

        Assert.Equal(3, (await StoredCaseRowsAsync()).Count);
        Assert.Equal(3, (await township.Cases()).Count);

        // A township that was never set up numbers nothing.
        var nowhere = host.GetGrain<ITownshipGrain>("nowhere");
        Assert.Equal(ErrorCodes.TownshipNotFound, Refused(await nowhere.RegisterPetition(NewPetition(now))).Code);
        Assert.Empty((await Store.QueryIndexAsync(new IndexQuery(GrainTypes.Petition) { Partitions = ["nowhere"] })).Rows);
    }

    [Fact]
    public async Task A_township_set_up_through_another_node_takes_registrations_on_this_one()
    {
        var a = await NewHostAsync("a");
        var b = await NewHostAsync("b", ownStore: true);
        var onB = b.GetGrain<ITownshipGrain>(TownshipId);
        // Node b's activation is born before the township exists (a request came too early).
        Assert.Equal(ErrorCodes.TownshipNotFound, Refused(await onB.RegisterPetition(NewPetition(Time.GetUtcNow()))).Code);

        await SetUpTownshipAsync(a);

        Assert.Equal("2024-XF-0001", Ok(await onB.RegisterPetition(NewPetition(Time.GetUtcNow()))).State.Id);
        Assert.Equal("2024-XF-0002", Ok(await a.GetGrain<ITownshipGrain>(TownshipId).RegisterPetition(NewPetition(Time.GetUtcNow()))).State.Id);
    }

    [Fact]
    public async Task Two_nodes_registering_into_one_township_at_once_never_duplicate_a_number()
    {
        var a = await NewHostAsync("a");
        var b = await NewHostAsync("b", ownStore: true);
        await SetUpTownshipAsync(a);
        var townshipA = a.GetGrain<ITownshipGrain>(TownshipId);
        var townshipB = b.GetGrain<ITownshipGrain>(TownshipId);
        // Both activations exist before the race, so each numbers from a map the other keeps making stale.
        Assert.Empty(await townshipA.Cases());
        Assert.Empty(await townshipB.Cases());
        var now = Time.GetUtcNow();

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            var township = i % 2 == 0 ? townshipA : townshipB;
            var at = now.AddMinutes(-i);
            try
            {
                if (i % 4 < 2)
                {
                    var p = await township.RegisterPetition(NewPetition(at) with { Subject = $"matter-{i}" });
                    return (Index: i, Kind: CaseKind.Petition, Id: p.Value?.State.Id, Error: p.Error?.Code);
                }
                var d = await township.RegisterDispute(NewDispute(at) with { Subject = $"matter-{i}" });
                return (Index: i, Kind: CaseKind.Dispute, Id: d.Value?.State.Id, Error: d.Error?.Code);
            }
            catch (StreamVersionConflictException)
            {
                return (Index: i, Kind: i % 4 < 2 ? CaseKind.Petition : CaseKind.Dispute, Id: (string?)null, Error: (string?)"retryable-conflict");
            }
        })));

        // What the design guarantees: no number is acknowledged twice, each acknowledged number holds the
        // registration that was told it, and storage holds nothing else. A township that keeps losing the race
        // (its rival appends while it re-reads) gives up after a bounded number of re-reads with a retryable
        // version conflict; that refusal is the only one allowed here, and it must have written nothing.
        var refused = results.Where(r => r.Id is null).ToList();
        output.WriteLine($"{refused.Count} of {results.Length} registrations gave up after losing every numbering race");
        Assert.All(refused, r => Assert.Equal("retryable-conflict", r.Error));
        var acknowledged = results.Where(r => r.Id is not null).ToList();
        Assert.Contains(acknowledged, r => r.Index % 2 == 0);
        Assert.Contains(acknowledged, r => r.Index % 2 == 1);
        Assert.Equal(acknowledged.Count, acknowledged.Select(r => r.Id).Distinct().Count());
        foreach (var r in acknowledged)
        {
            var stream = r.Kind == CaseKind.Petition ? PetitionStream(r.Id!) : DisputeStream(r.Id!);
            var stored = Assert.Single(await Store.ReadStreamAsync(stream, 0));
            Assert.Contains($"\"matter-{r.Index}\"", stored.Payload, StringComparison.Ordinal);
        }
        Assert.Equal(acknowledged.Count, (await StoredCaseRowsAsync()).Count);

        // No gaps either: a township only tries one past the highest number in its map, and the map holds
        // stored numbers only, so no attempt can skip past the highest number stored.
        foreach (var caseKind in new[] { CaseKind.Petition, CaseKind.Dispute })
        {
            var ids = acknowledged.Where(r => r.Kind == caseKind).Select(r => r.Id!).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(Enumerable.Range(1, ids.Count).Select(n => CaseNumber.Format(2024, caseKind, n)), ids);
        }

        // A node's live map only learns of its own registrations; a fresh activation sees them all.
        var all = await townshipA.CasesFromStorage();
        Assert.Equal(acknowledged.Count, all.Count);
        AssertSameCases(all, await (await NewHostAsync("c")).GetGrain<ITownshipGrain>(TownshipId).Cases(), "fresh activation vs storage");
    }

    private static DateTimeOffset At(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, TimeSpan.FromHours(8));
}

public sealed class SqliteCaseNumberingTests(ITestOutputHelper output) : CaseNumberingTests(StoreKind.Sqlite, output);

public sealed class PostgresCaseNumberingTests(ITestOutputHelper output) : CaseNumberingTests(StoreKind.PostgreSql, output);
