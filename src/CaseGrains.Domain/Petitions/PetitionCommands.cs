namespace CaseGrains.Domain.Petitions;

/// <summary>信访件指令 — a request to change a petition; decided by <see cref="Petition.Decide"/>.</summary>
public abstract record PetitionCommand;

/// <summary>登记 — registers a petition under the number the township assigned.</summary>
/// <param name="TownshipId">The township.</param>
/// <param name="CaseId">The case number, e.g. <c>2024-XF-0001</c>; its year should be the local year of <paramref name="ReceivedAt"/>.</param>
/// <param name="Channel">信访渠道.</param>
/// <param name="ReceivedAt">收到时间 — the 15-day acceptance notice counts from its local date.</param>
/// <param name="Subject">事由.</param>
/// <param name="Summary">主要诉求.</param>
/// <param name="Category">问题类别 (free text; rollups group by the part before any '/').</param>
/// <param name="Petitioners">信访人 — at least one with a name; personal data.</param>
/// <param name="Headcount">人数 — when more people came than are named; defaults to the number named.</param>
/// <param name="Village">村/社区 — where the matter is.</param>
/// <param name="RepeatOf">重复信访 — an earlier case number, linked by a person's decision.</param>
/// <param name="ExternalOrderId">12345 工单号 (hotline only, required there).</param>
/// <param name="PlatformDueOn">12345 平台期限 (hotline only, required there); replaces the handling deadline.</param>
public sealed record RegisterPetition(
    string TownshipId,
    string CaseId,
    PetitionChannel Channel,
    DateTimeOffset ReceivedAt,
    string Subject,
    string Summary,
    string Category,
    IReadOnlyList<Person> Petitioners,
    int? Headcount,
    string? Village,
    string? RepeatOf,
    string? ExternalOrderId,
    DateOnly? PlatformDueOn) : PetitionCommand;

/// <summary>受理 — accepts the matter; the handling clock starts on the local date of <paramref name="At"/>.</summary>
public sealed record AcceptPetition(DateTimeOffset At) : PetitionCommand;

/// <summary>不予受理 — declines the matter and records the legal route told to the petitioner.</summary>
public sealed record DeclinePetition(DateTimeOffset At, string Reason, DeclineRoute Route) : PetitionCommand;

/// <summary>包案 — names the responsible leader (from the active roster) and the handling officers; replaces an earlier assignment.</summary>
public sealed record AssignPetition(string LeaderId, IReadOnlyList<string> Handlers) : PetitionCommand;

/// <summary>办理过程 — records a handling step.</summary>
public sealed record RecordPetitionProgress(DateTimeOffset At, string Note) : PetitionCommand;

/// <summary>延期 — extends the handling limit once, by 1 to 30 days, approved by the unit head.</summary>
public sealed record ExtendPetition(int Days, string Reason, string ApprovedBy) : PetitionCommand;

/// <summary>12345 期限变更 — records a new deadline granted on the hotline platform for a work order.</summary>
public sealed record ChangePlatformDeadline(DateOnly PlatformDueOn, string Reason) : PetitionCommand;

/// <summary>办结 — answers the petitioner.</summary>
public sealed record ConcludePetition(DateTimeOffset At, PetitionOutcome Outcome, string Reply) : PetitionCommand;

/// <summary>满意度评价 — records the petitioner's rating (once; the same rating again is a no-op).</summary>
public sealed record EvaluatePetition(SatisfactionRating Rating) : PetitionCommand;

/// <summary>复查申请 — the petitioner asked for a review, within 30 days of the answer.</summary>
public sealed record RequestReview(DateTimeOffset At) : PetitionCommand;

/// <summary>复查意见 — the review was answered.</summary>
public sealed record ConcludeReview(DateTimeOffset At, ReviewDecision Decision) : PetitionCommand;

/// <summary>复核申请 — the petitioner asked for a re-check, within 30 days of the review answer.</summary>
public sealed record RequestRecheck(DateTimeOffset At) : PetitionCommand;

/// <summary>听证开始 — a re-check hearing began; its days are not counted in the re-check limit.</summary>
public sealed record StartRecheckHearing(DateTimeOffset At) : PetitionCommand;

/// <summary>听证结束 — the re-check hearing ended; the re-check limit grows by the days it took.</summary>
public sealed record EndRecheckHearing(DateTimeOffset At) : PetitionCommand;

/// <summary>复核意见 — the re-check was answered; the matter is final (终结).</summary>
public sealed record ConcludeRecheck(DateTimeOffset At, ReviewDecision Decision) : PetitionCommand;

/// <summary>撤回 — the petitioner withdrew the matter.</summary>
public sealed record WithdrawPetition(DateTimeOffset At, string Reason) : PetitionCommand;

/// <summary>关联重复信访 — a person links this petition to an earlier case (never done automatically).</summary>
public sealed record LinkRepeat(string RepeatOf) : PetitionCommand;

/// <summary>期限检查 — the clock looks at the running deadline: records «即将到期» or «已超期» once when it has come that far.
/// Not a person's command and not on the API; it never changes a status.</summary>
/// <param name="At">Now.</param>
public sealed record NotePetitionDeadline(DateTimeOffset At) : PetitionCommand;
