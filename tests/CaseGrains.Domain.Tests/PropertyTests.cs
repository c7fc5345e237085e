using System.Text.Json;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Rollups;
using static CaseGrains.Domain.Tests.Kit;

namespace CaseGrains.Domain.Tests;

/// <summary>
/// Thousands of random command sequences (seeded, so a failure repeats): a refused command emits
/// nothing, commands known to be invalid are refused, the state equals the fold of the events,
/// transitions follow the lifecycle, and rollups over the resulting cases keep their identities
/// and their as-of meaning.
/// </summary>
public sealed class PropertyTests
{
    private const int Sequences = 2500;
    private const int Steps = 30;
    private static readonly DateTimeOffset Origin = At(2023, 11, 1);

    private static readonly DeadlinePolicy DisputePolicy = new(new DeadlineSettings
    {
        RollForwardHolidays = true,
        Holidays = HolidayCalendar.China,
        DisputeDaysByCategory = new Dictionary<string, int> { ["劳动争议/欠薪"] = 10, ["婚姻家庭"] = 45 },
        DisputeDaysByProcedure = new Dictionary<MediationProcedure, int> { [MediationProcedure.Simple] = 3 },
    });

    private static readonly Dictionary<PetitionStatus, PetitionStatus[]> PetitionTransitions = new()
    {
        [PetitionStatus.Registered] = [PetitionStatus.Registered, PetitionStatus.Accepted, PetitionStatus.Declined, PetitionStatus.Withdrawn],
        [PetitionStatus.Accepted] = [PetitionStatus.Accepted, PetitionStatus.Concluded, PetitionStatus.Withdrawn],
        [PetitionStatus.Declined] = [PetitionStatus.Declined],
        [PetitionStatus.Concluded] = [PetitionStatus.Concluded, PetitionStatus.UnderReview],
        [PetitionStatus.UnderReview] = [PetitionStatus.UnderReview, PetitionStatus.Reviewed],
        [PetitionStatus.Reviewed] = [PetitionStatus.Reviewed, PetitionStatus.UnderRecheck],
        [PetitionStatus.UnderRecheck] = [PetitionStatus.UnderRecheck, PetitionStatus.Final],
        [PetitionStatus.Final] = [PetitionStatus.Final],
        [PetitionStatus.Withdrawn] = [PetitionStatus.Withdrawn],
    };

    private static readonly Dictionary<DisputeStatus, DisputeStatus[]> DisputeTransitions = new()
    {
        [DisputeStatus.Registered] = [DisputeStatus.Registered, DisputeStatus.Accepted, DisputeStatus.Failed],
        [DisputeStatus.Accepted] = [DisputeStatus.Accepted, DisputeStatus.Resolved, DisputeStatus.Failed],
        [DisputeStatus.Resolved] = [DisputeStatus.Resolved, DisputeStatus.Closed],
        [DisputeStatus.Failed] = [DisputeStatus.Failed],
        [DisputeStatus.Closed] = [DisputeStatus.Closed],
    };

