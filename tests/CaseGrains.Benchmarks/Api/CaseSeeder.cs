using System.Text.Json;
using CaseGrains.Domain;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Rollups;
using CaseGrains.Domain.Townships;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Storage;

namespace CaseGrains.Benchmarks.Api;

/// <summary>
/// Writes townships and petitions straight into the case store, each with what its grain would append:
/// the events the domain decides, the current-state row (summary, indexed columns and the state snapshot
/// activation reads) and, for a petition registered by an officer, the access-log row of that answer. It
/// mirrors <c>EventSourcedGrain.ExecuteAsync</c> and <c>CaseGrain.ToIndexEntry</c>, so the service reads the
/// rows as its own; the time-to-ready check then reads them back through the API.
/// </summary>
internal static class CaseSeeder
{
    private const int Writers = 32;
    private static readonly DeadlinePolicy Policy = DeadlinePolicy.Default;
    private static readonly IReadOnlySet<string> NoLeaders = new HashSet<string>();
    private static readonly DateTimeOffset Year = new(2024, 1, 2, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>How many cases each township gets: the first holds a quarter, the rest share the remainder.</summary>
    public static int[] Spread(int cases, int townships)
    {
        var counts = new int[townships];
        counts[0] = townships == 1 ? cases : cases / 4;
        for (var i = 0; i < cases - counts[0]; i++)
        {
            counts[1 + (i % (townships - 1))]++;
        }
        return counts;
    }

    /// <summary>Creates townships <c>s01…</c> in county <c>county-1</c>.</summary>
    public static async Task SeedTownshipsAsync(ICaseStore store, IReadOnlyList<string> townships)
    {
        foreach (var id in townships)
        {
            var state = TownshipState.New(id);
            var decision = Township.Decide(state, new SetTownshipProfile($"{id}镇", "county-1"));
            var after = decision.Events.Aggregate(state, Township.Evolve);
            var now = DateTimeOffset.UtcNow;
            await store.AppendAsync(new AppendRequest(
                $"{GrainTypes.Township}/{id}", 0,
                [.. decision.Events.Select(e => new NewEvent(TypeName(e), JsonSerializer.Serialize(e, GrainJson.Options), now, "admin-bench"))],
                new IndexEntry(GrainTypes.Township, after.CountyId, "active", 0, null, null, DateTimeOffset.UnixEpoch,
                    JsonSerializer.Serialize(new { after.Id, after.Name, after.CountyId }, GrainJson.Options),
                    JsonSerializer.Serialize(after, GrainJson.Options))));
        }
    }

    /// <summary>Seeds <paramref name="counts"/>[i] petitions into township i; a mix of registered, in-progress and concluded cases.</summary>
    public static async Task SeedPetitionsAsync(ICaseStore store, IReadOnlyList<string> townships, IReadOnlyList<int> counts, IProgress<int>? progress = null)
    {
        var work = townships.SelectMany((t, i) => Enumerable.Range(1, counts[i]).Select(sequence => (Township: t, Sequence: sequence)));
        var done = 0;
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = Writers }, async (item, cancellationToken) =>
        {
            await store.AppendAsync(Petition(item.Township, item.Sequence), cancellationToken);
            var count = Interlocked.Increment(ref done);
            if (count % 10_000 == 0)
            {
                progress?.Report(count);
            }
        });
    }

    /// <summary>One petition's append: registration, and for most an acceptance, a progress note, some a conclusion.</summary>
    private static AppendRequest Petition(string township, int sequence)
    {
        var caseId = CaseNumber.Format(2024, CaseKind.Petition, sequence);
        var received = Year.AddMinutes(sequence * 7 % 500_000);
        var kind = sequence % 10;
        var commands = new List<(PetitionCommand Command, DateTimeOffset Now)>
        {
            (new RegisterPetition(township, caseId, PetitionChannel.Visit, received, "征地补偿", "反映补偿款未到位", "征地拆迁",
                [new Person("张三", Phone: "13812345678")], null, "东村", null, null, null), received),
        };
        if (kind >= 3)
        {
            commands.Add((new AcceptPetition(received.AddDays(1)), received.AddDays(1)));
            commands.Add((new RecordPetitionProgress(received.AddDays(3), "电话联系信访人，已协调镇国土所核实"), received.AddDays(3)));
        }
        if (kind >= 8)
        {
            commands.Add((new ConcludePetition(received.AddDays(20), PetitionOutcome.Supported, "补偿款已于本月发放到位"), received.AddDays(20)));
        }

        var state = PetitionState.Empty;
        var events = new List<(PetitionEvent Event, DateTimeOffset At)>();
        foreach (var (command, now) in commands)
        {
            var decision = Domain.Petitions.Petition.Decide(state, command, new PetitionContext(now, Policy, NoLeaders));
            if (decision.IsError)
            {
                throw new InvalidOperationException($"seed {township}/{caseId}: {decision.Error.Code}");
            }
            events.AddRange(decision.Events.Select(e => (e, now)));
            state = decision.Events.Aggregate(state, Domain.Petitions.Petition.Evolve);
        }
        // One append of all the steps, each event at its own instant: the stored rows are those after the last step's commit.
        var at = commands[^1].Now;
        var key = GrainTypes.CaseKey(township, caseId);
        return new AppendRequest(
            $"{GrainTypes.Petition}/{key}", 0,
            [.. events.Select(e => new NewEvent(TypeName(e.Event), JsonSerializer.Serialize(e.Event, GrainJson.Options), e.At, "officer-bench"))],
            IndexOf(state),
            null,
            [new AccessLogEntry(at, "officer-bench", "officer", township, key, "register")]);
    }

    /// <summary>The current-state row <c>CaseGrain.ToIndexEntry</c> writes, with the snapshot <c>EventSourcedGrain</c> adds.</summary>
    private static IndexEntry IndexOf(PetitionState state)
    {
        CaseSummary summary = Domain.Petitions.Petition.Summarize(state);
        return new IndexEntry(
            GrainTypes.Petition,
            summary.TownshipId,
            summary.Status,
            summary.Year,
            summary.LeaderId,
            summary.DueOn is { } due ? Policy.EndOfDay(due) : null,
            summary.RegisteredAt,
            JsonSerializer.Serialize(summary, GrainJson.Options),
            JsonSerializer.Serialize(state, GrainJson.Options));
    }

    /// <summary>The stored event type: the class name, first letter in lower case (as <c>EventSourcedGrain.EventTypeName</c>).</summary>
    private static string TypeName(object @event)
    {
        var name = @event.GetType().Name;
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
