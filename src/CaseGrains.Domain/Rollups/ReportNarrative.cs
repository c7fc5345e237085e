using System.Globalization;

namespace CaseGrains.Domain.Rollups;

/// <summary>
/// 报告表述 — the Chinese sentences of the annual report (法治政府建设年度报告), in the townships'
/// own style, e.g. «全年共受理信访件189件，其中已办结173件，正在办理16件，按期办结率100%». A rate
/// whose denominator is 0 is left out, never written as 100%.
/// </summary>
public static class ReportNarrative
{
    /// <summary>The petition sentence (no final full stop, so it can be joined with others).</summary>
    /// <param name="figures">The figures.</param>
    /// <param name="wholeYear">Start with 全年 (for a rollup as of the year's end).</param>
    public static string PetitionLine(PetitionFigures figures, bool wholeYear = false)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{(wholeYear ? "全年" : string.Empty)}共受理信访件{figures.Accepted}件，其中已办结{figures.Concluded}件，正在办理{figures.InProgress}件");
        if (figures.Withdrawn > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture, $"，撤回{figures.Withdrawn}件");
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
        var line = string.Create(CultureInfo.InvariantCulture, $"共化解矛盾纠纷{figures.Resolved}件");
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
}
