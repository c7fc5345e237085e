using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using CaseGrains.Domain;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Rollups;
using CaseGrains.Domain.Townships;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Deadlines;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Storage;

namespace CaseGrains.Benchmarks.Alerts;

/// <summary>One Orleans reminder a seeded case has armed: the level of its running deadline still to come.</summary>
internal sealed record ArmedReminder(GrainId GrainId, string Name, DateTimeOffset At);

/// <summary>
/// A county's open caseload written straight into the case store, each case with what its grain would have
/// written by now: its commands decided by the domain at their own instants, «即将到期» and «已超期» noted at the
/// moment each level came (or at once after the command that started a clock already past it, as the grain
/// notes inline), the current-state row (summary with its alert, indexed columns, state snapshot), the alert-log
/// row of the alert in force and the officer's access-log row of the registration. The reminders the grains
/// would hold for the levels still to come are returned, for <see cref="ArmAsync"/>.
/// </summary>
/// <remarks>
/// Shapes (share of cases; the running deadline; its spread around now):
/// registered petitions 10% (受理告知, received in the last 16 days: due within -1..+15 days);
/// accepted petitions 35% (办理, accepted in the last 64 days: -4..+60); accepted and extended by 30 days 5%
/// (accepted 30..94 days ago: -4..+60); 12345 orders 20% (the platform's date, anywhere from 18 days ago to 347
/// days ahead: the tail over the year); accepted disputes 30% (调解, accepted in the last 32 days: -2..+30).
/// About 6% are overdue and 9% due soon; each local midnight of the next two weeks is the deadline moment of
/// about 4.5% of the cases (half becoming overdue, half due soon).
/// </remarks>
internal sealed class AlertCaseload
{
    /// <summary>The county every township belongs to.</summary>
    public const string County = "county-1";

    private const int Writers = 32;
    private const int LeadersPerTownship = 6;
    private static readonly DeadlinePolicy Policy = DeadlinePolicy.Default;

    private static readonly (string Subject, string Summary, string Category)[] PetitionTopics =
    [
        ("征地补偿", "反映征地补偿款未足额发放", "征地拆迁"),
        ("拖欠工资", "反映工地拖欠农民工工资三个月", "劳动社保"),
        ("低保评定", "对村低保评定结果有异议", "民政"),
        ("道路修缮", "反映村道损坏多年无人修缮", "城乡建设"),
        ("环境污染", "反映养殖场粪污直排河道", "生态环境"),
        ("宅基地审批", "宅基地建房申请长期未获审批", "自然资源"),
    ];

    private static readonly (string Subject, string Summary, string Category)[] DisputeTopics =
    [
        ("邻里排水纠纷", "两户因排水沟改道发生争执", "邻里"),
        ("土地承包经营权纠纷", "承包地边界不清引发争议", "土地承包"),
        ("赡养纠纷", "子女对老人赡养费分担有争议", "婚姻家庭"),
        ("欠薪纠纷", "务工人员与包工头就工钱结算发生纠纷", "劳动争议/欠薪"),
        ("宅基地界址纠纷", "相邻宅基地界址争议", "宅基地与房屋"),
    ];

    private static readonly string[] Villages = ["东村", "西村", "南庄", "北坡", "河湾村", "新民村", "柳树屯", "马家沟"];

    private AlertCaseload(IReadOnlyList<string> townships, DateTimeOffset seededAt, IReadOnlyList<ArmedReminder> reminders,
        IReadOnlyDictionary<string, int> shapes, int cases, int petitions, int disputes, int overdue, int dueSoon, int events, TimeSpan seeding)
    {
        Townships = townships;
        SeededAt = seededAt;
        Reminders = reminders;
        Shapes = shapes;
        Cases = cases;
        Petitions = petitions;
        Disputes = disputes;
        Overdue = overdue;
        DueSoon = dueSoon;
        Events = events;
        Seeding = seeding;
    }

    /// <summary>The townships, <c>a01…</c>.</summary>
    public IReadOnlyList<string> Townships { get; }

    /// <summary>The "now" the caseload is as of.</summary>
    public DateTimeOffset SeededAt { get; }

    /// <summary>Reminders still to fire, one per pending level of each running deadline.</summary>
    public IReadOnlyList<ArmedReminder> Reminders { get; }

    /// <summary>Cases per shape.</summary>
    public IReadOnlyDictionary<string, int> Shapes { get; }

    /// <summary>Open cases.</summary>
    public int Cases { get; }

