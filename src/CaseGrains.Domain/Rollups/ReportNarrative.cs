using System.Globalization;
using System.Text;

namespace CaseGrains.Domain.Rollups;

/// <summary>
/// 报告表述 — the Chinese sentences of the annual report (法治政府建设年度报告), in the townships'
/// own style, e.g. «全年共受理信访件189件，其中已办结173件，正在办理16件，按期办结率100%（173/173）».
/// Numbers are Arabic numerals; every rate carries its basis; a rate whose denominator is 0 is written
/// «—», never 100%. The public narrative folds a category of fewer than
/// <see cref="Rollup.DefaultMinimumPublicCell"/> cases into «其他», so that a small village's matter
/// cannot point at a person. Pure text: no I/O.
/// </summary>
public static class ReportNarrative
{
    /// <summary>What a rate over an empty base is written as.</summary>
    public const string NoRate = "—";

    /// <summary>The category small cells are folded into.</summary>
    public const string OtherCategory = "其他";

    /// <summary>The petition sentence (no final full stop, so it can be joined with others).</summary>
    /// <param name="figures">The figures.</param>
    /// <param name="wholeYear">Start with 全年 (for a rollup as of the year's end).</param>
    public static string PetitionLine(PetitionFigures figures, bool wholeYear = false)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var line = Invariant($"{(wholeYear ? "全年" : string.Empty)}共受理信访件{figures.Accepted}件，其中已办结{figures.Concluded}件，正在办理{figures.InProgress}件");
        if (figures.Withdrawn > 0)
        {
            line += Invariant($"，撤回{figures.Withdrawn}件");
        }

        if (Percent(figures.OnTimeRate) is { } onTime)
        {
            line += "，按期办结率" + onTime;
        }