    [Fact]
    public void Petitions_RandomSequences_FoldEqualsStepwise_RefusalsEmitNothing()
    {
        var rng = new Random(20240229);
        var reached = new HashSet<PetitionStatus>();
        var codes = new HashSet<string>();
        var histories = new List<(DeadlinePolicy Policy, List<PetitionEvent> Events, CaseSummary Summary)>();
        for (var n = 0; n < Sequences; n++)
        {
            var policy = n % 3 == 0 ? RollForward : Policy;
            var gen = new PetitionGen(rng, CaseNumber.Format(2024, CaseKind.Petition, n + 1));
            var state = PetitionState.Empty;
            var events = new List<PetitionEvent>();
            var now = Origin.AddMinutes(rng.Next(0, 60 * 24 * 400));
            for (var step = 0; step < Steps; step++)
            {
                now += Gap(rng);
                var (command, mustFail) = gen.Next(state, now);
                var decision = Petition.Decide(state, command, new PetitionContext(now, policy, Leaders));
                if (decision.IsError)
                {
                    Assert.Empty(decision.Events);
                    Assert.Contains(decision.Error.Code, ErrorCodes.All);
                    codes.Add(decision.Error.Code);
                    continue;
                }

                Assert.False(mustFail, $"{command} should have been refused in {state.Status}.");
                var before = state;
                foreach (var e in decision.Events)
                {
                    state = Petition.Evolve(state, e);
                    events.Add(e);
                }

                AssertPetitionInvariants(before, state);
                reached.Add(state.Status);
            }

            Assert.Equal(state, Petition.Fold(events));
            if (state.Exists)
            {
                histories.Add((policy, events, Petition.Summarize(state)));
            }
        }

        Assert.Equal(Enum.GetValues<PetitionStatus>().ToHashSet(), reached); // the generator reaches every status
        Assert.True(codes.Count > 25, $"only {codes.Count} distinct refusals were exercised");

        // Stored streams replay to the same case.
        foreach (var (_, events, summary) in histories.Where((_, i) => i % 10 == 0))
        {
            var back = JsonSerializer.Deserialize<List<PetitionEvent>>(JsonSerializer.Serialize(events, DomainJson.Options), DomainJson.Options)!;
            Assert.Equal(summary, Petition.Summarize(Petition.Fold(back)));
            Assert.Equal(summary, JsonSerializer.Deserialize<CaseSummary>(JsonSerializer.Serialize(summary, DomainJson.Options), DomainJson.Options));
        }

        AssertPetitionRollups(histories.Where(h => h.Policy == Policy).ToList(), rng);
    }

    [Fact]
    public void Disputes_RandomSequences_FoldEqualsStepwise_RefusalsEmitNothing()
    {
        var rng = new Random(52);
        var reached = new HashSet<DisputeStatus>();
        var histories = new List<(DeadlinePolicy Policy, List<DisputeEvent> Events, CaseSummary Summary)>();
        for (var n = 0; n < Sequences; n++)
        {
            var policy = n % 2 == 0 ? DisputePolicy : Policy;
            var gen = new DisputeGen(rng, CaseNumber.Format(2024, CaseKind.Dispute, n + 1));
            var state = DisputeState.Empty;
            var events = new List<DisputeEvent>();
            var now = Origin.AddMinutes(rng.Next(0, 60 * 24 * 400));
            for (var step = 0; step < Steps / 2; step++)
            {
                now += Gap(rng);
                var (command, mustFail) = gen.Next(state, now);
                var decision = Dispute.Decide(state, command, new DisputeContext(now, policy, Leaders));
                if (decision.IsError)
                {
                    Assert.Empty(decision.Events);
                    Assert.Contains(decision.Error.Code, ErrorCodes.All);
                    continue;
                }

                Assert.False(mustFail, $"{command} should have been refused in {state.Status}.");
                var before = state;
                foreach (var e in decision.Events)
                {
                    state = Dispute.Evolve(state, e);
                    events.Add(e);
                }

                Assert.Contains(state.Status, DisputeTransitions[before.Status]);
                Assert.InRange(state.ExtendedDays, 0, policy.Settings.DisputeMaxExtensionDays);
                Assert.True(state.LastStepAt >= state.ReportedAt);
                if (state.Status == DisputeStatus.Accepted)
                {
                    Assert.NotNull(Dispute.CurrentDeadline(state));
                }

                reached.Add(state.Status);
            }

            Assert.Equal(state, Dispute.Fold(events));
            if (state.Exists)
            {
                histories.Add((policy, events, Dispute.Summarize(state)));
            }
        }

        Assert.Equal(Enum.GetValues<DisputeStatus>().ToHashSet(), reached);
        foreach (var (_, events, summary) in histories.Where((_, i) => i % 10 == 0))
        {
            var back = JsonSerializer.Deserialize<List<DisputeEvent>>(JsonSerializer.Serialize(events, DomainJson.Options), DomainJson.Options)!;
            Assert.Equal(summary, Dispute.Summarize(Dispute.Fold(back)));
        }

        AssertDisputeRollups(histories.Where(h => h.Policy == Policy).ToList(), rng);
    }

