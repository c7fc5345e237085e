using CaseGrains.Grains.Townships;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Grains.Cases;
using CaseGrains.Storage;
using CaseGrains.Testing;

namespace CaseGrains.Grains.Tests;

/// <summary>
/// Deadline reminders: armed in storage with the events at the end of the running deadline's local day,
/// moved and disarmed as the case moves, and their firing never changes a case (nothing closes on a deadline).
/// </summary>
public abstract class DeadlineReminderTests(StoreKind kind) : GrainTestBase(kind)
{
    [Fact]
    public async Task The_overdue_reminder_follows_the_running_deadline_and_is_gone_once_concluded()
    {
        var host = await NewHostAsync("a");
        var township = await SetUpTownshipAsync(host);
        var now = Time.GetUtcNow();
        var registered = Ok(await township.RegisterPetition(NewPetition(now.AddHours(-1))));
        var caseId = registered.State.Id;

        // 受理告知: 15 days from the local date of receipt, overdue from the first instant of the day after.
        Assert.Equal(new DateOnly(2024, 3, 20), registered.State.AcceptanceDueOn);
        Assert.Equal(Policy.EndOfDay(new DateOnly(2024, 3, 20)), await ReminderAsync(GrainTypes.Petition, caseId, CaseGrain<PetitionState, PetitionEvent, RegisterPetition, PetitionCommand>.OverdueReminder));
        Assert.Equal(new DateTimeOffset(2024, 3, 21, 0, 0, 0, TimeSpan.FromHours(8)), Policy.EndOfDay(new DateOnly(2024, 3, 20)));
        Assert.Equal(Policy.EndOfDay(new DateOnly(2024, 3, 20)), (await Store.GetIndexRowAsync(PetitionStream(caseId)))!.Entry.DueAt);

        // Accepted: the handling clock (60 days) replaces it.
        var accepted = Ok(await Petition(host, caseId).Execute(new AcceptPetition(now), null)).State;
        Assert.Equal(new DateOnly(2024, 5, 4), accepted.HandlingDueOn);
        Assert.Equal(Policy.EndOfDay(new DateOnly(2024, 5, 4)), await ReminderAsync(GrainTypes.Petition, caseId, OverdueReminder));
        Assert.Equal(Policy.EndOfDay(new DateOnly(2024, 4, 30)), await ReminderAsync(GrainTypes.Petition, caseId, DueSoonReminder));

        // Concluded: no officer clock runs, so nothing is left to fire.
        Ok(await Petition(host, caseId).Execute(new ConcludePetition(now.AddMinutes(5), PetitionOutcome.Explained, "已解释"), null));
        Assert.Null(await ReminderAsync(GrainTypes.Petition, caseId, OverdueReminder));
        Assert.Null(await ReminderAsync(GrainTypes.Petition, caseId, DueSoonReminder));
        Assert.Null((await Store.GetIndexRowAsync(PetitionStream(caseId)))!.Entry.DueAt);

        // A dispute's clock starts on acceptance (30 days by default) and stops on settlement.
        var disputeId = Ok(await township.RegisterDispute(NewDispute(now))).State.Id;
        Assert.Null(await ReminderAsync(GrainTypes.Dispute, disputeId, OverdueReminder));
        var mediated = Ok(await Dispute(host, disputeId).Execute(new AcceptDispute(now.AddMinutes(1)), null)).State;
        Assert.Equal(new DateOnly(2024, 4, 4), mediated.SettlementDueOn);
        Assert.Equal(Policy.EndOfDay(new DateOnly(2024, 4, 4)), await ReminderAsync(GrainTypes.Dispute, disputeId, OverdueReminder));
        Ok(await Dispute(host, disputeId).Execute(new ResolveDispute(now.AddMinutes(2), MediationProcedure.Simple, AgreementForm.Oral), null));
        Assert.Null(await ReminderAsync(GrainTypes.Dispute, disputeId, OverdueReminder));
        Assert.Null(await ReminderAsync(GrainTypes.Dispute, disputeId, DueSoonReminder));
    }

