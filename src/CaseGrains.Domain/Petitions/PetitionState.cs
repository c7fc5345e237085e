using CaseGrains.Domain.Deadlines;

namespace CaseGrains.Domain.Petitions;

/// <summary>
/// 信访件状态 — a petition as its events leave it: every field of the API's petition view
/// (except the time-dependent <c>overdue</c>/<c>daysOverdue</c>, which come from
/// <see cref="Petition.CurrentDeadline"/> and the policy) plus what the rules need.
/// Petitioners are personal data: mask them before showing them to anyone who may not see them.
/// </summary>
public sealed record PetitionState
{
    /// <summary>The state before registration.</summary>
    public static PetitionState Empty { get; } = new();

    /// <summary>False until registered.</summary>
    public bool Exists { get; init; }

    /// <summary>案件编号.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>乡镇.</summary>
    public string TownshipId { get; init; } = string.Empty;

    /// <summary>办理状态.</summary>
    public PetitionStatus Status { get; init; }

    /// <summary>信访渠道.</summary>
    public PetitionChannel Channel { get; init; }

    /// <summary>问题类别.</summary>
    public string Category { get; init; } = string.Empty;

    /// <summary>事由.</summary>
    public string Subject { get; init; } = string.Empty;

    /// <summary>主要诉求.</summary>
    public string Summary { get; init; } = string.Empty;

    /// <summary>村/社区.</summary>
    public string? Village { get; init; }

    /// <summary>信访人 — personal data.</summary>
    public IReadOnlyList<Person> Petitioners { get; init; } = [];

    /// <summary>人数 as given (null: the number of petitioners named).</summary>
    public int? Headcount { get; init; }

    /// <summary>集体访.</summary>
    public bool Collective { get; init; }

    /// <summary>重复信访 — the earlier case this one repeats.</summary>
    public string? RepeatOf { get; init; }

    /// <summary>收到时间.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Local date of <see cref="ReceivedAt"/>; its year is the registration year.</summary>
    public DateOnly RegisteredOn { get; init; }

    /// <summary>Name of the rule set the case is handled under.</summary>
    public string RuleSet { get; init; } = string.Empty;

    /// <summary>12345 工单号.</summary>
    public string? ExternalOrderId { get; init; }

    /// <summary>12345 平台期限.</summary>
    public DateOnly? PlatformDueOn { get; init; }

    /// <summary>受理告知期限.</summary>
    public DateOnly AcceptanceDueOn { get; init; }

    /// <summary>受理时间.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    /// <summary>不予受理时间.</summary>
    public DateTimeOffset? DeclinedAt { get; init; }

    /// <summary>不予受理理由.</summary>
    public string? DeclineReason { get; init; }

    /// <summary>告知途径.</summary>
    public DeclineRoute? DeclineRoute { get; init; }

    /// <summary>包案领导.</summary>
    public string? LeaderId { get; init; }

    /// <summary>承办人.</summary>
    public IReadOnlyList<string> Handlers { get; init; } = [];

    /// <summary>办理期限 including any extension (for 12345: the platform's date).</summary>
    public DateOnly? HandlingDueOn { get; init; }

    /// <summary>办理期限 before the extension.</summary>
    public DateOnly? BaseHandlingDueOn { get; init; }

    /// <summary>延期天数 (0 when not extended).</summary>
    public int ExtendedDays { get; init; }

    /// <summary>延期理由.</summary>
    public string? ExtensionReason { get; init; }

    /// <summary>延期批准人.</summary>
    public string? ExtensionApprovedBy { get; init; }

    /// <summary>When the extension was recorded.</summary>
    public DateTimeOffset? ExtendedAt { get; init; }

    /// <summary>Number of handling steps recorded.</summary>
    public int ProgressCount { get; init; }

    /// <summary>办结时间.</summary>
    public DateTimeOffset? ConcludedAt { get; init; }

    /// <summary>按期办结.</summary>
    public bool? ConcludedOnTime { get; init; }

    /// <summary>处理意见.</summary>
    public PetitionOutcome? Outcome { get; init; }

    /// <summary>答复内容.</summary>
    public string? Reply { get; init; }

    /// <summary>满意度.</summary>
    public SatisfactionRating? Rating { get; init; }

    /// <summary>评价时间.</summary>
    public DateTimeOffset? EvaluatedAt { get; init; }

    /// <summary>复查申请期限 (the petitioner's window, not an officer's deadline).</summary>
    public DateOnly? ReviewRequestDueOn { get; init; }

    /// <summary>复查申请时间.</summary>
    public DateTimeOffset? ReviewRequestedAt { get; init; }

    /// <summary>复查答复期限.</summary>
    public DateOnly? ReviewAnswerDueOn { get; init; }

    /// <summary>复查答复时间.</summary>
    public DateTimeOffset? ReviewConcludedAt { get; init; }

    /// <summary>复查意见.</summary>
    public ReviewDecision? ReviewDecision { get; init; }

    /// <summary>复核申请期限.</summary>
    public DateOnly? RecheckRequestDueOn { get; init; }

    /// <summary>复核申请时间.</summary>
    public DateTimeOffset? RecheckRequestedAt { get; init; }

    /// <summary>复核答复期限, hearing days added.</summary>
    public DateOnly? RecheckAnswerDueOn { get; init; }

    /// <summary>Start of the hearing under way, if one is.</summary>
    public DateTimeOffset? HearingStartedAt { get; init; }

    /// <summary>Days of all finished hearings (not counted in the re-check limit).</summary>
    public int HearingDays { get; init; }

    /// <summary>复核答复时间 (终结).</summary>
    public DateTimeOffset? RecheckConcludedAt { get; init; }

    /// <summary>复核意见.</summary>
    public ReviewDecision? RecheckDecision { get; init; }

    /// <summary>撤回时间.</summary>
    public DateTimeOffset? WithdrawnAt { get; init; }

    /// <summary>撤回理由.</summary>
    public string? WithdrawReason { get; init; }

    /// <summary>The latest instant of any step; a later step may not be dated before it.</summary>
    public DateTimeOffset LastStepAt { get; init; }

    /// <summary>预警 — the alert last recorded for a deadline; in force only while that deadline runs.</summary>
    public DeadlineAlert? Alert { get; init; }
}