    private static void AssertPetitionInvariants(PetitionState before, PetitionState after)
    {
        Assert.True(after.Exists);
        Assert.Contains(after.Status, PetitionTransitions[before.Exists ? before.Status : PetitionStatus.Registered]);
        Assert.InRange(after.ExtendedDays, 0, 30);
        Assert.True(after.LastStepAt >= after.ReceivedAt);
        if (after.AcceptedAt is { } accepted)
        {
            Assert.True(accepted >= after.ReceivedAt);
            Assert.NotNull(after.HandlingDueOn);
        }

        if (after.ConcludedAt is { } concluded)
        {
            Assert.True(concluded >= after.AcceptedAt);
            Assert.NotNull(after.ConcludedOnTime);
        }

        if (after.Status is PetitionStatus.Registered or PetitionStatus.Accepted or PetitionStatus.UnderReview)
        {
            Assert.NotNull(Petition.CurrentDeadline(after));
        }

        if (after.Status is PetitionStatus.Declined or PetitionStatus.Concluded or PetitionStatus.Reviewed or PetitionStatus.Final or PetitionStatus.Withdrawn)
        {
            Assert.Null(Petition.CurrentDeadline(after));
        }

        if (after.Rating is not null)
        {
            Assert.NotNull(after.ConcludedAt);
        }
    }

    private static void AssertPetitionRollups(List<(DeadlinePolicy Policy, List<PetitionEvent> Events, CaseSummary Summary)> histories, Random rng)
    {
        var summaries = histories.Select(h => h.Summary).ToList();
        Assert.True(summaries.Count(s => s.Year == 2024) > 500);
        foreach (var asOf in AsOfDates())
        {
            var r = Rollup.Compute("t", 2024, asOf, summaries, Policy);
            var p = r.Petitions;
            Assert.Equal(p.Accepted, p.Concluded + p.InProgress + p.Withdrawn);
            Assert.Equal(p.Registered, p.Accepted + p.Declined + p.AwaitingAcceptance + p.WithdrawnBeforeAcceptance);
            Assert.Equal(p.Registered, p.ByChannel.Total);
            Assert.Equal(p.Registered, p.ByCategory.Total);
            Assert.Equal(p.Evaluated, p.Satisfied + p.BasicallySatisfied + p.Dissatisfied);
            Assert.InRange(p.ConcludedOnTime, 0, p.Concluded);
            Assert.InRange(p.Evaluated, 0, p.Concluded);
            Assert.InRange(p.OverdueNow, 0, p.InProgress + p.AwaitingAcceptance);
            Assert.InRange(p.Rechecks, 0, p.Reviews);
            Assert.InRange(r.Hotline12345.Registered, 0, p.Registered);
            foreach (var rate in new[] { p.OnTimeRate, p.EvaluationRate, p.SatisfactionRate })
            {
                Assert.Equal(rate.Denominator == 0, rate.Value is null);
                Assert.InRange(rate.Value ?? 0, 0, 1);
            }

            // Order does not matter; a county of two halves adds up to the whole.
            Assert.Equal(r, Rollup.Compute("t", 2024, asOf, summaries.OrderBy(_ => rng.Next()), Policy));
            var county = Rollup.Combine("c", 2024, asOf,
            [
                Rollup.Compute("odd", 2024, asOf, summaries.Where(s => s.Id.EndsWith('1') || s.Id.EndsWith('3')), Policy),
                Rollup.Compute("rest", 2024, asOf, summaries.Where(s => !(s.Id.EndsWith('1') || s.Id.EndsWith('3'))), Policy),
            ]);
            Assert.Equal(r.Petitions, county.Petitions);
            Assert.Equal(r.Hotline12345, county.Hotline12345);

            // As of a date = the cases folded from only the events dated up to then (deadline-dependent figures aside).
            var replayed = histories
                .Select(h => Petition.Fold(h.Events.Where(e => Dated(e) is not { } t || Policy.LocalDate(t) <= asOf)))
                .Where(s => s.Exists && Policy.LocalDate(s.ReceivedAt) <= asOf)
                .Select(Petition.Summarize);
            var fromPrefix = Rollup.Compute("t", 2024, D(2099, 12, 31), replayed, Policy).Petitions;
            Assert.Equal(p with { OverdueNow = 0, Repeat = 0 }, fromPrefix with { OverdueNow = 0, Repeat = 0 });
        }

        // At the end of time the figures are plain status counts.
        var final = Rollup.Compute("t", 2024, D(2099, 12, 31), summaries, Policy).Petitions;
        var year = summaries.Where(s => s.Year == 2024).ToList();
        Assert.Equal(year.Count(s => s.Status is "concluded" or "underReview" or "reviewed" or "underRecheck" or "final"), final.Concluded);
        Assert.Equal(year.Count(s => s.Status == "accepted"), final.InProgress);
        Assert.Equal(year.Count(s => s.Status == "declined"), final.Declined);
        Assert.Equal(year.Count(s => s.Status == "registered"), final.AwaitingAcceptance);
        Assert.Equal(year.Count(s => s.Status == "withdrawn"), final.Withdrawn + final.WithdrawnBeforeAcceptance);
    }

