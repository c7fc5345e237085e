using CaseGrains.Domain.Disputes;
using CaseGrains.Grains.Cases;
using CaseGrains.Server.Cases;

namespace CaseGrains.Server.Disputes;

/// <summary>A dispute as the API shows it; mirrors the petition view.</summary>
public sealed partial record DisputeView(
    string Id, string TownshipId, DisputeStatus Status, DisputeSource Source, string Category, string Subject, string Summary,
    string? Village, IReadOnlyList<PersonView> Parties, RiskLevel RiskLevel, DateTimeOffset ReportedAt, DateTimeOffset? AcceptedAt,
    string? LeaderId, IReadOnlyList<string> Mediators, int MediationCount, MediationProcedure? PlannedProcedure,
    DateOnly? SettlementDueOn, int ExtendedDays, string? ExtensionReason, string? ExtensionApprovedBy,
    DateTimeOffset? ResolvedAt, MediationProcedure? Procedure, AgreementForm? Agreement,
    DateTimeOffset? FailedAt, ReferralRoute? Referral, string? FailureNote, bool? SettledOnTime,
    DateTimeOffset? FollowedUpAt, FollowUpResult? FollowUp,
    bool Overdue, int DaysOverdue, DateOnly? DueOn, int? DaysLeft, bool DueSoon, long Version, bool PersonalDataMasked)
{
    internal static DisputeView From(CaseSnapshot<DisputeState> snapshot, CaseViewContext context)
    {
        var s = snapshot.State;
        var deadline = Dispute.DeadlineStatus(s, context.Policy, context.Now);
        return new DisputeView(
            s.Id, s.TownshipId, s.Status, s.Source, s.Category, s.Subject, s.Summary, s.Village,
            CaseHttp.People(s.Parties, context.FullPersonalData), s.RiskLevel, context.Local(s.ReportedAt), context.Local(s.AcceptedAt),
            s.LeaderId, s.Mediators, s.MediationCount, s.PlannedProcedure, s.SettlementDueOn, s.ExtendedDays, s.ExtensionReason,
            s.ExtensionApprovedBy, context.Local(s.ResolvedAt), s.Procedure, s.Agreement, context.Local(s.FailedAt), s.Referral,
            s.FailureNote, s.SettledOnTime, context.Local(s.FollowedUpAt), s.FollowUp,
            deadline?.Overdue ?? false, deadline?.DaysOverdue ?? 0, deadline?.DueOn, deadline?.DaysLeft, deadline?.DueSoon ?? false,
            snapshot.Version, !context.FullPersonalData);
    }
}
