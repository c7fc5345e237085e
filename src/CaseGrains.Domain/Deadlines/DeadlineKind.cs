using System.Text.Json.Serialization;

namespace CaseGrains.Domain.Deadlines;

/// <summary>期限类别 — which clock a due date belongs to.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<DeadlineKind>))]
public enum DeadlineKind
{
    /// <summary>受理告知 — tell the petitioner whether the matter is accepted.</summary>
    AcceptanceNotice,

    /// <summary>办理期限 — handle and answer (with any approved extension).</summary>
    Handling,

    /// <summary>复查期限 — answer a review request.</summary>
    ReviewAnswer,

    /// <summary>复核期限 — answer a re-check request (hearing days added).</summary>
    RecheckAnswer,

    /// <summary>12345 工单期限 — the date written on a hotline work order by the platform.</summary>
    PlatformOrder,

    /// <summary>调解期限 — settle a dispute (one month by default).</summary>
    DisputeSettlement,
}

/// <summary>
/// 期限状态 — where a running clock stands at a given instant, for views and alerts.
/// </summary>
/// <param name="Kind">Which clock.</param>
/// <param name="DueOn">The last day, a local date.</param>
/// <param name="Overdue">True from the first instant after <paramref name="DueOn"/>.</param>
/// <param name="DaysOverdue">Local days past the due date; 0 when not overdue.</param>
/// <param name="DaysLeft">Local days until the due date (0 on the day itself and when overdue).</param>
/// <param name="DueSoon">Not overdue and no more than the configured number of days left.</param>
public sealed record DeadlineStatus(DeadlineKind Kind, DateOnly DueOn, bool Overdue, int DaysOverdue, int DaysLeft, bool DueSoon);
