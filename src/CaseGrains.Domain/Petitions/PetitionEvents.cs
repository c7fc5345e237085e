using System.Text.Json.Serialization;
using CaseGrains.Domain.Deadlines;

namespace CaseGrains.Domain.Petitions;

/// <summary>
/// 信访件事件 — a fact in a petition's history. Events carry every date computed when they were
/// decided (due dates, the rule set), so <see cref="Petition.Evolve"/> never needs the policy and
/// a later change of configuration never rewrites history.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(PetitionRegistered), "petitionRegistered")]
[JsonDerivedType(typeof(PetitionAccepted), "petitionAccepted")]
[JsonDerivedType(typeof(PetitionDeclined), "petitionDeclined")]
[JsonDerivedType(typeof(PetitionAssigned), "petitionAssigned")]
[JsonDerivedType(typeof(PetitionProgressRecorded), "petitionProgressRecorded")]
[JsonDerivedType(typeof(PetitionExtended), "petitionExtended")]
[JsonDerivedType(typeof(PlatformDeadlineChanged), "platformDeadlineChanged")]
[JsonDerivedType(typeof(PetitionConcluded), "petitionConcluded")]
[JsonDerivedType(typeof(PetitionEvaluated), "petitionEvaluated")]
[JsonDerivedType(typeof(ReviewRequested), "reviewRequested")]
[JsonDerivedType(typeof(ReviewConcluded), "reviewConcluded")]
[JsonDerivedType(typeof(RecheckRequested), "recheckRequested")]
[JsonDerivedType(typeof(RecheckHearingStarted), "recheckHearingStarted")]
[JsonDerivedType(typeof(RecheckHearingEnded), "recheckHearingEnded")]
[JsonDerivedType(typeof(RecheckConcluded), "recheckConcluded")]
[JsonDerivedType(typeof(PetitionWithdrawn), "petitionWithdrawn")]
[JsonDerivedType(typeof(RepeatLinked), "repeatLinked")]
[JsonDerivedType(typeof(PetitionBecameDueSoon), "becameDueSoon")]
[JsonDerivedType(typeof(PetitionBecameOverdue), "becameOverdue")]
public abstract record PetitionEvent;

/// <summary>即将到期 — the running deadline entered its due-soon window; recorded by the clock, changes no status.</summary>
/// <param name="Kind">Which deadline.</param>
/// <param name="DueOn">Its last day.</param>
/// <param name="At">When the service noticed.</param>
public sealed record PetitionBecameDueSoon(DeadlineKind Kind, DateOnly DueOn, DateTimeOffset At) : PetitionEvent;

/// <summary>已超期 — the running deadline passed; recorded by the clock, changes no status and closes nothing.</summary>
/// <param name="Kind">Which deadline.</param>
/// <param name="DueOn">Its last day.</param>
/// <param name="At">When the service noticed.</param>
public sealed record PetitionBecameOverdue(DeadlineKind Kind, DateOnly DueOn, DateTimeOffset At) : PetitionEvent;

/// <summary>已登记.</summary>
/// <param name="RegisteredOn">Local date of <paramref name="ReceivedAt"/>; the registration year is its year.</param>
/// <param name="Collective">集体访, decided with the threshold in force at registration.</param>
/// <param name="RuleSet">Name of the <see cref="DeadlineRuleSet"/> the case is handled under.</param>
/// <param name="AcceptanceDueOn">受理告知期限.</param>
public sealed record PetitionRegistered(
    string TownshipId,
    string CaseId,
    PetitionChannel Channel,
    DateTimeOffset ReceivedAt,
    DateOnly RegisteredOn,
    string Subject,
    string Summary,
    string Category,
    IReadOnlyList<Person> Petitioners,
    int? Headcount,
    bool Collective,
    string? Village,
    string? RepeatOf,
    string? ExternalOrderId,
    DateOnly? PlatformDueOn,
    string RuleSet,
    DateOnly AcceptanceDueOn) : PetitionEvent;

/// <summary>已受理.</summary>
/// <param name="HandlingDueOn">办理期限: 60 days on, or the 12345 platform's date.</param>
public sealed record PetitionAccepted(DateTimeOffset At, DateOnly HandlingDueOn) : PetitionEvent;

/// <summary>不予受理.</summary>
public sealed record PetitionDeclined(DateTimeOffset At, string Reason, DeclineRoute Route) : PetitionEvent;

/// <summary>已包案.</summary>
public sealed record PetitionAssigned(string LeaderId, IReadOnlyList<string> Handlers) : PetitionEvent;

/// <summary>办理过程已记录.</summary>
public sealed record PetitionProgressRecorded(DateTimeOffset At, string Note) : PetitionEvent;

/// <summary>已延期.</summary>
/// <param name="At">When the extension was recorded.</param>
/// <param name="HandlingDueOn">The extended handling deadline.</param>
public sealed record PetitionExtended(int Days, string Reason, string ApprovedBy, DateTimeOffset At, DateOnly HandlingDueOn) : PetitionEvent;

/// <summary>12345 平台期限已变更.</summary>
/// <param name="HandlingDueOn">The handling deadline after the change (null while not yet accepted).</param>
public sealed record PlatformDeadlineChanged(DateOnly PlatformDueOn, string Reason, DateOnly? HandlingDueOn) : PetitionEvent;

/// <summary>已办结.</summary>
/// <param name="OnTime">按期办结: answered on or before the (extended) handling deadline.</param>
/// <param name="ReviewRequestDueOn">Last day the petitioner may ask for a review.</param>
public sealed record PetitionConcluded(DateTimeOffset At, PetitionOutcome Outcome, string Reply, bool OnTime, DateOnly ReviewRequestDueOn) : PetitionEvent;

/// <summary>已评价.</summary>
/// <param name="At">When the rating was recorded.</param>
public sealed record PetitionEvaluated(SatisfactionRating Rating, DateTimeOffset At) : PetitionEvent;

/// <summary>已申请复查.</summary>
public sealed record ReviewRequested(DateTimeOffset At, DateOnly AnswerDueOn) : PetitionEvent;

/// <summary>复查已答复.</summary>
/// <param name="RecheckRequestDueOn">Last day the petitioner may ask for a re-check.</param>
public sealed record ReviewConcluded(DateTimeOffset At, ReviewDecision Decision, DateOnly RecheckRequestDueOn) : PetitionEvent;

/// <summary>已申请复核.</summary>
public sealed record RecheckRequested(DateTimeOffset At, DateOnly AnswerDueOn) : PetitionEvent;

/// <summary>复核听证开始.</summary>
public sealed record RecheckHearingStarted(DateTimeOffset At) : PetitionEvent;

/// <summary>复核听证结束.</summary>
/// <param name="PausedDays">Local days this hearing took (first and last day included).</param>
/// <param name="AnswerDueOn">The re-check deadline with every hearing's days added.</param>
public sealed record RecheckHearingEnded(DateTimeOffset At, int PausedDays, DateOnly AnswerDueOn) : PetitionEvent;

/// <summary>复核已答复 — the matter is final.</summary>
public sealed record RecheckConcluded(DateTimeOffset At, ReviewDecision Decision) : PetitionEvent;

/// <summary>已撤回.</summary>
public sealed record PetitionWithdrawn(DateTimeOffset At, string Reason) : PetitionEvent;

/// <summary>已关联重复信访.</summary>
public sealed record RepeatLinked(string RepeatOf) : PetitionEvent;
