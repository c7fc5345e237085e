using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Rollups;
using CaseGrains.Domain.Townships;
using static CaseGrains.Domain.Tests.Kit;

namespace CaseGrains.Domain.Tests;

/// <summary>Events, summaries and rollups are stored and served as JSON: they must round-trip exactly.</summary>
public sealed class JsonTests
{
    private static readonly JsonSerializerOptions Options = DomainJson.Options;

    /// <summary>A petition history that produces every petition event type at least once.</summary>
    internal static List<PetitionEvent> EveryPetitionEvent()
    {
        var events = new List<PetitionEvent>();
        var c = new PetitionCase().Do(RegisterHotline(At(2024, 1, 2), D(2024, 1, 9)))
            .Do(new AssignPetition("leader-1", ["officer-1"]))
            .Do(new ChangePlatformDeadline(D(2024, 1, 12), "平台批准"))
            .Do(new AcceptPetition(At(2024, 1, 3)))
            .Do(new RecordPetitionProgress(At(2024, 1, 4), "走访核实"))
            .Do(new ConcludePetition(At(2024, 1, 10), PetitionOutcome.PartiallySupported, "部分支持"))
            .Do(new EvaluatePetition(SatisfactionRating.Dissatisfied))
            .Do(new RequestReview(At(2024, 1, 20)))
            .Do(new ConcludeReview(At(2024, 2, 10), ReviewDecision.Changed))
            .Do(new RequestRecheck(At(2024, 2, 20)))
            .Do(new StartRecheckHearing(At(2024, 2, 25)))
            .Do(new EndRecheckHearing(At(2024, 2, 26)))
            .Do(new LinkRepeat("2023-XF-0001"))
            .Do(new ConcludeRecheck(At(2024, 3, 10), ReviewDecision.Upheld));
        events.AddRange(c.Events);
        events.AddRange(PetitionCase.Registered(At(2024, 1, 2)).Do(new DeclinePetition(At(2024, 1, 3), "诉讼", DeclineRoute.Litigation)).Events.Skip(1));
        events.AddRange(PetitionCase.Accepted(At(2024, 1, 2), At(2024, 1, 2)).Do(new ExtendPetition(10, "复杂", "镇长")).Do(new WithdrawPetition(At(2024, 1, 5), "撤回")).Events.Skip(2));
        var late = PetitionCase.Accepted(At(2024, 1, 2), At(2024, 1, 2));
        late.Do(new NotePetitionDeadline(At(2024, 2, 29)), At(2024, 2, 29)).Do(new NotePetitionDeadline(At(2024, 3, 5)), At(2024, 3, 5));
        events.AddRange(late.Events.Skip(2));
        return events;
    }

    internal static List<DisputeEvent> EveryDisputeEvent()
    {
        var events = new List<DisputeEvent>();
        var c = DisputeCase.Accepted(At(2024, 3, 1), procedure: MediationProcedure.General)
            .Do(new AssignDispute("leader-1", ["mediator-1"]))
            .Do(new RecordMediation(At(2024, 3, 2), "第一次调解"))
            .Do(new ExtendDispute(10, "双方同意", "调解员"))
            .Do(new ResolveDispute(At(2024, 3, 20), MediationProcedure.General, AgreementForm.Written))
            .Do(new FollowUpDispute(At(2024, 4, 20), FollowUpResult.Fulfilled));
        events.AddRange(c.Events);
        events.AddRange(DisputeCase.Registered(At(2024, 3, 1)).Do(new FailDispute(At(2024, 3, 2), ReferralRoute.Administrative, "一方拒绝")).Events.Skip(1));
        var late = DisputeCase.Accepted(At(2024, 3, 1));
        late.Do(new NoteDisputeDeadline(At(2024, 3, 29)), At(2024, 3, 29)).Do(new NoteDisputeDeadline(At(2024, 4, 5)), At(2024, 4, 5));
        events.AddRange(late.Events.Skip(2));
        return events;
    }

    [Fact]
    public void EveryPetitionEventType_RoundTripsThroughTheBase()
    {
        var events = EveryPetitionEvent();
        AssertEveryDerivedTypeCovered<PetitionEvent>(events);
        foreach (var e in events)
        {
            AssertRoundTrip(e);
        }
    }

