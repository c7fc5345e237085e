using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using static CaseGrains.Domain.Tests.Kit;

namespace CaseGrains.Domain.Tests;

/// <summary>
/// 期限预警: «即将到期» and «已超期» are facts the clock records once per deadline; they never change a status
/// and never close a case; a deadline that moves (extension, conclusion, review) takes its alert with it.
/// </summary>
public sealed class DeadlineAlertTests
{
    [Fact]
    public void A_running_deadline_records_due_soon_then_overdue_once_each_and_nothing_else_changes()
    {
        // Accepted 2024-03-06: handling is due 2024-05-05 (60 days), due soon from 2024-05-02 (3 days left).
        var c = PetitionCase.Accepted(At(2024, 3, 5), At(2024, 3, 6));
        Assert.Equal(D(2024, 5, 5), c.State.HandlingDueOn);
        Assert.Equal(new DateTimeOffset(2024, 5, 2, 0, 0, 0, Cst), DeadlineAlerts.DueSoonAt(Policy, D(2024, 5, 5)));
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 0, 0, 0, Cst), DeadlineAlerts.OverdueAt(Policy, D(2024, 5, 5)));

        Assert.Empty(c.Try(new NotePetitionDeadline(At(2024, 5, 1, 23, 59)), At(2024, 5, 1, 23, 59)).Events);
        var before = c.State;
        c.Do(new NotePetitionDeadline(new DateTimeOffset(2024, 5, 2, 0, 0, 0, Cst)), new DateTimeOffset(2024, 5, 2, 0, 0, 0, Cst));
        var dueSoon = Assert.IsType<PetitionBecameDueSoon>(c.Events[^1]);
        Assert.Equal((DeadlineKind.Handling, D(2024, 5, 5)), (dueSoon.Kind, dueSoon.DueOn));
        Assert.Equal(AlertLevel.DueSoon, Petition.Summarize(c.State).Alert);
        Assert.Equal(before.Status, c.State.Status);
        Assert.Equal(before with { Alert = c.State.Alert }, c.State);
        Assert.Empty(c.Try(new NotePetitionDeadline(At(2024, 5, 5, 23, 0)), At(2024, 5, 5, 23, 0)).Events);

        c.Do(new NotePetitionDeadline(new DateTimeOffset(2024, 5, 6, 0, 0, 0, Cst)), new DateTimeOffset(2024, 5, 6, 0, 0, 0, Cst));
        Assert.IsType<PetitionBecameOverdue>(c.Events[^1]);
        Assert.Equal(AlertLevel.Overdue, Petition.Summarize(c.State).Alert);
        Assert.Equal(PetitionStatus.Accepted, c.State.Status);
        Assert.Empty(c.Try(new NotePetitionDeadline(At(2024, 9, 1)), At(2024, 9, 1)).Events);
    }

    [Fact]
    public void A_case_entered_after_its_deadline_is_overdue_at_once_without_a_due_soon_first()
    {
        var c = PetitionCase.Registered(At(2024, 3, 5));
        c.Do(new NotePetitionDeadline(At(2024, 6, 1)), At(2024, 6, 1));
        var overdue = Assert.IsType<PetitionBecameOverdue>(Assert.Single(c.Events.Skip(1)));
        Assert.Equal((DeadlineKind.AcceptanceNotice, D(2024, 3, 20)), (overdue.Kind, overdue.DueOn));
        Assert.Equal(PetitionStatus.Registered, c.State.Status);
    }

    [Fact]
    public void An_extension_moves_the_deadline_and_its_alert_no_longer_applies_until_the_new_date_comes()
    {
        var c = PetitionCase.Accepted(At(2024, 3, 5), At(2024, 3, 6));
        c.Do(new NotePetitionDeadline(At(2024, 5, 3)), At(2024, 5, 3));
        Assert.Equal(AlertLevel.DueSoon, Petition.Summarize(c.State).Alert);

        c.Do(new ExtendPetition(20, "需协调多个部门", "镇长"), At(2024, 5, 3, 10, 0));
        Assert.Equal(D(2024, 5, 25), c.State.HandlingDueOn);
        Assert.Null(Petition.Summarize(c.State).Alert);
        Assert.Empty(c.Try(new NotePetitionDeadline(At(2024, 5, 10)), At(2024, 5, 10)).Events);
        c.Do(new NotePetitionDeadline(At(2024, 5, 26)), At(2024, 5, 26));
        Assert.Equal(new PetitionBecameOverdue(DeadlineKind.Handling, D(2024, 5, 25), At(2024, 5, 26)), c.Events[^1]);
    }

    [Fact]
    public void A_conclusion_clears_the_alert_and_a_concluded_case_records_nothing()
    {
        var c = PetitionCase.Accepted(At(2024, 3, 5), At(2024, 3, 6));
        c.Do(new NotePetitionDeadline(At(2024, 5, 7)), At(2024, 5, 7));
        Assert.Equal(AlertLevel.Overdue, Petition.Summarize(c.State).Alert);
        c.Do(new ConcludePetition(At(2024, 5, 8), PetitionOutcome.Supported, "已答复"));
        Assert.Null(Petition.Summarize(c.State).Alert);
        Assert.False(c.State.ConcludedOnTime);
        Assert.Empty(c.Try(new NotePetitionDeadline(At(2024, 9, 1)), At(2024, 9, 1)).Events);
    }

    [Fact]
    public void A_dispute_records_its_settlement_deadline_and_a_resolution_clears_it()
    {
        var d = DisputeCase.Accepted(At(2024, 3, 1));
        Assert.Empty(d.Try(new NoteDisputeDeadline(At(2024, 3, 2)), At(2024, 3, 2)).Events);
        d.Do(new NoteDisputeDeadline(At(2024, 4, 5)), At(2024, 4, 5));
        Assert.Equal(AlertLevel.Overdue, Dispute.Summarize(d.State).Alert);
        Assert.Equal(DisputeStatus.Accepted, d.State.Status);
        d.Do(new ResolveDispute(At(2024, 4, 6), MediationProcedure.Simple, AgreementForm.Oral));
        Assert.Null(Dispute.Summarize(d.State).Alert);
        Assert.Null(CaseAlert.Of(Dispute.Summarize(d.State)));
    }

    [Fact]
    public void A_due_soon_alert_reads_as_overdue_once_its_day_has_passed_before_the_clock_records_it()
    {
        var alert = new CaseAlert("t-1", "2024-XF-0001", CaseKind.Petition, AlertLevel.DueSoon, DeadlineKind.Handling, D(2024, 5, 5), null, "道路破损");
        Assert.Equal(AlertLevel.DueSoon, alert.LevelAt(Policy, At(2024, 5, 5, 23, 0)));
        Assert.Equal(AlertLevel.Overdue, alert.LevelAt(Policy, new DateTimeOffset(2024, 5, 6, 0, 0, 0, Cst)));
    }
}
