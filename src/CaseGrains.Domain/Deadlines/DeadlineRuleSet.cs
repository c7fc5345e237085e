namespace CaseGrains.Domain.Deadlines;

/// <summary>
/// 时限规则 — one version of the statutory time limits, in calendar days (the regulations say
/// "日"; where they mean working days they say "工作日"). A case keeps the rule set in force on
/// the date it was received, even if a newer one takes effect while it is handled.
/// </summary>
/// <param name="Name">Stable name, stored in events (e.g. <c>xinfang-2022</c>).</param>
/// <param name="EffectiveFrom">First date a case received on is handled under this set.</param>
/// <param name="AcceptanceNoticeDays">受理告知 — tell the petitioner whether it is accepted.</param>
/// <param name="HandlingDays">办结 — handle and answer, from acceptance.</param>
/// <param name="MaxExtensionDays">延期 — the longest single extension.</param>
/// <param name="ReviewRequestDays">复查申请 — the petitioner's window after the answer.</param>
/// <param name="ReviewAnswerDays">复查意见 — from the review request.</param>
/// <param name="RecheckRequestDays">复核申请 — the petitioner's window after the review answer.</param>
/// <param name="RecheckAnswerDays">复核意见 — from the re-check request; hearing time not counted.</param>
public sealed record DeadlineRuleSet(
    string Name,
    DateOnly EffectiveFrom,
    int AcceptanceNoticeDays = 15,
    int HandlingDays = 60,
    int MaxExtensionDays = 30,
    int ReviewRequestDays = 30,
    int ReviewAnswerDays = 30,
    int RecheckRequestDays = 30,
    int RecheckAnswerDays = 30)
{
    /// <summary>
    /// 《信访工作条例》 (2022), in force 2022-05-01: art. 22–23 (15 days to tell whether the matter
    /// is accepted), art. 34 (60 days to handle; one extension of at most 30 days approved by the
    /// head of the unit), art. 35 (review: request within 30 days, answer within 30 days),
    /// art. 36 (re-check: likewise; hearing time not counted; final afterwards). Article numbers
    /// as cited in the design notes (domain.md).
    /// </summary>
    public static DeadlineRuleSet Regulation2022 { get; } = new("xinfang-2022", new DateOnly(2022, 5, 1));

    /// <summary>
    /// 《信访条例》 (国务院令第431号, 2005), in force 2005-05-01 until the 2022 regulation replaced
    /// it. Checked against published copies of the text: art. 21–22 (15 days to tell whether the
    /// matter is accepted), art. 33 (60 days from acceptance; extension approved by the head of
    /// the organ, at most 30 days, reason told), art. 34 (review: request within 30 days of the
    /// written answer, answer within 30 days of the request), art. 35 (re-check: likewise, hearing
    /// time not counted, final afterwards). The numbers are the same as in 2022; only the legal
    /// basis cited differs, which is why it is kept as its own set.
    /// </summary>
    public static DeadlineRuleSet Regulation2005 { get; } = new("xinfang-2005", new DateOnly(2005, 5, 1));
}