    [Fact]
    public void EveryDisputeEventType_RoundTripsThroughTheBase()
    {
        var events = EveryDisputeEvent();
        AssertEveryDerivedTypeCovered<DisputeEvent>(events);
        foreach (var e in events)
        {
            AssertRoundTrip(e);
        }
    }

    [Fact]
    public void EveryTownshipEventType_RoundTripsThroughTheBase()
    {
        TownshipEvent[] events = [new TownshipProfileSet("田家寨镇", "c1"), new LeaderUpserted("l1", "王某", "镇长", true)];
        AssertEveryDerivedTypeCovered<TownshipEvent>(events);
        foreach (var e in events)
        {
            AssertRoundTrip(e);
        }
    }

    [Fact]
    public void Events_UseCamelCaseNamesAndEnumStrings()
    {
        var json = JsonSerializer.Serialize<PetitionEvent>(EveryPetitionEvent()[0], Options);
        Assert.StartsWith("{\"$type\":\"petitionRegistered\"", json, StringComparison.Ordinal);
        Assert.Contains("\"channel\":\"hotline12345\"", json, StringComparison.Ordinal);
        Assert.Contains("\"platformDueOn\":\"2024-01-09\"", json, StringComparison.Ordinal);
        Assert.Contains("\"receivedAt\":\"2024-01-02T09:00:00+08:00\"", json, StringComparison.Ordinal);

        // The enum converters sit on the types, so even default options write names, not numbers.
        Assert.Equal("\"assignedByHigherLevel\"", JsonSerializer.Serialize(PetitionChannel.AssignedByHigherLevel));
        Assert.Equal("\"underReview\"", JsonSerializer.Serialize(PetitionStatus.UnderReview));
        Assert.Equal("\"administrativeReconsideration\"", JsonSerializer.Serialize(DeclineRoute.AdministrativeReconsideration));
        Assert.Equal("\"disputeSettlement\"", JsonSerializer.Serialize(DeadlineKind.DisputeSettlement));
    }

    [Fact]
    public void Folding_DeserializedEvents_GivesTheSameSummary()
    {
        var events = EveryPetitionEvent().Take(14).ToList();
        var json = JsonSerializer.Serialize(events, Options);
        var back = JsonSerializer.Deserialize<List<PetitionEvent>>(json, Options)!;
        Assert.Equal(Petition.Summarize(Petition.Fold(events)), Petition.Summarize(Petition.Fold(back)));
    }

    [Fact]
    public void CaseSummary_RoundTrips()
    {
        var petition = Petition.Summarize(Petition.Fold(EveryPetitionEvent().Take(14)));
        var dispute = Dispute.Summarize(Dispute.Fold(EveryDisputeEvent().Take(7)));
        foreach (var s in new[] { petition, dispute })
        {
            var json = JsonSerializer.Serialize(s, Options);
            Assert.Equal(s, JsonSerializer.Deserialize<CaseSummary>(json, Options));
        }

        Assert.Equal("final", petition.Status);
        Assert.Equal("closed", dispute.Status);
    }

    private static void AssertRoundTrip<TBase>(TBase e)
        where TBase : class
    {
        var json = JsonSerializer.Serialize(e, Options);
        var expectedName = typeof(TBase).GetCustomAttributes<JsonDerivedTypeAttribute>().Single(a => a.DerivedType == e.GetType()).TypeDiscriminator;
        Assert.StartsWith($"{{\"$type\":\"{expectedName}\"", json, StringComparison.Ordinal);
        var back = JsonSerializer.Deserialize<TBase>(json, Options);
        Assert.NotNull(back);
        Assert.Equal(e.GetType(), back.GetType());
        Assert.Equal(json, JsonSerializer.Serialize(back, Options));
        if (!e.GetType().GetProperties().Any(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)))
        {
            Assert.Equal(e, back); // lists compare by reference; everything else must be equal as a value
        }
    }

    private static void AssertEveryDerivedTypeCovered<TBase>(IEnumerable<TBase> events)
    {
        var declared = typeof(TBase).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => a.DerivedType).ToHashSet();
        var concrete = typeof(TBase).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(TBase)) && !t.IsAbstract).ToHashSet();
        Assert.Equal(concrete, declared); // no event type forgotten in the attributes
        Assert.Equal(declared, events.Select(e => e!.GetType()).ToHashSet());
        var names = typeof(TBase).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => (string)a.TypeDiscriminator!).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.True(char.IsLower(n[0]), n));
    }
}