    private static void AssertDisputeRollups(List<(DeadlinePolicy Policy, List<DisputeEvent> Events, CaseSummary Summary)> histories, Random rng)
    {
        var summaries = histories.Select(h => h.Summary).ToList();
        foreach (var asOf in AsOfDates())
        {
            var r = Rollup.Compute("t", 2024, asOf, summaries, Policy);
            var d = r.Disputes;
            Assert.Equal(d.Registered, d.Resolved + d.Failed + d.InProgress + d.AwaitingAcceptance);
            Assert.Equal(d.Accepted, d.Resolved + d.InProgress + d.Failed - d.FailedBeforeAcceptance);
            Assert.Equal(d.Resolved, d.SimpleProcedure + d.GeneralProcedure);
            Assert.Equal(d.Resolved, d.WrittenAgreements + d.OralAgreements);
            Assert.Equal(d.FollowedUp, d.Fulfilled + d.PartlyFulfilled + d.NotFulfilled);
            Assert.Equal(d.Registered, d.BySource.Total);
            Assert.Equal(d.Registered, d.ByCategory.Total);
            Assert.InRange(d.OverdueNow, 0, d.InProgress);
            Assert.Equal(d.ResolutionRate.Denominator == 0, d.ResolutionRate.Value is null);
            Assert.Equal(r, Rollup.Compute("t", 2024, asOf, summaries.OrderBy(_ => rng.Next()), Policy));

            var replayed = histories
                .Select(h => Dispute.Fold(h.Events.Where(e => Dated(e) is not { } t || Policy.LocalDate(t) <= asOf)))
                .Where(s => s.Exists && Policy.LocalDate(s.ReportedAt) <= asOf)
                .Select(Dispute.Summarize);
            var fromPrefix = Rollup.Compute("t", 2024, D(2099, 12, 31), replayed, Policy).Disputes;
            Assert.Equal(d with { OverdueNow = 0 }, fromPrefix with { OverdueNow = 0 });
        }

        var final = Rollup.Compute("t", 2024, D(2099, 12, 31), summaries, Policy).Disputes;
        var year = summaries.Where(s => s.Year == 2024).ToList();
        Assert.Equal(year.Count(s => s.Status is "resolved" or "closed"), final.Resolved);
        Assert.Equal(year.Count(s => s.Status == "failed"), final.Failed);
        Assert.Equal(year.Count(s => s.Status == "accepted"), final.InProgress);
        Assert.Equal(year.Count(s => s.Status == "closed"), final.FollowedUp);
    }

    private static IEnumerable<DateOnly> AsOfDates() =>
        [D(2024, 1, 1), D(2024, 2, 29), D(2024, 6, 30), D(2024, 10, 7), D(2024, 12, 14), D(2024, 12, 31), D(2025, 6, 30)];

    private static DateTimeOffset? Dated(object e) => InstantOf(e);

    private static TimeSpan Gap(Random rng) => rng.Next(100) switch
    {
        < 50 => TimeSpan.FromMinutes(rng.Next(0, 12 * 60)),
        < 85 => TimeSpan.FromMinutes(rng.Next(0, 10 * 24 * 60)),
        _ => TimeSpan.FromMinutes(rng.Next(10 * 24 * 60, 45 * 24 * 60)),
    };