        return line;
    }

    /// <summary>The dispute sentence, e.g. «共化解矛盾纠纷52件，化解率100%».</summary>
    public static string DisputeLine(DisputeFigures figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var line = Invariant($"共化解矛盾纠纷{figures.Resolved}件");
        if (Percent(figures.ResolutionRate) is { } rate)
        {
            line += "，化解率" + rate;
        }

        return line;
    }

    /// <summary>The sentences of a township rollup joined as the report writes them, ending with 。.</summary>
    public static string Paragraph(TownshipRollup rollup, bool wholeYear = false)
    {
        ArgumentNullException.ThrowIfNull(rollup);
        return PetitionLine(rollup.Petitions, wholeYear) + "；" + DisputeLine(rollup.Disputes) + "。";
    }

    /// <summary>A rate as the reports print it (<c>100%</c>, <c>91.5%</c>), or null when it has no value.</summary>
    public static string? Percent(Rate rate)
    {
        ArgumentNullException.ThrowIfNull(rate);
        return rate.Value is { } v
            ? Math.Round(v * 100, 1, MidpointRounding.AwayFromZero).ToString("0.#", CultureInfo.InvariantCulture) + "%"
            : null;
    }

    /// <summary>A rate with its basis, «98.7%（154/156）»; over an empty base «—（0/0）».</summary>
    public static string WithBasis(Rate rate)
    {
        ArgumentNullException.ThrowIfNull(rate);
        return (Percent(rate) ?? NoRate) + Invariant($"（{rate.Numerator}/{rate.Denominator}）");
    }

    /// <summary>
    /// How the figures' date reads at the start of a sentence: «全年» for the whole year, «截至12月14日»
    /// within it, «截至2025年3月1日，2024年» after it.
    /// </summary>
    public static string AsOfPhrase(int year, DateOnly asOf)
    {
        if (asOf.Year == year && asOf.Month == 12 && asOf.Day == 31)
        {
            return "全年";
        }

        return asOf.Year == year
            ? Invariant($"截至{asOf.Month}月{asOf.Day}日，")
            : Invariant($"截至{AsOfDate(asOf)}，{year}年");
    }

    /// <summary>A date as the reports write it: 2024年12月14日.</summary>
    public static string AsOfDate(DateOnly date) => Invariant($"{date.Year}年{date.Month}月{date.Day}日");

    /// <summary>
    /// The petition paragraphs: received, concluded, in progress and on time; the pending and declined;
    /// 参评率 and 满意率 as separate figures; 12345 work orders as their own stream; channels; categories
    /// (small ones folded into «其他»); reviews, re-checks, repeats and collective visits.
    /// </summary>
    /// <param name="hotline">The 12345 work orders alone (already counted in <paramref name="p"/>).</param>
    /// <param name="channelName">The Chinese name of a channel key (<c>letter</c> → 来信).</param>
    public static IReadOnlyList<string> PetitionParagraphs(PetitionFigures p, PetitionFigures hotline, int year, DateOnly asOf, Func<string, string> channelName)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(hotline);
        ArgumentNullException.ThrowIfNull(channelName);
        var paragraphs = new List<string>();

        var first = new StringBuilder(Invariant($"{AsOfPhrase(year, asOf)}共受理信访件{p.Accepted}件，其中已办结{p.Concluded}件，正在办理{p.InProgress}件"));
        if (p.Withdrawn > 0)
        {
            first.Append(Invariant($"，信访人撤回{p.Withdrawn}件"));
        }
        first.Append(Invariant($"；按期办结{p.ConcludedOnTime}件，按期办结率{WithBasis(p.OnTimeRate)}"));
        if (p.OverdueNow > 0)
        {
            first.Append(Invariant($"；当前超过受理告知或办理期限{p.OverdueNow}件"));
        }
        first.Append('。');
        if (p.AwaitingAcceptance > 0 || p.Declined > 0)
        {
            var parts = new List<string>();
            if (p.AwaitingAcceptance > 0)
            {
                parts.Add(Invariant($"待受理{p.AwaitingAcceptance}件"));
            }
            if (p.Declined > 0)
            {
                parts.Add(Invariant($"依法不予受理{p.Declined}件（已告知通过诉讼、仲裁、行政复议等法定途径解决）"));
            }
            first.Append("另登记").Append(string.Join("，", parts)).Append('。');
        }
        paragraphs.Add(first.ToString());

        var satisfied = p.SatisfactionRate.Formula == Rollup.Formulas.SatisfactionStrict ? "评价满意" : "评价满意或基本满意";
        paragraphs.Add(Invariant(
            $"已办结的信访件中，参与满意度评价{p.Evaluated}件，参评率{WithBasis(p.EvaluationRate)}；{satisfied}{p.SatisfactionRate.Numerator}件，满意率{WithBasis(p.SatisfactionRate)}。"));

        paragraphs.Add(hotline.Registered == 0
            ? "本期未收到12345热线转办工单。"
            : Invariant($"受理12345热线转办工单{hotline.Accepted}件（已计入上述信访件），已办结{hotline.Concluded}件，正在办理{hotline.InProgress}件，按平台期限办结率{WithBasis(hotline.OnTimeRate)}。"));

        var channels = p.ByChannel.Where(kv => kv.Value > 0).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Invariant($"{channelName(kv.Key)}{kv.Value}件")).ToList();
        if (channels.Count > 0)
        {
            paragraphs.Add(Invariant($"从来源渠道看，登记的{p.Registered}件信访件中，") + string.Join("、", channels) + "。");
        }

        if (CategorySentence(p.ByCategory) is { } categories)
        {
            paragraphs.Add("从问题类别看，" + categories + "。");
        }

        paragraphs.Add(Invariant($"申请复查{p.Reviews}件，申请复核{p.Rechecks}件；重复信访{p.Repeat}件，集体访{p.Collective}件。"));
        return paragraphs;
    }

    /// <summary>
    /// The dispute paragraphs: registered, resolved, failed and in progress with 化解率; simple and
    /// general procedure and the agreements; follow-ups and 协议履行率; categories and sources.
    /// </summary>
    /// <param name="sourceName">The Chinese name of a source key (<c>screening</c> → 排查发现).</param>
    public static IReadOnlyList<string> DisputeParagraphs(DisputeFigures d, int year, DateOnly asOf, Func<string, string> sourceName)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(sourceName);
        var paragraphs = new List<string>();
        var first = new StringBuilder(Invariant($"{AsOfPhrase(year, asOf)}共排查受理矛盾纠纷{d.Registered}件，共化解矛盾纠纷{d.Resolved}件"));
        if (d.Failed > 0)
        {
            first.Append(Invariant($"，调解不成{d.Failed}件（已告知诉讼、仲裁等其他解决途径）"));
        }
        first.Append(Invariant($"，正在调处{d.InProgress}件"));
        if (d.AwaitingAcceptance > 0)
        {
            first.Append(Invariant($"，待受理{d.AwaitingAcceptance}件"));
        }
        first.Append(Invariant($"，化解率{WithBasis(d.ResolutionRate)}"));
        if (d.OverdueNow > 0)
        {
            first.Append(Invariant($"；超过调解期限未化解{d.OverdueNow}件"));
        }
        first.Append('。');
        paragraphs.Add(first.ToString());

        paragraphs.Add(Invariant(
            $"化解的纠纷中，简易程序化解{d.SimpleProcedure}件，一般程序化解{d.GeneralProcedure}件；签订书面调解协议{d.WrittenAgreements}件，达成口头协议{d.OralAgreements}件。"));
        paragraphs.Add(Invariant($"开展回访{d.FollowedUp}件，协议已履行{d.Fulfilled}件，协议履行率{WithBasis(d.FulfilmentRate)}。"));

        if (CategorySentence(d.ByCategory) is { } categories)
        {
            paragraphs.Add("从纠纷类别看，" + categories + "。");
        }

        var sources = d.BySource.Where(kv => kv.Value > 0).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Invariant($"{sourceName(kv.Key)}{kv.Value}件")).ToList();
        if (sources.Count > 0)
        {
            paragraphs.Add("从纠纷来源看，" + string.Join("、", sources) + "。");
        }
        return paragraphs;
    }

    /// <summary>
    /// The categories of a public report, largest first: a category of fewer than <paramref name="minimum"/>
    /// cases is folded into «其他», which comes last; empty categories are left out.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, int>> PublicCategories(CountTable categories, int minimum = Rollup.DefaultMinimumPublicCell)
    {
        ArgumentNullException.ThrowIfNull(categories);
        var other = 0;
        var shown = new List<KeyValuePair<string, int>>();
        foreach (var (name, count) in categories)
        {
            if (name == OtherCategory || count < minimum)
            {
                other += count;
            }
            else
            {
                shown.Add(new(name, count));
            }
        }

        var ordered = shown.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        if (other > 0)
        {
            ordered.Add(new(OtherCategory, other));
        }

        return ordered;
    }

    private static string? CategorySentence(CountTable categories)
    {
        var list = PublicCategories(categories);
        return list.Count == 0 ? null : string.Join("、", list.Select(kv => Invariant($"{kv.Key}{kv.Value}件")));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
