using System.Text.Json.Serialization;
using CaseGrains.Domain.Deadlines;

namespace CaseGrains.Domain.Disputes;

/// <summary>
/// 矛盾纠纷事件 — a fact in a dispute's history; carries every date computed when it was decided.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(DisputeRegistered), "disputeRegistered")]
[JsonDerivedType(typeof(DisputeAccepted), "disputeAccepted")]
[JsonDerivedType(typeof(DisputeAssigned), "disputeAssigned")]
[JsonDerivedType(typeof(MediationRecorded), "mediationRecorded")]
[JsonDerivedType(typeof(DisputeResolved), "disputeResolved")]
[JsonDerivedType(typeof(DisputeFailed), "disputeFailed")]
[JsonDerivedType(typeof(DisputeFollowedUp), "disputeFollowedUp")]
[JsonDerivedType(typeof(DisputeExtended), "disputeExtended")]
[JsonDerivedType(typeof(DisputeBecameDueSoon), "becameDueSoon")]
[JsonDerivedType(typeof(DisputeBecameOverdue), "becameOverdue")]
public abstract record DisputeEvent;

/// <summary>即将到期 — the settlement deadline entered its due-soon window; recorded by the clock, changes no status.</summary>
/// <param name="Kind">Which deadline.</param>
/// <param name="DueOn">Its last day.</param>
/// <param name="At">When the service noticed.</param>
public sealed record DisputeBecameDueSoon(DeadlineKind Kind, DateOnly DueOn, DateTimeOffset At) : DisputeEvent;

/// <summary>已超期 — the settlement deadline passed; recorded by the clock, changes no status and closes nothing.</summary>
/// <param name="Kind">Which deadline.</param>
/// <param name="DueOn">Its last day.</param>
/// <param name="At">When the service noticed.</param>
public sealed record DisputeBecameOverdue(DeadlineKind Kind, DateOnly DueOn, DateTimeOffset At) : DisputeEvent;

/// <summary>已登记.</summary>
/// <param name="RegisteredOn">Local date of <paramref name="ReportedAt"/>; its year is the registration year.</param>
/// <param name="Category">The canonical category.</param>
public sealed record DisputeRegistered(
    string TownshipId,
    string CaseId,
    DisputeSource Source,
    DateTimeOffset ReportedAt,
    DateOnly RegisteredOn,
    string Category,
    string Subject,
    string Summary,
    IReadOnlyList<Person> Parties,
    string? Village,
    RiskLevel RiskLevel) : DisputeEvent;

/// <summary>已受理.</summary>
/// <param name="SettlementDays">The limit applied, in days.</param>
/// <param name="SettlementDueOn">调解期限.</param>
public sealed record DisputeAccepted(DateTimeOffset At, MediationProcedure? PlannedProcedure, int SettlementDays, DateOnly SettlementDueOn) : DisputeEvent;

/// <summary>已包案.</summary>
public sealed record DisputeAssigned(string LeaderId, IReadOnlyList<string> Mediators) : DisputeEvent;

/// <summary>调解已记录.</summary>
public sealed record MediationRecorded(DateTimeOffset At, string Note) : DisputeEvent;

/// <summary>已化解.</summary>
/// <param name="OnTime">Settled on or before the (extended) limit.</param>
public sealed record DisputeResolved(DateTimeOffset At, MediationProcedure Procedure, AgreementForm Agreement, bool OnTime) : DisputeEvent;

/// <summary>调解不成.</summary>
/// <param name="OnTime">Ended on or before the limit; null when it failed before acceptance.</param>
public sealed record DisputeFailed(DateTimeOffset At, ReferralRoute Referral, string Note, bool? OnTime) : DisputeEvent;

/// <summary>已回访.</summary>
public sealed record DisputeFollowedUp(DateTimeOffset At, FollowUpResult Fulfilled) : DisputeEvent;

/// <summary>已延期.</summary>
/// <param name="At">When the extension was recorded.</param>
/// <param name="SettlementDueOn">The extended limit.</param>
public sealed record DisputeExtended(int Days, string Reason, string ApprovedBy, DateTimeOffset At, DateOnly SettlementDueOn) : DisputeEvent;