    [Fact]
    public async Task A_passed_deadline_is_recorded_once_as_an_event_and_never_changes_or_closes_the_case()
    {
        var host = await NewHostAsync("a");
        var township = await SetUpTownshipAsync(host);
        var now = Time.GetUtcNow();
        var waiting = Ok(await township.RegisterPetition(NewPetition(now.AddHours(-1)))).State.Id;
        var handling = Ok(await township.RegisterPetition(NewPetition(now.AddHours(-1)))).State.Id;
        Ok(await Petition(host, handling).Execute(new AcceptPetition(now), null));
        var disputeId = Ok(await township.RegisterDispute(NewDispute(now))).State.Id;
        Ok(await Dispute(host, disputeId).Execute(new AcceptDispute(now), null));
        var before = new[]
        {
            (Stream: PetitionStream(waiting), Case: (await Petition(host, waiting).Get())!.State as object),
            (Stream: PetitionStream(handling), Case: (await Petition(host, handling).Get())!.State),
            (Stream: DisputeStream(disputeId), Case: (await Dispute(host, disputeId).Get())!.State),
        };
        Assert.Equal(0, await host.SweepAsync());
        Assert.Empty(await township.Alerts());

        // Every clock has run out: the acceptance notice, the handling limit, the settlement limit. The sweep wakes each
        // case once; each records «已超期» (straight to overdue: the due-soon window passed unseen too).
        Time.Set(Policy.EndOfDay(new DateOnly(2024, 5, 4)).AddHours(1));
        Assert.Equal(3, await host.SweepAsync());
        Assert.Equal(0, await host.SweepAsync());
        // Recorded deadlines are disarmed in Orleans' reminder table, not only in the activation's memory.
        foreach (var (type, id) in new[] { (GrainTypes.Petition, waiting), (GrainTypes.Petition, handling), (GrainTypes.Dispute, disputeId) })
        {
            Assert.Null(await ReminderAsync(type, id, OverdueReminder));
            Assert.Null(await ReminderAsync(type, id, DueSoonReminder));
        }

        // Each case has one more event, «已超期» by the system, and nothing else about it changed.
        var after = new object[]
        {
            (await Petition(host, waiting).Get())!.State, (await Petition(host, handling).Get())!.State, (await Dispute(host, disputeId).Get())!.State,
        };
        Assert.Equal(Json(((PetitionState)before[0].Case) with { Alert = ((PetitionState)after[0]).Alert }), Json(after[0]));
        Assert.Equal(Json(((PetitionState)before[1].Case) with { Alert = ((PetitionState)after[1]).Alert }), Json(after[1]));
        Assert.Equal(Json(((DisputeState)before[2].Case) with { Alert = ((DisputeState)after[2]).Alert }), Json(after[2]));
        foreach (var (stream, count) in new[] { (before[0].Stream, 2), (before[1].Stream, 3), (before[2].Stream, 3) })
        {
            var stored = await Store.ReadStreamAsync(stream, 0);
            Assert.Equal(count, stored.Count);
            Assert.Equal("becameOverdue", stored[^1].EventType);
            Assert.Equal("system", stored[^1].Actor);
        }

        // Still open and now overdue, as the township sees it, in its alert index too; a person concludes it, late.
        var live = (await township.Cases()).ToDictionary(c => c.Id);
        Assert.Equal("registered", live[waiting].Status);
        Assert.Equal("accepted", live[handling].Status);
        Assert.Equal("accepted", live[disputeId].Status);
        Assert.All(live.Values, c => Assert.True(c.DeadlineStatusAt(Policy, Time.GetUtcNow())!.Overdue));
        Assert.Equal(new[] { disputeId, handling, waiting }.Order(StringComparer.Ordinal), (await township.Alerts()).Select(a => a.CaseId).Order(StringComparer.Ordinal));
        Assert.All(await township.Alerts(), a => Assert.Equal(AlertLevel.Overdue, a.Level));
        var concluded = Ok(await Petition(host, handling).Execute(new ConcludePetition(Time.GetUtcNow(), PetitionOutcome.Supported, "已解决"), null));
        Assert.False(concluded.State.ConcludedOnTime);
        Assert.DoesNotContain(await township.Alerts(), a => a.CaseId == handling);
    }

