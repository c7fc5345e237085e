using System.Text.Json.Serialization;

namespace CaseGrains.Domain.Deadlines;

/// <summary>预警级别 — how far a running deadline has come.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<AlertLevel>))]
public enum AlertLevel
{
    /// <summary>即将到期 — no more than the configured number of days left.</summary>
    DueSoon,

    /// <summary>已超期 — the last day has passed.</summary>
    Overdue,
}

/// <summary>已记录的预警 — the alert a case recorded for one of its deadlines (the deadline it belongs to, and how far it came).</summary>
public sealed record DeadlineAlert(DeadlineKind Kind, DateOnly DueOn, AlertLevel Level);

/// <summary>
/// 期限预警 — when a running deadline becomes due soon and overdue, and which alert a case should
/// record. An alert is a fact in the case's history, decided by the clock; it never changes a status
/// and never closes anything. It belongs to one deadline: once the deadline moves (an extension, a
/// conclusion, a review), the recorded alert no longer applies and the new deadline starts afresh.
/// </summary>
public static class DeadlineAlerts
{
    /// <summary>The instant a due date becomes due soon: the start of the first day with <see cref="DeadlineSettings.DueSoonDays"/> days left.</summary>
    public static DateTimeOffset DueSoonAt(DeadlinePolicy policy, DateOnly dueOn)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.EndOfDay(dueOn.AddDays(-(policy.Settings.DueSoonDays + 1)));
    }

    /// <summary>The instant a due date becomes overdue: the first instant after its last day.</summary>
    public static DateTimeOffset OverdueAt(DeadlinePolicy policy, DateOnly dueOn)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.EndOfDay(dueOn);
    }

    /// <summary>The instant a level starts for a due date.</summary>
    public static DateTimeOffset StartOf(AlertLevel level, DeadlinePolicy policy, DateOnly dueOn)
        => level == AlertLevel.Overdue ? OverdueAt(policy, dueOn) : DueSoonAt(policy, dueOn);

    /// <summary>The level a due date has reached at <paramref name="now"/>, or null while it is far off.</summary>
    public static AlertLevel? LevelAt(DeadlinePolicy policy, DateOnly dueOn, DateTimeOffset now)
        => now >= OverdueAt(policy, dueOn) ? AlertLevel.Overdue
            : now >= DueSoonAt(policy, dueOn) ? AlertLevel.DueSoon
            : null;

    /// <summary>The recorded alert when it belongs to the deadline running now; otherwise none is in force.</summary>
    public static DeadlineAlert? InForce(DeadlineAlert? recorded, (DeadlineKind Kind, DateOnly DueOn)? running)
        => recorded is { } r && running is { } d && r.Kind == d.Kind && r.DueOn == d.DueOn ? r : null;

    /// <summary>The alert to record at <paramref name="now"/>: the level reached, when it is above the one in force; else null.</summary>
    public static DeadlineAlert? ToRecord(DeadlinePolicy policy, DeadlineAlert? recorded, (DeadlineKind Kind, DateOnly DueOn)? running, DateTimeOffset now)
    {
        if (running is not { } d || LevelAt(policy, d.DueOn, now) is not { } reached)
        {
            return null;
        }
        return InForce(recorded, running) is { } current && current.Level >= reached ? null : new DeadlineAlert(d.Kind, d.DueOn, reached);
    }

    /// <summary>The clock's decision for a case: the event recording the level reached, when it is above the one in force; none otherwise.</summary>
    /// <param name="dueSoon">Makes the case kind's «即将到期» event (kind, due date, instant).</param>
    /// <param name="overdue">Makes its «已超期» event.</param>
    public static Decision<TEvent> Note<TEvent>(DeadlinePolicy policy, DeadlineAlert? recorded, (DeadlineKind Kind, DateOnly DueOn)? running, DateTimeOffset at,
        Func<DeadlineKind, DateOnly, DateTimeOffset, TEvent> dueSoon, Func<DeadlineKind, DateOnly, DateTimeOffset, TEvent> overdue)
    {
        ArgumentNullException.ThrowIfNull(dueSoon);
        ArgumentNullException.ThrowIfNull(overdue);
        return ToRecord(policy, recorded, running, at) is not { } alert
            ? Decision<TEvent>.Ok()
            : Decision<TEvent>.Ok((alert.Level == AlertLevel.Overdue ? overdue : dueSoon)(alert.Kind, alert.DueOn, at));
    }

    /// <summary>The levels still to come for the running deadline, with the instant each starts (for wake-up reminders).</summary>
    public static IReadOnlyList<(AlertLevel Level, DateTimeOffset At)> Pending(DeadlinePolicy policy, DeadlineAlert? recorded, (DeadlineKind Kind, DateOnly DueOn)? running)
    {
        if (running is not { } d)
        {
            return [];
        }
        var reached = InForce(recorded, running)?.Level;
        var pending = new List<(AlertLevel, DateTimeOffset)>();
        if (reached is null)
        {
            pending.Add((AlertLevel.DueSoon, DueSoonAt(policy, d.DueOn)));
        }
        if (reached is not AlertLevel.Overdue)
        {
            pending.Add((AlertLevel.Overdue, OverdueAt(policy, d.DueOn)));
        }
        return pending;
    }
}

/// <summary>
/// 预警事项 — one case's alert in force, as supervisors see it in lists and streams: no personal data,
/// and no day counts (those are worked out when it is shown, in the deployment's time zone).
/// </summary>
/// <param name="TownshipId">乡镇.</param>
/// <param name="CaseId">案件编号.</param>
/// <param name="CaseKind">信访件 or 矛盾纠纷.</param>
/// <param name="Level">即将到期 or 已超期, as recorded.</param>
/// <param name="DeadlineKind">Which clock.</param>
/// <param name="DueOn">Its last day.</param>
/// <param name="LeaderId">包案领导.</param>
/// <param name="Subject">事由.</param>
public sealed record CaseAlert(string TownshipId, string CaseId, CaseKind CaseKind, AlertLevel Level, DeadlineKind DeadlineKind, DateOnly DueOn, string? LeaderId, string Subject)
{
    /// <summary>The alert in force for a case, or null.</summary>
    public static CaseAlert? Of(Rollups.CaseSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return summary is { Alert: { } level, DueOn: { } due, DeadlineKind: { } kind }
            ? new CaseAlert(summary.TownshipId, summary.Id, summary.Kind, level, kind, due, summary.LeaderId, summary.Subject)
            : null;
    }

    /// <summary>The level at <paramref name="now"/>: a due-soon alert whose deadline has since passed reads as overdue.</summary>
    public AlertLevel LevelAt(DeadlinePolicy policy, DateTimeOffset now)
        => DeadlineAlerts.LevelAt(policy, DueOn, now) is AlertLevel.Overdue ? AlertLevel.Overdue : Level;
}
