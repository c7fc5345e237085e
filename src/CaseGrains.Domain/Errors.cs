using System.Globalization;

namespace CaseGrains.Domain;

/// <summary>The messages behind <see cref="ErrorCodes"/>; one place so wording stays consistent.</summary>
internal static class Errors
{
    public static DomainError CaseNotFound() =>
        new(ErrorCodes.CaseNotFound, "案件不存在。", "The case does not exist.");

    public static DomainError CaseAlreadyExists(string id) =>
        new(ErrorCodes.CaseAlreadyExists, $"案件 {id} 已登记。", $"Case {id} is already registered.", "caseId");

    public static DomainError CaseInvalidId(string? id, CaseKind kind) =>
        new(ErrorCodes.CaseInvalidId,
            $"案件编号“{id}”无效，应为 {Example(kind)} 格式。",
            $"Case number '{id}' is invalid; expected the form {Example(kind)}.",
            "caseId");

    public static DomainError Required(string field, string zhName) =>
        new(ErrorCodes.ValueRequired, $"{zhName}不能为空。", $"'{field}' is required.", field);

    public static DomainError Invalid(string field, object? value) =>
        new(ErrorCodes.ValueInvalid,
            $"“{field}”的值“{value}”无效。",
            $"'{value}' is not a valid value for '{field}'.",
            field);

    public static DomainError InFuture(string field, DateTimeOffset at, DateTimeOffset now) =>
        new(ErrorCodes.TimeInFuture,
            $"时间 {Iso(at)} 晚于当前时间 {Iso(now)}。",
            $"The time {Iso(at)} is later than now ({Iso(now)}).",
            field);

    public static DomainError BeforeRegistration(string field, DateTimeOffset at, DateTimeOffset registeredAt) =>
        new(ErrorCodes.TimeBeforeRegistration,
            $"时间 {Iso(at)} 早于登记（收到）时间 {Iso(registeredAt)}。",
            $"The time {Iso(at)} is before the case was received ({Iso(registeredAt)}).",
            field);

    public static DomainError OutOfOrder(string field, DateTimeOffset at, DateTimeOffset last) =>
        new(ErrorCodes.TimeOutOfOrder,
            $"时间 {Iso(at)} 早于上一步骤的时间 {Iso(last)}。",
            $"The time {Iso(at)} is before the previous step ({Iso(last)}).",
            field);

    public static DomainError LeaderNotOnRoster(string leaderId) =>
        new(ErrorCodes.LeaderNotOnRoster,
            $"“{leaderId}”不在本乡镇在岗领导名单中，不能包案。",
            $"'{leaderId}' is not an active leader on the township roster.",
            "leaderId");

    public static DomainError Of(string code, string zh, string en, string? field = null) => new(code, zh, en, field);

    private static string Example(CaseKind kind) => kind == CaseKind.Petition ? "2024-XF-0001" : "2024-JF-0001";

    private static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