    [Fact]
    public async Task A_deadline_coming_due_records_due_soon_then_overdue_and_an_extension_clears_and_rearms()
    {
        var host = await NewHostAsync("a");
        var township = await SetUpTownshipAsync(host);
        var now = Time.GetUtcNow();
        var caseId = Ok(await township.RegisterPetition(NewPetition(now.AddHours(-1)))).State.Id;
        var petition = Petition(host, caseId);
        Ok(await petition.Execute(new AcceptPetition(now), null));
        Assert.Equal(DeadlineAlerts.DueSoonAt(Policy, new DateOnly(2024, 5, 4)), await ReminderAsync(GrainTypes.Petition, caseId, DueSoonReminder));

        // Three days left: «即将到期», once; the overdue reminder stays armed.
        Time.Set(DeadlineAlerts.DueSoonAt(Policy, new DateOnly(2024, 5, 4)).AddMinutes(1));
        Assert.Equal(1, await host.SweepAsync());
        Assert.Equal(0, await host.SweepAsync());
        Assert.Equal(AlertLevel.DueSoon, Assert.Single(await township.Alerts()).Level);
        Assert.Null(await ReminderAsync(GrainTypes.Petition, caseId, DueSoonReminder));
        Assert.Equal(Policy.EndOfDay(new DateOnly(2024, 5, 4)), await ReminderAsync(GrainTypes.Petition, caseId, OverdueReminder));

        // An extension moves the deadline: the alert clears at once and both reminders are armed for the new date.
        var extended = Ok(await petition.Execute(new ExtendPetition(10, "需协调", "镇长"), null));
        Assert.Equal(new DateOnly(2024, 5, 14), extended.State.HandlingDueOn);
        Assert.Empty(await township.Alerts());
        Assert.Equal(DeadlineAlerts.DueSoonAt(Policy, new DateOnly(2024, 5, 14)), await ReminderAsync(GrainTypes.Petition, caseId, DueSoonReminder));
        Assert.Equal(Policy.EndOfDay(new DateOnly(2024, 5, 14)), await ReminderAsync(GrainTypes.Petition, caseId, OverdueReminder));

        // The new date passes: «已超期», recorded once.
        Time.Set(Policy.EndOfDay(new DateOnly(2024, 5, 14)).AddSeconds(5));
        Assert.Equal(1, await host.SweepAsync());
        Assert.Equal(AlertLevel.Overdue, Assert.Single(await township.Alerts()).Level);
        var types = (await Store.ReadStreamAsync(PetitionStream(caseId), 0)).Select(e => e.EventType).ToList();
        Assert.Equal(["petitionRegistered", "petitionAccepted", "becameDueSoon", "petitionExtended", "becameOverdue"], types);
        Assert.Null(await ReminderAsync(GrainTypes.Petition, caseId, OverdueReminder));
    }

    [Fact]
    public async Task The_sweep_counts_a_deadline_that_the_case_recorded_as_the_sweep_woke_it()
    {
        var host = await NewHostAsync("a");
        var township = await SetUpTownshipAsync(host);
        var now = Time.GetUtcNow();
        var caseId = Ok(await township.RegisterPetition(NewPetition(now.AddHours(-1)))).State.Id;
        Ok(await Petition(host, caseId).Execute(new AcceptPetition(now), null));
        // The case sleeps; its deadline passes. Waking it records «已超期» in its activation, which the sweep must count.
        Assert.True(await host.CollectIdleActivationsAsync(TimeSpan.Zero) > 0);
        Time.Set(Policy.EndOfDay(new DateOnly(2024, 5, 4)).AddHours(1));
        Assert.Equal(1, await host.SweepAsync());
        Assert.Equal(0, await host.SweepAsync());
        Assert.Equal(AlertLevel.Overdue, Assert.Single(await township.Alerts()).Level);
    }

