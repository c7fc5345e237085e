using System.Text.Json;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;

namespace CaseGrains.Domain.Rollups;

/// <summary>
/// 案件摘要 — one case as rollups, alerts and list rows see it: dates, statuses, flags and due
/// dates, and no personal data at all (no names, ID numbers, phones or addresses). Stored as JSON
/// in the current-state row of the case (use <see cref="DomainJson.Options"/>); it has no
/// collections, so two summaries are equal exactly when their fields are.
/// </summary>
public sealed record CaseSummary
{
    /// <summary>案件编号.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>乡镇.</summary>
    public string TownshipId { get; init; } = string.Empty;

    /// <summary>信访件 or 矛盾纠纷.</summary>
    public CaseKind Kind { get; init; }

    /// <summary>The status as the API spells it (<c>underReview</c>, <c>resolved</c>, ...).</summary>
    public string Status { get; init; } = string.Empty;

    /// <summary>登记年度 — the local year the case was received or reported; a case counts in this year.</summary>
    public int Year { get; init; }

    /// <summary>事由.</summary>
    public string Subject { get; init; } = string.Empty;

    /// <summary>类别.</summary>
    public string Category { get; init; } = string.Empty;

    /// <summary>村/社区 — where the matter is (not a person's address).</summary>
    public string? Village { get; init; }

    /// <summary>包案领导.</summary>
    public string? LeaderId { get; init; }

    /// <summary>收到/反映时间 — received (petition) or reported (dispute).</summary>
    public DateTimeOffset RegisteredAt { get; init; }

    /// <summary>Local date of <see cref="RegisteredAt"/>.</summary>
    public DateOnly RegisteredOn { get; init; }

    /// <summary>受理时间.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    /// <summary>不予受理时间 (petitions).</summary>
    public DateTimeOffset? DeclinedAt { get; init; }

    /// <summary>办结时间 — a petition answered, or a dispute resolved or failed.</summary>
    public DateTimeOffset? ConcludedAt { get; init; }

    /// <summary>撤回时间 (petitions).</summary>
    public DateTimeOffset? WithdrawnAt { get; init; }

    /// <summary>信访渠道 (petitions).</summary>
    public PetitionChannel? Channel { get; init; }

    /// <summary>重复信访.</summary>
    public bool Repeat { get; init; }

    /// <summary>The earlier case a repeat petition is linked to.</summary>
    public string? RepeatOf { get; init; }

    /// <summary>集体访.</summary>
    public bool Collective { get; init; }

    /// <summary>人数 (petitions).</summary>
    public int? Headcount { get; init; }

    /// <summary>12345 工单号.</summary>
    public string? ExternalOrderId { get; init; }

    /// <summary>12345 平台期限.</summary>
    public DateOnly? PlatformDueOn { get; init; }

    /// <summary>处理意见 (petitions).</summary>
    public PetitionOutcome? Outcome { get; init; }

    /// <summary>满意度.</summary>
    public SatisfactionRating? Rating { get; init; }

    /// <summary>评价时间.</summary>
    public DateTimeOffset? EvaluatedAt { get; init; }

    /// <summary>复查申请时间.</summary>
    public DateTimeOffset? ReviewRequestedAt { get; init; }

    /// <summary>复查答复时间.</summary>
    public DateTimeOffset? ReviewConcludedAt { get; init; }

    /// <summary>复核申请时间.</summary>
    public DateTimeOffset? RecheckRequestedAt { get; init; }

    /// <summary>终结时间 (re-check answered).</summary>
    public DateTimeOffset? FinalAt { get; init; }

    /// <summary>纠纷来源 (disputes).</summary>
    public DisputeSource? Source { get; init; }

    /// <summary>风险等级 of the matter (disputes).</summary>
    public RiskLevel? RiskLevel { get; init; }

    /// <summary>化解时间 (disputes).</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>调解不成时间 (disputes).</summary>
    public DateTimeOffset? FailedAt { get; init; }

    /// <summary>告知途径 of a failed mediation.</summary>
    public ReferralRoute? Referral { get; init; }

    /// <summary>回访时间.</summary>
    public DateTimeOffset? FollowedUpAt { get; init; }

    /// <summary>协议履行情况.</summary>
    public FollowUpResult? FollowUp { get; init; }

    /// <summary>调解程序.</summary>
    public MediationProcedure? Procedure { get; init; }

    /// <summary>协议形式.</summary>
    public AgreementForm? Agreement { get; init; }

    /// <summary>受理告知期限 (petitions).</summary>
    public DateOnly? AcceptanceDueOn { get; init; }

    /// <summary>办理/调解期限 with any extension (for 12345: the platform's date).</summary>
    public DateOnly? HandlingDueOn { get; init; }

    /// <summary>办理/调解期限 before the extension.</summary>
    public DateOnly? BaseHandlingDueOn { get; init; }

    /// <summary>延期天数.</summary>
    public int ExtendedDays { get; init; }

    /// <summary>When the extension was recorded.</summary>
    public DateTimeOffset? ExtendedAt { get; init; }

    /// <summary>按期办结/化解 — null while not concluded.</summary>
    public bool? ConcludedOnTime { get; init; }

    /// <summary>The due date of the clock running now, if any.</summary>
    public DateOnly? DueOn { get; init; }

    /// <summary>Which clock <see cref="DueOn"/> belongs to.</summary>
    public DeadlineKind? DeadlineKind { get; init; }

    /// <summary>预警 — the alert the case recorded for the running deadline (due soon, overdue), or null.</summary>
    public AlertLevel? Alert { get; init; }

    /// <summary>The camelCase spelling of an enum value as the API writes it (<c>underReview</c>, <c>hotline12345</c>), e.g. for a status column.</summary>
    public static string ApiName<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>Where the current clock stands at <paramref name="now"/>, or null when none runs; for alerts.</summary>
    public DeadlineStatus? DeadlineStatusAt(DeadlinePolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return DueOn is { } due && DeadlineKind is { } kind ? policy.StatusOf(kind, due, now) : null;
    }
}
