using System.Globalization;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Rollups;

namespace CaseGrains.Domain.Reports;

/// <summary>
/// 年度报告 — the caseload section of a township's or a county's 法治政府建设年度报告, built from
/// rollups only: aggregates, never a case. A county's section has its totals first, then one part per
/// township, all from the townships' own rollups.
/// </summary>
public static class AnnualReport
{
    private static readonly string[] Numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

    /// <summary>A township's section.</summary>
    /// <param name="townshipName">The township's name, e.g. 田家寨镇.</param>
    public static ReportDocument Township(TownshipRollup rollup, string townshipName)
    {
        ArgumentNullException.ThrowIfNull(rollup);
        ArgumentNullException.ThrowIfNull(townshipName);
        return new ReportDocument(
            Invariant($"{townshipName}{rollup.Year}年信访工作和矛盾纠纷化解情况"),
            "数据截至" + ReportNarrative.AsOfDate(rollup.AsOf) + "。",
            [
                new("一、信访工作", 1, Petitions(rollup.Petitions, rollup.Hotline12345, rollup.Year, rollup.AsOf)),
                new("二、矛盾纠纷排查化解", 1, Disputes(rollup.Disputes, rollup.Year, rollup.AsOf)),
                new("三、主要数据", 1, ["各项比率均注明分子与分母；分母为0的比率记为“—”。"], FiguresTable(rollup)),
            ]);
    }

    /// <summary>A county's section: its totals, one part per township, and a table of all.</summary>
    /// <param name="townshipName">The name of a township id (the id itself when unknown).</param>
    public static ReportDocument County(CountyRollup county, string countyName, Func<string, string> townshipName)
    {
        ArgumentNullException.ThrowIfNull(county);
        ArgumentNullException.ThrowIfNull(countyName);
        ArgumentNullException.ThrowIfNull(townshipName);
        var sections = new List<ReportSection>
        {
            new("一、全县信访工作", 1, Petitions(county.Petitions, county.Hotline12345, county.Year, county.AsOf)),
            new("二、全县矛盾纠纷排查化解", 1, Disputes(county.Disputes, county.Year, county.AsOf)),
            new("三、各乡镇情况", 1, [Invariant($"全县{county.Townships.Count}个乡镇的数据均取自各乡镇的实时统计，合计与各乡镇之和一致。")]),
        };
        for (var i = 0; i < county.Townships.Count; i++)
        {
            var t = county.Townships[i];
            var paragraphs = new List<string>();
            paragraphs.AddRange(Petitions(t.Petitions, t.Hotline12345, t.Year, t.AsOf).Take(3));
            paragraphs.AddRange(Disputes(t.Disputes, t.Year, t.AsOf).Take(2));
            sections.Add(new($"（{Numeral(i)}）{townshipName(t.Scope)}", 2, paragraphs));
        }
        sections.Add(new("四、主要数据", 1, ["各项比率均注明分子与分母；分母为0的比率记为“—”。"], CountyTable(county, townshipName)));
        return new ReportDocument(
            Invariant($"{countyName}{county.Year}年信访工作和矛盾纠纷化解情况"),
            "数据截至" + ReportNarrative.AsOfDate(county.AsOf) + "。",
            sections);
    }