    [Fact]
    public async Task A_case_registered_after_its_deadline_is_overdue_at_once_and_in_the_alert_index()
    {
        var host = await NewHostAsync("a");
        var township = await SetUpTownshipAsync(host);
        var late = Ok(await township.RegisterPetition(NewPetition(Time.GetUtcNow().AddDays(-20))));
        Assert.Equal(2, late.Version);
        Assert.Equal(AlertLevel.Overdue, late.State.Alert?.Level);
        var alert = Assert.Single(await township.Alerts());
        Assert.Equal((late.State.Id, DeadlineKind.AcceptanceNotice), (alert.CaseId, alert.DeadlineKind));
        // The alert index comes back from the current-state rows on a fresh activation.
        var fresh = (await NewHostAsync("b")).GetGrain<ITownshipGrain>(TownshipId);
        Assert.Equal(alert, Assert.Single(await fresh.Alerts()));
    }

    [Fact]
    public async Task A_reminder_armed_behind_an_active_grains_back_is_handled_and_disarmed_when_it_fires()
    {
        var host = await NewHostAsync("a");
        var township = await SetUpTownshipAsync(host);
        // Received 20 days ago: the acceptance notice was due five days ago, recorded at registration, so nothing is armed.
        var caseId = Ok(await township.RegisterPetition(NewPetition(Time.GetUtcNow().AddDays(-20)))).State.Id;
        Assert.Null(await ReminderAsync(GrainTypes.Petition, caseId, OverdueReminder));
        var petition = Petition(host, caseId);
        Assert.NotNull(await petition.Get());

        // Another activation (a silo that has since died) had armed it; this one, already active, never saw that.
        var grainId = GrainId.Create(GrainTypes.Petition, GrainTypes.CaseKey(TownshipId, caseId));
        var due = Policy.EndOfDay(Policy.LocalDate(Time.GetUtcNow().AddDays(-5)));
        await ReminderTable.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = OverdueReminder, StartAt = due.UtcDateTime, Period = TimeSpan.FromMinutes(1) });

        // Orleans fires it: the overdue alert was recorded at registration, so nothing more is written, and the stray
        // reminder is disarmed in the table; the case itself is unchanged.
        await petition.ReceiveReminder(OverdueReminder, new TickStatus(due.UtcDateTime, TimeSpan.FromMinutes(1), Time.GetUtcNow().UtcDateTime));
        Assert.Null(await ReminderAsync(GrainTypes.Petition, caseId, OverdueReminder));
        Assert.Equal(["petitionRegistered", "becameOverdue"], (await Store.ReadStreamAsync(PetitionStream(caseId), 0)).Select(e => e.EventType));

        // The sweep, too, reads the table rather than the activation's memory.
        await ReminderTable.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = OverdueReminder, StartAt = due.UtcDateTime, Period = TimeSpan.FromMinutes(1) });
        Assert.Equal(0, await host.SweepAsync());
        Assert.Null(await ReminderAsync(GrainTypes.Petition, caseId, OverdueReminder));
        Assert.Equal(2, (await Store.ReadStreamAsync(PetitionStream(caseId), 0)).Count);
    }

    private const string OverdueReminder = CaseGrain<PetitionState, PetitionEvent, RegisterPetition, PetitionCommand>.OverdueReminder;

    private const string DueSoonReminder = CaseGrain<PetitionState, PetitionEvent, RegisterPetition, PetitionCommand>.DueSoonReminder;

    /// <summary>When Orleans' reminder table says the reminder fires, read through the provider itself.</summary>
    private async Task<DateTimeOffset?> ReminderAsync(string grainType, string caseId, string name) =>
        await ReminderTable.ReadRow(GrainId.Create(grainType, GrainTypes.CaseKey(TownshipId, caseId)), name) is { } entry
            ? new DateTimeOffset(DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc))
            : null;
}

public sealed class SqliteDeadlineReminderTests() : DeadlineReminderTests(StoreKind.Sqlite);

public sealed class PostgresDeadlineReminderTests() : DeadlineReminderTests(StoreKind.PostgreSql);
