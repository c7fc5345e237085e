using CaseGrains.Domain.Petitions;
using CaseGrains.Grains.Cases;
using CaseGrains.Server.Cases;

namespace CaseGrains.Server.Petitions;

/// <summary>A petition as <c>api.md</c> shows it, plus the dates of its later steps.</summary>
public sealed partial record PetitionView(
    string Id, string TownshipId, PetitionStatus Status, PetitionChannel Channel, string Category, string Subject, string Summary,
    string? Village, IReadOnlyList<PersonView> Petitioners, int? Headcount, bool Collective, string? RepeatOf,
    DateTimeOffset ReceivedAt, DateTimeOffset? AcceptedAt, string? LeaderId, IReadOnlyList<string> Handlers,
    DateOnly AcceptanceDueOn, DateOnly? HandlingDueOn, int ExtendedDays, DateTimeOffset? ConcludedAt, PetitionOutcome? Outcome,
    SatisfactionRating? Rating, bool Overdue, int DaysOverdue, long Version,
    // Additions beyond api.md.
    string? ExternalOrderId, DateOnly? PlatformDueOn, DateTimeOffset? DeclinedAt, string? DeclineReason, DeclineRoute? DeclineRoute,
    string? ExtensionReason, string? ExtensionApprovedBy, string? Reply, bool? ConcludedOnTime,
    DateOnly? ReviewRequestDueOn, DateTimeOffset? ReviewRequestedAt, DateOnly? ReviewAnswerDueOn, ReviewDecision? ReviewDecision,
    DateOnly? RecheckRequestDueOn, DateTimeOffset? RecheckRequestedAt, DateOnly? RecheckAnswerDueOn, int HearingDays,
    ReviewDecision? RecheckDecision, DateTimeOffset? WithdrawnAt, string? RuleSet,
    DateOnly? DueOn, string? DeadlineKind, int? DaysLeft, bool DueSoon, bool PersonalDataMasked)
{
    internal static PetitionView From(CaseSnapshot<PetitionState> snapshot, CaseViewContext context)
    {
        var s = snapshot.State;
        var deadline = Petition.DeadlineStatus(s, context.Policy, context.Now);
        return new PetitionView(
            s.Id, s.TownshipId, s.Status, s.Channel, s.Category, s.Subject, s.Summary, s.Village,
            CaseHttp.People(s.Petitioners, context.FullPersonalData), s.Headcount, s.Collective, s.RepeatOf,
            context.Local(s.ReceivedAt), context.Local(s.AcceptedAt), s.LeaderId, s.Handlers,
            s.AcceptanceDueOn, s.HandlingDueOn, s.ExtendedDays, context.Local(s.ConcludedAt), s.Outcome, s.Rating,
            deadline?.Overdue ?? false, deadline?.DaysOverdue ?? 0, snapshot.Version,
            s.ExternalOrderId, s.PlatformDueOn, context.Local(s.DeclinedAt), s.DeclineReason, s.DeclineRoute,
            s.ExtensionReason, s.ExtensionApprovedBy, s.Reply, s.ConcludedOnTime,
            s.ReviewRequestDueOn, context.Local(s.ReviewRequestedAt), s.ReviewAnswerDueOn, s.ReviewDecision,
            s.RecheckRequestDueOn, context.Local(s.RecheckRequestedAt), s.RecheckAnswerDueOn, s.HearingDays,
            s.RecheckDecision, context.Local(s.WithdrawnAt), s.RuleSet,
            deadline?.DueOn, deadline is null ? null : Domain.Rollups.CaseSummary.ApiName(deadline.Kind),
            deadline?.DaysLeft, deadline?.DueSoon ?? false, !context.FullPersonalData);
    }
}