    /// <summary>Of which petitions.</summary>
    public int Petitions { get; }

    /// <summary>Of which disputes.</summary>
    public int Disputes { get; }

    /// <summary>Cases with «已超期» in force.</summary>
    public int Overdue { get; }

    /// <summary>Cases with «即将到期» in force.</summary>
    public int DueSoon { get; }

    /// <summary>Alerts in force at seeding.</summary>
    public int Alerts => Overdue + DueSoon;

    /// <summary>Case events written.</summary>
    public int Events { get; }

    /// <summary>How long writing the cases took.</summary>
    public TimeSpan Seeding { get; }

    /// <summary>Reminders armed for exactly this instant (a deadline moment).</summary>
    public int RemindersAt(DateTimeOffset instant) => Reminders.Count(r => r.At == instant);

    /// <summary>Writes <paramref name="townships"/> townships of <paramref name="perTownship"/> open cases each, as of now.</summary>
    public static async Task<AlertCaseload> SeedAsync(ICaseStore store, int townships, int perTownship, Action<string> log)
    {
        var now = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(1, townships).Select(t => $"a{t:D2}").ToArray();
        var reminders = new List<ArmedReminder>();
        var shapes = new Dictionary<string, int>(StringComparer.Ordinal);
        int petitions = 0, disputes = 0, overdue = 0, dueSoon = 0, events = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var t = 0; t < ids.Length; t++)
        {
            var township = ids[t];
            var leaders = Enumerable.Range(1, LeadersPerTownship).Select(l => $"leader-{l:D2}").ToArray();
            await SeedTownshipAsync(store, township, leaders, now);
            var random = new Random(1000 + t);
            var plans = Enumerable.Range(0, perTownship).Select(_ => Plan.Draw(random, now, leaders)).OrderBy(p => p.Received).ToList();
            var sequences = new Dictionary<(int, CaseKind), int>();
            var numbered = plans.Select(p =>
            {
                var year = Policy.LocalDate(p.Received).Year;
                var kind = p.Shape == Shape.Dispute ? CaseKind.Dispute : CaseKind.Petition;
                var sequence = sequences[(year, kind)] = sequences.GetValueOrDefault((year, kind)) + 1;
                return (Plan: p, CaseId: CaseNumber.Format(year, kind, sequence));
            }).ToList();

            var results = new SeededCase[numbered.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, numbered.Count), new ParallelOptions { MaxDegreeOfParallelism = Writers }, async (i, cancellationToken) =>
            {
                var (plan, caseId) = numbered[i];
                var seeded = plan.Shape == Shape.Dispute ? Dispute(township, caseId, plan, now) : Petition(township, caseId, plan, now);
                await store.AppendAsync(seeded.Append, cancellationToken);
                results[i] = seeded with { Append = null! };
            });
            foreach (var seeded in results)
            {
                reminders.AddRange(seeded.Reminders);
                shapes[seeded.Shape] = shapes.GetValueOrDefault(seeded.Shape) + 1;
                events += seeded.Events;
                if (seeded.Kind == CaseKind.Petition)
                {
                    petitions++;
                }
                else
                {
                    disputes++;
                }
                if (seeded.Alert == AlertLevel.Overdue)
                {
                    overdue++;
                }
                else if (seeded.Alert == AlertLevel.DueSoon)
                {
                    dueSoon++;
                }
            }
            log($"  {township}: {perTownship} cases written ({(t + 1) * perTownship} in {clock.Elapsed.TotalSeconds:F0} s)");
        }
        return new AlertCaseload(ids, now, reminders, shapes, petitions + disputes, petitions, disputes, overdue, dueSoon, events, clock.Elapsed);
    }

    /// <summary>Writes the reminder rows through Orleans' own reminder table (the provider the grains register through).</summary>
    public async Task ArmAsync(IReminderTable table)
    {
        await Parallel.ForEachAsync(Reminders, new ParallelOptions { MaxDegreeOfParallelism = Writers }, async (reminder, cancellationToken) =>
            await table.UpsertRow(new ReminderEntry
            {
                GrainId = reminder.GrainId,
                ReminderName = reminder.Name,
                StartAt = reminder.At.UtcDateTime,
                // The case grains' retry period (CaseGrain.Deadlines.cs).
                Period = TimeSpan.FromMinutes(1),
            }));
    }

    private static async Task SeedTownshipAsync(ICaseStore store, string township, IReadOnlyList<string> leaders, DateTimeOffset now)
    {
        var state = TownshipState.New(township);
        var commands = new List<TownshipCommand> { new SetTownshipProfile($"{township}镇", County) };
        commands.AddRange(leaders.Select((l, i) => new UpsertLeader(l, $"领导{i + 1}", i == 0 ? "党委书记" : "党委委员", true)));
        var events = new List<TownshipEvent>();
        foreach (var command in commands)
        {
            var decision = Township.Decide(state, command);
            if (decision.IsError)
            {
                throw new InvalidOperationException($"seed {township}: {decision.Error.Code}");
            }
            events.AddRange(decision.Events);
            state = decision.Events.Aggregate(state, Township.Evolve);
        }
        await store.AppendAsync(new AppendRequest(
            $"{GrainTypes.Township}/{township}", 0,
            [.. events.Select(e => new NewEvent(TypeName(e), JsonSerializer.Serialize(e, GrainJson.Options), now, "admin-bench"))],
            // As TownshipGrain.ToIndexEntry, with the snapshot EventSourcedGrain adds.
            new IndexEntry(GrainTypes.Township, state.CountyId, "active", 0, null, null, DateTimeOffset.UnixEpoch,
                JsonSerializer.Serialize(new { state.Id, state.Name, state.CountyId }, GrainJson.Options),
                JsonSerializer.Serialize(state, GrainJson.Options))));
    }

    private static SeededCase Petition(string township, string caseId, Plan plan, DateTimeOffset now)
    {
        var (subject, summary, category) = PetitionTopics[plan.Variant % PetitionTopics.Length];
        var hotline = plan.Shape == Shape.Hotline;
        var channel = hotline ? PetitionChannel.Hotline12345 : (PetitionChannel)(plan.Variant % 3);
        var steps = new List<(PetitionCommand, DateTimeOffset)>
        {
            (new RegisterPetition(township, caseId, channel, plan.Received, subject, summary, category,
                [new Person("张三", Phone: "13812345678")], null, Villages[plan.Variant % Villages.Length], null,
                hotline ? $"12345-{plan.Variant:D8}" : null, hotline ? plan.PlatformDue : null), plan.Received),
        };
        if (plan.Accepted is { } accepted)
        {
            steps.Add((new AcceptPetition(accepted), accepted));
            if (plan.Leader is { } leader)
            {
                steps.Add((new AssignPetition(leader, ["clerk-01"]), accepted));
            }
        }
        if (plan.Progress is { } progress)
        {
            steps.Add((new RecordPetitionProgress(progress, "已电话联系信访人，协调相关站所核实"), progress));
        }
        if (plan.Extended is { } extended)
        {
            steps.Add((new ExtendPetition(30, "情况复杂，需协调县级部门", "镇长"), extended));
        }
        var cases = new Decider<PetitionState, PetitionEvent, PetitionCommand>(
            PetitionState.Empty,
            (s, c, at) => Domain.Petitions.Petition.Decide(s, c, new PetitionContext(at, Policy, LeaderSet)),
            Domain.Petitions.Petition.Evolve,
            at => new NotePetitionDeadline(at),
            s => s.Alert,
            Domain.Petitions.Petition.CurrentDeadline,
            Domain.Petitions.Petition.Summarize);
        return cases.Seed(GrainTypes.Petition, township, caseId, plan, steps, now,
            CaseGrain<PetitionState, PetitionEvent, RegisterPetition, PetitionCommand>.OverdueReminder,
            CaseGrain<PetitionState, PetitionEvent, RegisterPetition, PetitionCommand>.DueSoonReminder);
    }

    private static SeededCase Dispute(string township, string caseId, Plan plan, DateTimeOffset now)
    {
        var (subject, summary, category) = DisputeTopics[plan.Variant % DisputeTopics.Length];
        var steps = new List<(DisputeCommand, DateTimeOffset)>
        {
            (new RegisterDispute(township, caseId, (DisputeSource)(plan.Variant % 5), plan.Received, category, subject, summary,
                [new Person("李四", Phone: "13912345678"), new Person("王五")], Villages[plan.Variant % Villages.Length],
                (RiskLevel)(plan.Variant % 3)), plan.Received),
        };
        var accepted = plan.Accepted!.Value;
        steps.Add((new AcceptDispute(accepted, plan.Variant % 2 == 0 ? MediationProcedure.Simple : null), accepted));
        if (plan.Leader is { } leader)
        {
            steps.Add((new AssignDispute(leader, ["mediator-01"]), accepted));
        }
        if (plan.Progress is { } progress)
        {
            steps.Add((new RecordMediation(progress, "组织双方当面调解一次，未达成一致"), progress));
        }
        var cases = new Decider<DisputeState, DisputeEvent, DisputeCommand>(
            DisputeState.Empty,
            (s, c, at) => Domain.Disputes.Dispute.Decide(s, c, new DisputeContext(at, Policy, LeaderSet)),
            Domain.Disputes.Dispute.Evolve,
            at => new NoteDisputeDeadline(at),
            s => s.Alert,
            Domain.Disputes.Dispute.CurrentDeadline,
            Domain.Disputes.Dispute.Summarize);
        return cases.Seed(GrainTypes.Dispute, township, caseId, plan, steps, now,
            CaseGrain<DisputeState, DisputeEvent, RegisterDispute, DisputeCommand>.OverdueReminder,
            CaseGrain<DisputeState, DisputeEvent, RegisterDispute, DisputeCommand>.DueSoonReminder);
    }

    private static readonly IReadOnlySet<string> LeaderSet =
        Enumerable.Range(1, LeadersPerTownship).Select(l => $"leader-{l:D2}").ToHashSet(StringComparer.Ordinal);

    /// <summary>The stored event type: the JSON type discriminator, as <c>EventSourcedGrain.EventTypeName</c> writes it.</summary>
    private static string TypeName(object @event)
    {
        var type = @event.GetType();
        var derived = type.BaseType?.GetCustomAttributes<JsonDerivedTypeAttribute>(inherit: false)
            .FirstOrDefault(a => a.DerivedType == type)?.TypeDiscriminator as string;
        return derived ?? char.ToLowerInvariant(type.Name[0]) + type.Name[1..];
    }

    private enum Shape
    {
        Registered,
        Accepted,
        Extended,
        Hotline,
        Dispute,
    }

    /// <summary>One case's life so far: its shape and the instants of its steps.</summary>
    private sealed record Plan(Shape Shape, DateTimeOffset Received, DateTimeOffset? Accepted, DateTimeOffset? Progress,
        DateTimeOffset? Extended, DateOnly? PlatformDue, string? Leader, int Variant)
    {
        public static Plan Draw(Random random, DateTimeOffset now, IReadOnlyList<string> leaders)
        {
            TimeSpan Days(double from, double to) => TimeSpan.FromDays(from + random.NextDouble() * (to - from));
            DateTimeOffset Between(DateTimeOffset from, DateTimeOffset to) => from + (to - from) * random.NextDouble();
            var variant = random.Next(1_000_000);
            var leader = random.NextDouble() < 0.8 ? leaders[random.Next(leaders.Count)] : null;
            var draw = random.NextDouble();
            if (draw < 0.10)
            {
                return new Plan(Shape.Registered, now - Days(0.01, 16), null, null, null, null, null, variant);
            }
            if (draw < 0.50)
            {
                var extended = draw >= 0.45;
                var accepted = now - (extended ? Days(30, 94) : Days(0.01, 64));
                var received = accepted - Days(0.05, 7);
                // Extended before the 60-day limit ran out; a progress note, if any, before that.
                DateTimeOffset? extendedAt = extended ? Between(accepted + TimeSpan.FromDays(20), Min(now, accepted + TimeSpan.FromDays(59))) : null;
                var progress = random.NextDouble() < 0.5 ? Between(accepted, extendedAt ?? now) : (DateTimeOffset?)null;
                return new Plan(extended ? Shape.Extended : Shape.Accepted, received, accepted, progress, extendedAt, null, leader, variant);
            }
            if (draw < 0.70)
            {
                // A 12345 order's date is the platform's: anywhere from 18 days ago to 347 days ahead.
                var today = Policy.LocalDate(now);
                var due = today.AddDays(random.Next(-18, 348));
                var received = due > today ? now - Days(0.05, 3) : Policy.EndOfDay(due) - Days(3, 12);
                var accepted = Min(received + Days(0.05, 1), now - TimeSpan.FromMinutes(1));
                return new Plan(Shape.Hotline, received, accepted > received ? accepted : null, null, null, due, accepted > received ? leader : null, variant);
            }
            {
                var accepted = now - Days(0.01, 32);
                var received = accepted - Days(0.05, 5);
                var progress = random.NextDouble() < 0.5 ? Between(accepted, now) : (DateTimeOffset?)null;
                return new Plan(Shape.Dispute, received, accepted, progress, null, null, leader, variant);
            }
        }

        private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
    }

    /// <summary>What one case's seeding wrote and left armed.</summary>
    private sealed record SeededCase(string Shape, CaseKind Kind, AppendRequest Append, int Events, AlertLevel? Alert, IReadOnlyList<ArmedReminder> Reminders);

    /// <summary>Runs one case's commands through its decider the way its grain would have, up to now.</summary>
    private sealed class Decider<TState, TEvent, TCommand>(
        TState empty,
        Func<TState, TCommand, DateTimeOffset, Decision<TEvent>> decide,
        Func<TState, TEvent, TState> evolve,
        Func<DateTimeOffset, TCommand> note,
        Func<TState, DeadlineAlert?> recorded,
        Func<TState, (DeadlineKind Kind, DateOnly DueOn)?> running,
        Func<TState, CaseSummary> summarize)
        where TEvent : class
    {
        public SeededCase Seed(string grainType, string township, string caseId, Plan plan, IReadOnlyList<(TCommand Command, DateTimeOffset At)> steps,
            DateTimeOffset now, string overdueReminder, string dueSoonReminder)
        {
            var key = GrainTypes.CaseKey(township, caseId);
            var state = empty;
            var events = new List<(TEvent Event, DateTimeOffset At, string Actor)>();
            var last = steps[0].At;
            var noted = last;

            void Apply(TCommand command, DateTimeOffset at, string actor)
            {
                var decision = decide(state, command, at);
                if (decision.IsError)
                {
                    throw new InvalidOperationException($"seed {key}: {command?.GetType().Name} at {at:O}: {decision.Error!.Code} {decision.Error.MessageEn}");
                }
                foreach (var e in decision.Events)
                {
                    events.Add((e, at, actor));
                    state = evolve(state, e);
                }
            }

            // Each level is noted when it comes: by its reminder at its moment, or inline after the command that
            // started a clock already past it (at the command's instant). The clock's commands are the system's.
            void NoteUpTo(DateTimeOffset until)
            {
                while (DeadlineAlerts.Pending(Policy, recorded(state), running(state)).Where(p => p.At <= until).OrderBy(p => p.At).ToList() is [var next, ..])
                {
                    var at = next.At < last ? last : next.At;
                    var before = events.Count;
                    Apply(note(at), at, "system");
                    if (events.Count == before)
                    {
                        break;
                    }
                    noted = at;
                }
            }

            foreach (var (command, at) in steps)
            {
                NoteUpTo(at);
                Apply(command, at, "officer-bench");
                last = at;
                NoteUpTo(at);
            }
            NoteUpTo(now);

            var summary = summarize(state);
            var alert = CaseAlert.Of(summary);
            var grainId = GrainId.Create(grainType, key);
            var reminders = DeadlineAlerts.Pending(Policy, recorded(state), running(state))
                .Select(p => new ArmedReminder(grainId, p.Level == AlertLevel.Overdue ? overdueReminder : dueSoonReminder, p.At))
                .ToList();
            if (reminders.Any(r => r.At <= now))
            {
                throw new InvalidOperationException($"seed {key}: a level that has come is still pending");
            }

            var append = new AppendRequest(
                $"{grainType}/{key}", 0,
                // Serialized as the base type, so the type discriminator is in the payload, as EventSourcedGrain writes it.
                [.. events.Select(e => new NewEvent(TypeName(e.Event), JsonSerializer.Serialize(e.Event, GrainJson.Options), e.At, e.Actor))],
                // As CaseGrain.ToIndexEntry, with the snapshot EventSourcedGrain adds.
                new IndexEntry(grainType, summary.TownshipId, summary.Status, summary.Year, summary.LeaderId,
                    summary.DueOn is { } due ? Policy.EndOfDay(due) : null, summary.RegisteredAt,
                    JsonSerializer.Serialize(summary, GrainJson.Options), JsonSerializer.Serialize(state, GrainJson.Options)),
                null,
                [new AccessLogEntry(plan.Received, "officer-bench", "officer", township, key, "register")],
                // The alert in force was raised by the last note (a later command that moved the deadline would have cleared it).
                alert is null ? null : new AlertLogEntry(township, AlertChanges.Raised, noted, JsonSerializer.Serialize(alert, GrainJson.Options)));
            return new SeededCase(plan.Shape.ToString(), summary.Kind, append, events.Count, alert?.Level, reminders);
        }
    }
}