    /// <summary>The figures of one scope: 指标, 数值, and for rates 分子, 分母 and the formula.</summary>
    public static ReportTable FiguresTable(TownshipRollup rollup)
    {
        ArgumentNullException.ThrowIfNull(rollup);
        var p = rollup.Petitions;
        var h = rollup.Hotline12345;
        var d = rollup.Disputes;
        var rows = new List<IReadOnlyList<string>>
        {
            Count("登记信访件", p.Registered),
            Count("受理信访件", p.Accepted),
            Count("已办结", p.Concluded),
            Count("正在办理", p.InProgress),
            Count("撤回", p.Withdrawn),
            Count("不予受理", p.Declined),
            Count("待受理", p.AwaitingAcceptance),
            Count("当前超期", p.OverdueNow),
            RateRow("按期办结率", p.OnTimeRate, "按期办结数 ÷ 办结数"),
            RateRow("参评率", p.EvaluationRate, "参与评价数 ÷ 办结数"),
            RateRow("满意率", p.SatisfactionRate, p.SatisfactionRate.Formula == Rollup.Formulas.SatisfactionStrict ? "满意数 ÷ 参与评价数" : "（满意数 + 基本满意数）÷ 参与评价数"),
            Count("申请复查", p.Reviews),
            Count("申请复核", p.Rechecks),
            Count("重复信访", p.Repeat),
            Count("集体访", p.Collective),
            Count("12345热线工单", h.Accepted),
            Count("12345工单已办结", h.Concluded),
            RateRow("12345工单按期办结率", h.OnTimeRate, "按平台期限办结数 ÷ 办结数"),
            Count("登记矛盾纠纷", d.Registered),
            Count("化解矛盾纠纷", d.Resolved),
            Count("调解不成", d.Failed),
            Count("正在调处", d.InProgress),
            RateRow("化解率", d.ResolutionRate, "化解数 ÷（化解数 + 调解不成数）"),
            Count("简易程序化解", d.SimpleProcedure),
            Count("一般程序化解", d.GeneralProcedure),
            Count("书面调解协议", d.WrittenAgreements),
            Count("回访", d.FollowedUp),
            RateRow("协议履行率", d.FulfilmentRate, "已履行数 ÷ 回访数"),
        };
        return new ReportTable(["指标", "数值", "分子", "分母", "口径"], rows);
    }

    /// <summary>One row per township and the county's total row.</summary>
    public static ReportTable CountyTable(CountyRollup county, Func<string, string> townshipName)
    {
        ArgumentNullException.ThrowIfNull(county);
        ArgumentNullException.ThrowIfNull(townshipName);
        var rows = county.Townships
            .Select(t => Line(townshipName(t.Scope), t.Petitions, t.Hotline12345, t.Disputes))
            .Append(Line("合计", county.Petitions, county.Hotline12345, county.Disputes))
            .ToList();
        return new ReportTable(
            ["乡镇", "受理信访件", "已办结", "正在办理", "按期办结率", "参评率", "满意率", "12345工单", "登记矛盾纠纷", "化解", "调解不成", "化解率"],
            rows);

        static IReadOnlyList<string> Line(string name, PetitionFigures p, PetitionFigures h, DisputeFigures d) =>
        [
            name, N(p.Accepted), N(p.Concluded), N(p.InProgress), ReportNarrative.WithBasis(p.OnTimeRate), ReportNarrative.WithBasis(p.EvaluationRate),
            ReportNarrative.WithBasis(p.SatisfactionRate), N(h.Accepted), N(d.Registered), N(d.Resolved), N(d.Failed), ReportNarrative.WithBasis(d.ResolutionRate),
        ];
    }

    /// <summary>The Chinese name of a channel key of <see cref="PetitionFigures.ByChannel"/>.</summary>
    public static string ChannelName(string key) => ChineseLabels.Channels.TryParse(key, out var channel) ? ChineseLabels.Channels.Name(channel) : key;

    /// <summary>The Chinese name of a source key of <see cref="DisputeFigures.BySource"/>.</summary>
    public static string SourceName(string key) => ChineseLabels.Sources.TryParse(key, out var source) ? ChineseLabels.Sources.Name(source) : key;

    private static IReadOnlyList<string> Petitions(PetitionFigures p, PetitionFigures hotline, int year, DateOnly asOf)
        => ReportNarrative.PetitionParagraphs(p, hotline, year, asOf, ChannelName);

    private static IReadOnlyList<string> Disputes(DisputeFigures d, int year, DateOnly asOf)
        => ReportNarrative.DisputeParagraphs(d, year, asOf, SourceName);

    private static IReadOnlyList<string> Count(string name, int value) => [name, N(value), "", "", ""];

    private static IReadOnlyList<string> RateRow(string name, Rate rate, string formula) =>
        [name, ReportNarrative.Percent(rate) ?? ReportNarrative.NoRate, N(rate.Numerator), N(rate.Denominator), formula];

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>一 … 九十九 for the parts of a county's section.</summary>
    private static string Numeral(int index)
    {
        var n = index + 1;
        if (n <= 10)
        {
            return Numerals[n - 1];
        }
        if (n >= 100)
        {
            return N(n);
        }
        var tens = n / 10;
        var ones = n % 10;
        return (tens == 1 ? "" : Numerals[tens - 1]) + "十" + (ones == 0 ? "" : Numerals[ones - 1]);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
