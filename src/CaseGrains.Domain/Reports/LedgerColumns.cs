namespace CaseGrains.Domain.Reports;

/// <summary>What a ledger (台账) column holds.</summary>
public enum LedgerField
{
    LedgerNumber,
    Kind,
    Channel,
    RegisteredAt,
    Subject,
    Category,
    Village,
    People,
    Phones,
    IdNumbers,
    Addresses,
    Headcount,
    RiskLevel,
    OrderId,
    PlatformDueOn,
    RepeatOf,
    Leader,
    Handlers,
    AcceptedAt,
    HandlingDueOn,
    ExtendedDays,
    ExtensionApprovedBy,
    DeclinedAt,
    Route,
    WithdrawnAt,
    ConcludedAt,
    Outcome,
    Procedure,
    Agreement,
    Rating,
    ReviewRequestedAt,
    ReviewConcludedAt,
    ReviewDecision,
    RecheckRequestedAt,
    RecheckConcludedAt,
    RecheckDecision,
    FollowedUpAt,
    FollowUp,
    Status,
    Overdue,
    Summary,
    Note,
}

/// <summary>Which cases a column applies to.</summary>
public enum LedgerScope
{
    /// <summary>信访件 and 矛盾纠纷.</summary>
    Both,

    /// <summary>信访件 only.</summary>
    Petition,

    /// <summary>矛盾纠纷 only.</summary>
    Dispute,
}

/// <summary>
/// One column of the ledger: its Chinese header, which cases it applies to, whether an import needs it,
/// whether the export writes it, and whether it is computed (the export writes it, an import reads it
/// only to check it against the dates, or not at all).
/// </summary>
public sealed record LedgerColumn(
    LedgerField Field,
    string Header,
    LedgerScope Scope,
    bool Required,
    bool Exported,
    bool Computed,
    string Description,
    IReadOnlyList<string>? Values = null);

/// <summary>
/// 台账格式 — one format for the ledger export and the import template: one row per case, Chinese
/// headers, dates in the deployment's time zone. An import matches columns by header, in any order;
/// every exported column is a template column, so an exported ledger imports as it is. The export
/// leaves out the free-text columns (内容摘要, 办理说明) because officers' notes may name people; an
/// import takes them when present and falls back to the 事由 and a neutral note otherwise.
/// </summary>
public static class LedgerColumns
{
    /// <summary>Instants as the ledger writes them (local time).</summary>
    public const string InstantFormat = "yyyy-MM-dd HH:mm";

    /// <summary>Calendar dates as the ledger writes them.</summary>
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>Separator of several people, phones, ID numbers or handlers in one cell.</summary>
    public const string ListSeparator = "、";

    /// <summary>Most data rows one import takes.</summary>
    public const int MaxRows = 50_000;

    /// <summary>Longest ledger number.</summary>
    public const int MaxLedgerNumber = 64;

