using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;

namespace CaseGrains.Domain.Reports;

/// <summary>
/// 中文名称 — the words a township's ledger (台账) and report use for the API's enum values, in both
/// directions: the export writes the first name of each value, the import also accepts the API's own
/// camelCase spelling and the listed synonyms.
/// </summary>
public static class ChineseLabels
{
    /// <summary>信访渠道.</summary>
    public static readonly Labels<PetitionChannel> Channels = new(
        (PetitionChannel.Letter, ["来信"]),
        (PetitionChannel.Visit, ["来访", "走访"]),
        (PetitionChannel.Online, ["网上信访", "网信"]),
        (PetitionChannel.Phone, ["来电", "电话"]),
        (PetitionChannel.Fax, ["传真"]),
        (PetitionChannel.Hotline12345, ["12345热线", "12345"]),
        (PetitionChannel.AssignedByHigherLevel, ["上级交办", "交办"]),
        (PetitionChannel.Other, ["其他"]));

    /// <summary>纠纷来源.</summary>
    public static readonly Labels<DisputeSource> Sources = new(
        (DisputeSource.Screening, ["排查发现", "排查"]),
        (DisputeSource.Application, ["当事人申请", "申请"]),
        (DisputeSource.PetitionReferral, ["信访转办"]),
        (DisputeSource.GridReport, ["网格员上报", "网格上报"]),
        (DisputeSource.PoliceReferral, ["公安移交"]),
        (DisputeSource.CourtReferral, ["法院委派"]),
        (DisputeSource.Other, ["其他"]));

    /// <summary>处理意见.</summary>
    public static readonly Labels<PetitionOutcome> Outcomes = new(
        (PetitionOutcome.Supported, ["予以支持", "支持"]),
        (PetitionOutcome.PartiallySupported, ["部分支持"]),
        (PetitionOutcome.NotSupported, ["不予支持"]),
        (PetitionOutcome.Explained, ["解释说明"]));

    /// <summary>满意度.</summary>
    public static readonly Labels<SatisfactionRating> Ratings = new(
        (SatisfactionRating.Satisfied, ["满意"]),
        (SatisfactionRating.BasicallySatisfied, ["基本满意"]),
        (SatisfactionRating.Dissatisfied, ["不满意"]));

    /// <summary>复查/复核意见.</summary>
    public static readonly Labels<ReviewDecision> Decisions = new(
        (ReviewDecision.Upheld, ["维持"]),
        (ReviewDecision.Changed, ["变更", "撤销"]));

    /// <summary>不予受理的告知途径.</summary>
    public static readonly Labels<DeclineRoute> DeclineRoutes = new(
        (DeclineRoute.Litigation, ["诉讼"]),
        (DeclineRoute.Arbitration, ["仲裁"]),
        (DeclineRoute.AdministrativeReconsideration, ["行政复议"]),
        (DeclineRoute.OtherAuthority, ["其他有权机关"]),
        (DeclineRoute.Other, ["其他"]));

    /// <summary>调解不成的告知途径.</summary>
    public static readonly Labels<ReferralRoute> Referrals = new(
        (ReferralRoute.Litigation, ["诉讼"]),
        (ReferralRoute.Arbitration, ["仲裁"]),
        (ReferralRoute.Administrative, ["行政途径", "行政"]),
        (ReferralRoute.Other, ["其他"]));

    /// <summary>调解程序.</summary>
    public static readonly Labels<MediationProcedure> Procedures = new(
        (MediationProcedure.Simple, ["简易程序", "简易"]),
        (MediationProcedure.General, ["一般程序", "一般"]));

    /// <summary>协议形式.</summary>
    public static readonly Labels<AgreementForm> Agreements = new(
        (AgreementForm.Oral, ["口头协议", "口头"]),
        (AgreementForm.Written, ["书面协议", "书面"]));

    /// <summary>履行情况.</summary>
    public static readonly Labels<FollowUpResult> FollowUps = new(
        (FollowUpResult.Fulfilled, ["已履行", "履行"]),
        (FollowUpResult.Partly, ["部分履行"]),
        (FollowUpResult.Not, ["未履行"]));

    /// <summary>风险等级 of the matter.</summary>
    public static readonly Labels<RiskLevel> RiskLevels = new(
        (RiskLevel.Low, ["低"]),
        (RiskLevel.Medium, ["中"]),
        (RiskLevel.High, ["高"]));

    /// <summary>信访件办理状态.</summary>
    public static readonly Labels<PetitionStatus> PetitionStatuses = new(
        (PetitionStatus.Registered, ["已登记", "待受理"]),
        (PetitionStatus.Accepted, ["办理中", "已受理", "正在办理"]),
        (PetitionStatus.Declined, ["不予受理"]),
        (PetitionStatus.Concluded, ["已办结"]),
        (PetitionStatus.UnderReview, ["复查中"]),
        (PetitionStatus.Reviewed, ["已复查"]),
        (PetitionStatus.UnderRecheck, ["复核中"]),
        (PetitionStatus.Final, ["已终结"]),
        (PetitionStatus.Withdrawn, ["已撤回"]));

    /// <summary>矛盾纠纷调处状态.</summary>
    public static readonly Labels<DisputeStatus> DisputeStatuses = new(
        (DisputeStatus.Registered, ["已登记", "待受理"]),
        (DisputeStatus.Accepted, ["调解中", "已受理", "正在调处"]),
        (DisputeStatus.Resolved, ["已化解"]),
        (DisputeStatus.Failed, ["调解不成"]),
        (DisputeStatus.Closed, ["已回访结案"]));

    /// <summary>案件类型.</summary>
    public static readonly Labels<CaseKind> Kinds = new(
        (CaseKind.Petition, ["信访件", "信访"]),
        (CaseKind.Dispute, ["矛盾纠纷", "纠纷"]));
}

/// <summary>The Chinese names of one enum: the first name of a value is how it is written, every name (and the API's spelling) reads back.</summary>
public sealed class Labels<TEnum>
    where TEnum : struct, Enum
{
    private readonly Dictionary<TEnum, string> _names = [];
    private readonly Dictionary<string, TEnum> _values = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Builds the table; every value of the enum must be named.</summary>
    public Labels(params (TEnum Value, string[] Names)[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var (value, names) in entries)
        {
            _names[value] = names[0];
            foreach (var name in names)
            {
                _values[name] = value;
            }
            _values[Rollups.CaseSummary.ApiName(value)] = value;
        }
        var missing = Enum.GetValues<TEnum>().Where(v => !_names.ContainsKey(v)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"No Chinese name for {string.Join(", ", missing)}.", nameof(entries));
        }
    }

    /// <summary>The written name of a value.</summary>
    public string Name(TEnum value) => _names[value];

    /// <summary>The written names, in enum order: what a template lists as the allowed values.</summary>
    public IReadOnlyList<string> Names => [.. Enum.GetValues<TEnum>().Select(v => _names[v])];

    /// <summary>Reads a name (or the API's spelling), ignoring surrounding spaces.</summary>
    public bool TryParse(string? text, out TEnum value)
    {
        value = default;
        return text is not null && _values.TryGetValue(text.Trim(), out value);
    }
}
