namespace CaseGrains.Domain.Disputes;

/// <summary>矛盾纠纷指令 — a request to change a dispute; decided by <see cref="Dispute.Decide"/>.</summary>
public abstract record DisputeCommand;

/// <summary>登记 — registers a dispute under the number the township assigned.</summary>
/// <param name="CaseId">e.g. <c>2024-JF-0001</c>; its year should be the local year of <paramref name="ReportedAt"/>.</param>
/// <param name="Category">From the configured list: <c>顶层</c> or <c>顶层/子类</c>.</param>
/// <param name="Parties">当事人 — at least one with a name; personal data.</param>
public sealed record RegisterDispute(
    string TownshipId,
    string CaseId,
    DisputeSource Source,
    DateTimeOffset ReportedAt,
    string Category,
    string Subject,
    string Summary,
    IReadOnlyList<Person> Parties,
    string? Village,
    RiskLevel RiskLevel) : DisputeCommand;

/// <summary>受理 — the parties agreed to mediation; the settlement clock starts.</summary>
/// <param name="Procedure">The procedure planned, if known; selects a per-procedure limit when one is configured.</param>
public sealed record AcceptDispute(DateTimeOffset At, MediationProcedure? Procedure = null) : DisputeCommand;

/// <summary>包案 — the responsible leader (active roster) and the mediators; replaces an earlier assignment.</summary>
public sealed record AssignDispute(string LeaderId, IReadOnlyList<string> Mediators) : DisputeCommand;

/// <summary>调解 — records a mediation session.</summary>
public sealed record RecordMediation(DateTimeOffset At, string Note) : DisputeCommand;

/// <summary>化解 — an agreement was reached.</summary>
public sealed record ResolveDispute(DateTimeOffset At, MediationProcedure Procedure, AgreementForm Agreement) : DisputeCommand;

/// <summary>调解不成 — mediation failed or a party refused it; the routes were told.</summary>
public sealed record FailDispute(DateTimeOffset At, ReferralRoute Referral, string Note) : DisputeCommand;

/// <summary>回访 — whether the agreement was kept; closes the dispute.</summary>
public sealed record FollowUpDispute(DateTimeOffset At, FollowUpResult Fulfilled) : DisputeCommand;

/// <summary>延期 — extends the settlement limit once, with the parties' consent; <paramref name="ApprovedBy"/> records who confirmed it.</summary>
public sealed record ExtendDispute(int Days, string Reason, string ApprovedBy) : DisputeCommand;

/// <summary>期限检查 — the clock looks at the running deadline: records «即将到期» or «已超期» once when it has come that far.
/// Not a person's command and not on the API; it never changes a status.</summary>
/// <param name="At">Now.</param>
public sealed record NoteDisputeDeadline(DateTimeOffset At) : DisputeCommand;