    /// <summary>The columns in template order.</summary>
    public static IReadOnlyList<LedgerColumn> All { get; } =
    [
        new(LedgerField.LedgerNumber, "案件编号", LedgerScope.Both, true, true, false, "台账编号，每行唯一；重复导入时据此识别已导入的案件（不作为新案件编号）"),
        new(LedgerField.Kind, "案件类型", LedgerScope.Both, true, true, false, "信访件或矛盾纠纷", ChineseLabels.Kinds.Names),
        new(LedgerField.Channel, "来源渠道", LedgerScope.Both, true, true, false,
            "信访件：" + string.Join("、", ChineseLabels.Channels.Names) + "；矛盾纠纷：" + string.Join("、", ChineseLabels.Sources.Names)),
        new(LedgerField.RegisteredAt, "登记日期", LedgerScope.Both, true, true, false, "收到（信访）或反映（纠纷）的日期，yyyy-MM-dd 或 yyyy-MM-dd HH:mm"),
        new(LedgerField.Subject, "事由", LedgerScope.Both, true, true, false, "事项的简要名称"),
        new(LedgerField.Category, "类别", LedgerScope.Both, true, true, false, "问题类别；矛盾纠纷须为配置的类别，如 邻里、劳动争议/欠薪"),
        new(LedgerField.Village, "村社区", LedgerScope.Both, false, true, false, "事项所在村（社区）"),
        new(LedgerField.People, "信访人/当事人", LedgerScope.Both, true, true, false, "姓名，多人用“、”分隔；导出时已脱敏"),
        new(LedgerField.Phones, "联系电话", LedgerScope.Both, false, true, false, "与姓名按顺序对应，多个用“、”分隔；导出时已脱敏"),
        new(LedgerField.IdNumbers, "身份证号", LedgerScope.Both, false, true, false, "与姓名按顺序对应；导出时已脱敏"),
        new(LedgerField.Addresses, "住址", LedgerScope.Both, false, true, false, "与姓名按顺序对应；导出时只保留到乡镇"),
        new(LedgerField.Headcount, "人数", LedgerScope.Petition, false, true, false, "来访人数；不填则为登记的信访人数"),
        new(LedgerField.RiskLevel, "风险等级", LedgerScope.Dispute, false, true, false, "事项的风险等级；不填为低", ChineseLabels.RiskLevels.Names),
        new(LedgerField.OrderId, "12345工单号", LedgerScope.Petition, false, true, false, "12345热线工单必填"),
        new(LedgerField.PlatformDueOn, "平台期限", LedgerScope.Petition, false, true, false, "12345热线工单必填，工单上的办理期限 yyyy-MM-dd"),
        new(LedgerField.RepeatOf, "重复信访", LedgerScope.Petition, false, true, false, "原信访件的案件编号（本表中的台账编号或本乡镇的案件编号）"),
        new(LedgerField.Leader, "包案领导", LedgerScope.Both, false, true, false, "本乡镇领导名单中的姓名或编号，须在职"),
        new(LedgerField.Handlers, "承办人", LedgerScope.Both, false, true, false, "承办人或调解员编号，多个用“、”分隔"),
        new(LedgerField.AcceptedAt, "受理日期", LedgerScope.Both, false, true, false, "受理的日期"),
        new(LedgerField.HandlingDueOn, "办理期限", LedgerScope.Both, false, true, true, "导出时写出按条例计算的期限（含延期）；导入时按日期重新计算"),
        new(LedgerField.ExtendedDays, "延期天数", LedgerScope.Both, false, true, false, "延期的天数，只能延期一次"),
        new(LedgerField.ExtensionApprovedBy, "延期批准人", LedgerScope.Both, false, true, false, "批准延期的负责人（纠纷：确认延期的当事人或调解员）"),
        new(LedgerField.DeclinedAt, "不予受理日期", LedgerScope.Petition, false, true, false, "不予受理的日期"),
        new(LedgerField.Route, "告知途径", LedgerScope.Both, false, true, false,
            "不予受理：" + string.Join("、", ChineseLabels.DeclineRoutes.Names) + "；调解不成：" + string.Join("、", ChineseLabels.Referrals.Names)),
        new(LedgerField.WithdrawnAt, "撤回日期", LedgerScope.Petition, false, true, false, "信访人撤回的日期"),
        new(LedgerField.ConcludedAt, "办结日期", LedgerScope.Both, false, true, false, "信访件答复或矛盾纠纷化解/调解不成的日期"),
        new(LedgerField.Outcome, "结果", LedgerScope.Both, false, true, false,
            "信访件：" + string.Join("、", ChineseLabels.Outcomes.Names) + "；矛盾纠纷：调解成功、调解不成"),
        new(LedgerField.Procedure, "调解程序", LedgerScope.Dispute, false, true, false, "化解的程序", ChineseLabels.Procedures.Names),
        new(LedgerField.Agreement, "协议形式", LedgerScope.Dispute, false, true, false, "不填时简易程序为口头协议、一般程序为书面协议", ChineseLabels.Agreements.Names),
        new(LedgerField.Rating, "满意度", LedgerScope.Petition, false, true, false, "信访人的评价", ChineseLabels.Ratings.Names),
        new(LedgerField.ReviewRequestedAt, "复查申请日期", LedgerScope.Petition, false, true, false, "答复后30日内"),
        new(LedgerField.ReviewConcludedAt, "复查答复日期", LedgerScope.Petition, false, true, false, "复查意见的日期"),
        new(LedgerField.ReviewDecision, "复查意见", LedgerScope.Petition, false, true, false, "复查的结论", ChineseLabels.Decisions.Names),
        new(LedgerField.RecheckRequestedAt, "复核申请日期", LedgerScope.Petition, false, true, false, "复查答复后30日内"),
        new(LedgerField.RecheckConcludedAt, "复核答复日期", LedgerScope.Petition, false, true, false, "复核意见的日期，此后终结"),
        new(LedgerField.RecheckDecision, "复核意见", LedgerScope.Petition, false, true, false, "复核的结论", ChineseLabels.Decisions.Names),
        new(LedgerField.FollowedUpAt, "回访日期", LedgerScope.Dispute, false, true, false, "化解后回访的日期"),
        new(LedgerField.FollowUp, "履行情况", LedgerScope.Dispute, false, true, false, "协议的履行情况", ChineseLabels.FollowUps.Names),
        new(LedgerField.Status, "状态", LedgerScope.Both, false, true, true, "导出时写出当前状态；导入时如填写，须与各环节日期相符"),
        new(LedgerField.Overdue, "是否超期", LedgerScope.Both, false, true, true, "导出时写出（是/否）；导入时不读取"),
        new(LedgerField.Summary, "内容摘要", LedgerScope.Both, false, false, false, "主要诉求或基本情况；不填时取事由（导出不含此列）"),
        new(LedgerField.Note, "办理说明", LedgerScope.Both, false, false, false, "答复内容、不予受理或撤回理由、调解不成说明、延期理由（导出不含此列）"),
    ];

    /// <summary>The columns the export writes, in template order.</summary>
    public static IReadOnlyList<LedgerColumn> Exported { get; } = [.. All.Where(c => c.Exported)];

    /// <summary>A column by field.</summary>
    public static LedgerColumn Of(LedgerField field) => All[(int)field];

    /// <summary>The header of a field.</summary>
    public static string Header(LedgerField field) => Of(field).Header;
}
