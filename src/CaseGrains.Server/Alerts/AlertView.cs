using CaseGrains.Domain;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Rollups;

namespace CaseGrains.Server.Alerts;

/// <summary>
/// 预警 — one overdue or due-soon case, as supervisors see it: days worked out now, in the deployment's
/// time zone. No personal data.
/// </summary>
/// <param name="TownshipId">乡镇.</param>
/// <param name="CaseId">案件编号.</param>
/// <param name="CaseKind"><c>petition</c> or <c>dispute</c>.</param>
/// <param name="Alert"><c>overdue</c> or <c>dueSoon</c>.</param>
/// <param name="DeadlineKind">Which clock (<c>acceptanceNotice</c>, <c>handling</c>, ...).</param>
/// <param name="DueOn">Its last day.</param>
/// <param name="DaysOverdue">Days past it (0 when not overdue).</param>
/// <param name="DaysLeft">Days until it (0 when overdue).</param>
/// <param name="LeaderId">包案领导.</param>
/// <param name="Subject">事由.</param>
public sealed record AlertView(
    string TownshipId, string CaseId, string CaseKind, string Alert, string DeadlineKind, DateOnly DueOn,
    int DaysOverdue, int DaysLeft, string? LeaderId, string Subject)
{
    internal static AlertView From(CaseAlert alert, DeadlinePolicy policy, DateTimeOffset now)
    {
        var status = policy.StatusOf(alert.DeadlineKind, alert.DueOn, now);
        return new AlertView(
            alert.TownshipId, alert.CaseId, alert.CaseKind == Domain.CaseKind.Petition ? "petition" : "dispute",
            CaseSummary.ApiName(alert.LevelAt(policy, now)), CaseSummary.ApiName(alert.DeadlineKind), alert.DueOn,
            status.DaysOverdue, status.DaysLeft, alert.LeaderId, alert.Subject);
    }
}