    /// <summary>Picks an instant for a command: usually valid, sometimes in the future or before the previous step (then the command must be refused).</summary>
    private static (DateTimeOffset At, bool Bad) Instant(Random rng, DateTimeOffset lastStep, bool exists, DateTimeOffset now)
    {
        var roll = rng.Next(100);
        if (roll < 4)
        {
            return (now + TimeSpan.FromMinutes(rng.Next(6, 3000)), true);
        }

        if (roll < 8 && exists)
        {
            return (lastStep - TimeSpan.FromMinutes(rng.Next(1, 5000)), true);
        }

        if (roll < 10)
        {
            return (Max(now + DeadlineSettings.DefaultMaxFutureSkew, exists ? lastStep : now), false); // the edge of the skew is still allowed
        }

        var lo = exists ? lastStep : now - TimeSpan.FromDays(3);
        var hi = Max(now, lo);
        return (lo + TimeSpan.FromTicks((long)(rng.NextDouble() * (hi - lo).Ticks)), false);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static (string Text, bool Bad) Text(Random rng, string value) => rng.Next(100) < 4 ? (rng.Next(2) == 0 ? "" : "  ", true) : (value, false);

    private sealed class PetitionGen(Random rng, string id)
    {
        private const int Kinds = 17;

        public (PetitionCommand Command, bool MustFail) Next(PetitionState s, DateTimeOffset now)
        {
            var kind = rng.Next(100) < 65 ? Natural(s) : rng.Next(Kinds);
            var (at, badAt) = Instant(rng, s.LastStepAt, s.Exists, now);
            var (text, badText) = Text(rng, "内容");
            var exists = s.Exists;
            switch (kind)
            {
                case 0:
                    return Register(at, badAt || exists);
                case 1:
                    return (new AcceptPetition(at), badAt || !exists);
                case 2:
                    return (new DeclinePetition(at, text, (DeclineRoute)rng.Next(5)), badAt || badText || !exists);
                case 3:
                    var leader = rng.Next(10) == 0 ? "ghost" : $"leader-{rng.Next(1, 3)}";
                    return (new AssignPetition(leader, [.. Enumerable.Range(0, rng.Next(3)).Select(i => $"officer-{rng.Next(4)}")]), leader == "ghost" || !exists);
                case 4:
                    return (new RecordPetitionProgress(at, text), badAt || badText || !exists);
                case 5:
                    var days = rng.Next(-1, 36);
                    var (approver, badApprover) = Text(rng, "镇长");
                    return (new ExtendPetition(days, text, approver), days is < 1 or > 30 || badText || badApprover || !exists);
                case 6:
                    var due = (exists ? s.RegisteredOn : DateOnly.FromDateTime(now.Date)).AddDays(rng.Next(-3, 20));
                    return (new ChangePlatformDeadline(due, text), badText || !exists || (exists && due < s.RegisteredOn));
                case 7:
                    return (new ConcludePetition(at, (PetitionOutcome)rng.Next(4), text), badAt || badText || !exists);
                case 8:
                    return (new EvaluatePetition((SatisfactionRating)rng.Next(3)), !exists);
                case 9:
                    return (new RequestReview(at), badAt || !exists);
                case 10:
                    return (new ConcludeReview(at, (ReviewDecision)rng.Next(2)), badAt || !exists);
                case 11:
                    return (new RequestRecheck(at), badAt || !exists);
                case 12:
                    return (new StartRecheckHearing(at), badAt || !exists);
                case 13:
                    return (new EndRecheckHearing(at), badAt || !exists);
                case 14:
                    return (new ConcludeRecheck(at, (ReviewDecision)rng.Next(2)), badAt || !exists);
                case 15:
                    return (new WithdrawPetition(at, text), badAt || badText || !exists);
                default:
                    var link = rng.Next(4) switch { 0 => id, 1 => "上一件", _ => CaseNumber.Format(2023, CaseKind.Petition, rng.Next(1, 50)) };
                    return (new LinkRepeat(link), link == id || link == "上一件" || !exists);
            }
        }

        private (PetitionCommand, bool) Register(DateTimeOffset at, bool bad)
        {
            var channel = (PetitionChannel)rng.Next(8);
            var hotline = channel == PetitionChannel.Hotline12345;
            var receivedOn = Policy.LocalDate(at);
            var orderId = hotline && rng.Next(10) > 0 ? "order-1" : null;
            DateOnly? platformDue = hotline && rng.Next(10) > 0 ? receivedOn.AddDays(rng.Next(-1, 10)) : null;
            var (subject, badSubject) = Text(rng, "事由");
            var people = rng.Next(20) == 0 ? [] : Enumerable.Range(0, rng.Next(1, 4)).Select(i => new Person($"信访人{i}")).ToArray();
            int? headcount = rng.Next(3) == 0 ? rng.Next(0, 9) : null;
            var caseId = rng.Next(30) == 0 ? "2024-JF-0001" : id;
            bad |= badSubject || people.Length == 0 || caseId != id
                || (headcount is { } h && (h < 1 || h < people.Length))
                || (hotline && (orderId is null || platformDue is null || platformDue < receivedOn));
            var command = new RegisterPetition("t-1", caseId, channel, at, subject, "诉求", rng.Next(2) == 0 ? "城乡建设" : "劳动社保/欠薪",
                people, headcount, "某村", null, orderId, platformDue);
            return (command, bad);
        }

        private int Natural(PetitionState s) => !s.Exists ? 0 : s.Status switch
        {
            PetitionStatus.Registered => rng.Next(10) switch { < 6 => 1, 6 => 2, 7 => 15, 8 => 3, _ => 4 },
            PetitionStatus.Accepted => rng.Next(10) switch { < 4 => 7, < 6 => 4, 6 => 5, 7 => 3, 8 => 15, _ => 6 },
            PetitionStatus.Concluded => rng.Next(2) == 0 ? 8 : 9,
            PetitionStatus.UnderReview => rng.Next(4) == 0 ? 4 : 10,
            PetitionStatus.Reviewed => rng.Next(3) == 0 ? 8 : 11,
            PetitionStatus.UnderRecheck => s.HearingStartedAt is null ? (rng.Next(3) == 0 ? 12 : 14) : 13,
            _ => rng.Next(Kinds),
        };
    }

    private sealed class DisputeGen(Random rng, string id)
    {
        private static readonly string[] Categories = ["邻里", "劳动争议/欠薪", "劳动争议", "婚姻家庭", "其他", "交通事故"];

        public (DisputeCommand Command, bool MustFail) Next(DisputeState s, DateTimeOffset now)
        {
            var kind = rng.Next(100) < 65 ? Natural(s) : rng.Next(8);
            var (at, badAt) = Instant(rng, s.LastStepAt, s.Exists, now);
            var (text, badText) = Text(rng, "内容");
            var exists = s.Exists;
            switch (kind)
            {
                case 0:
                    var category = Categories[rng.Next(Categories.Length)];
                    var parties = rng.Next(20) == 0 ? [] : Enumerable.Range(0, rng.Next(1, 4)).Select(i => new Person($"当事人{i}")).ToArray();
                    var command = new RegisterDispute("t-1", id, (DisputeSource)rng.Next(7), at, category, text, "情况", parties, null, (RiskLevel)rng.Next(3));
                    return (command, badAt || badText || exists || parties.Length == 0 || category == "交通事故");
                case 1:
                    MediationProcedure? planned = rng.Next(3) switch { 0 => null, 1 => MediationProcedure.Simple, _ => MediationProcedure.General };
                    return (new AcceptDispute(at, planned), badAt || !exists);
                case 2:
                    var leader = rng.Next(10) == 0 ? "ghost" : "leader-1";
                    return (new AssignDispute(leader, [.. Enumerable.Range(0, rng.Next(3)).Select(i => $"mediator-{i}")]), leader == "ghost" || !exists);
                case 3:
                    return (new RecordMediation(at, text), badAt || badText || !exists);
                case 4:
                    return (new ResolveDispute(at, (MediationProcedure)rng.Next(2), (AgreementForm)rng.Next(2)), badAt || !exists);
                case 5:
                    return (new FailDispute(at, (ReferralRoute)rng.Next(4), text), badAt || badText || !exists);
                case 6:
                    return (new FollowUpDispute(at, (FollowUpResult)rng.Next(3)), badAt || !exists);
                default:
                    var days = rng.Next(-1, 35);
                    return (new ExtendDispute(days, text, "调解员"), days is < 1 or > 30 || badText || !exists);
            }
        }

        private int Natural(DisputeState s) => !s.Exists ? 0 : s.Status switch
        {
            DisputeStatus.Registered => rng.Next(10) switch { < 7 => 1, 7 => 5, _ => 2 },
            DisputeStatus.Accepted => rng.Next(10) switch { < 4 => 4, < 6 => 3, 6 => 5, 7 => 7, _ => 2 },
            DisputeStatus.Resolved => 6,
            _ => rng.Next(8),
        };
    }
}
