using CaseGrains.Domain.Deadlines;

namespace CaseGrains.Domain.Disputes;

/// <summary>
/// 矛盾纠纷状态 — a dispute as its events leave it. Parties are personal data: mask them before
/// showing them to anyone who may not see them.
/// </summary>
public sealed record DisputeState
{
    /// <summary>The state before registration.</summary>
    public static DisputeState Empty { get; } = new();

    /// <summary>False until registered.</summary>
    public bool Exists { get; init; }

    /// <summary>案件编号.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>乡镇.</summary>
    public string TownshipId { get; init; } = string.Empty;

    /// <summary>调处状态.</summary>
    public DisputeStatus Status { get; init; }

    /// <summary>纠纷来源.</summary>
    public DisputeSource Source { get; init; }

    /// <summary>反映时间.</summary>
    public DateTimeOffset ReportedAt { get; init; }

    /// <summary>Local date of <see cref="ReportedAt"/>.</summary>
    public DateOnly RegisteredOn { get; init; }

    /// <summary>纠纷类别 (canonical).</summary>
    public string Category { get; init; } = string.Empty;

    /// <summary>事由.</summary>
    public string Subject { get; init; } = string.Empty;

    /// <summary>基本情况.</summary>
    public string Summary { get; init; } = string.Empty;

    /// <summary>当事人 — personal data.</summary>
    public IReadOnlyList<Person> Parties { get; init; } = [];

    /// <summary>村/社区.</summary>
    public string? Village { get; init; }

    /// <summary>风险等级 of the matter.</summary>
    public RiskLevel RiskLevel { get; init; }

    /// <summary>受理时间.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    /// <summary>The procedure planned at acceptance.</summary>
    public MediationProcedure? PlannedProcedure { get; init; }

    /// <summary>The limit applied at acceptance, in days.</summary>
    public int SettlementDays { get; init; }

    /// <summary>调解期限 with any extension.</summary>
    public DateOnly? SettlementDueOn { get; init; }

    /// <summary>调解期限 before the extension.</summary>
    public DateOnly? BaseSettlementDueOn { get; init; }

    /// <summary>包案领导.</summary>
    public string? LeaderId { get; init; }

    /// <summary>调解员.</summary>
    public IReadOnlyList<string> Mediators { get; init; } = [];

    /// <summary>Number of mediation sessions recorded.</summary>
    public int MediationCount { get; init; }

    /// <summary>化解时间.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>调解程序 used.</summary>
    public MediationProcedure? Procedure { get; init; }

    /// <summary>协议形式.</summary>
    public AgreementForm? Agreement { get; init; }

    /// <summary>调解不成时间.</summary>
    public DateTimeOffset? FailedAt { get; init; }

    /// <summary>告知途径.</summary>
    public ReferralRoute? Referral { get; init; }

    /// <summary>调解不成说明.</summary>
    public string? FailureNote { get; init; }

    /// <summary>按期化解/终结 (null while open, or when it failed before acceptance).</summary>
    public bool? SettledOnTime { get; init; }

    /// <summary>回访时间.</summary>
    public DateTimeOffset? FollowedUpAt { get; init; }

    /// <summary>协议履行情况.</summary>
    public FollowUpResult? FollowUp { get; init; }

    /// <summary>延期天数.</summary>
    public int ExtendedDays { get; init; }

    /// <summary>延期理由.</summary>
    public string? ExtensionReason { get; init; }

    /// <summary>Who confirmed the parties' consent to the extension.</summary>
    public string? ExtensionApprovedBy { get; init; }

    /// <summary>When the extension was recorded.</summary>
    public DateTimeOffset? ExtendedAt { get; init; }

    /// <summary>The latest instant of any step; a later step may not be dated before it.</summary>
    public DateTimeOffset LastStepAt { get; init; }

    /// <summary>预警 — the alert last recorded for a deadline; in force only while that deadline runs.</summary>
    public DeadlineAlert? Alert { get; init; }
}
