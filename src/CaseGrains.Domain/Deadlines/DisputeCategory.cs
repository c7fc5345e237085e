namespace CaseGrains.Domain.Deadlines;

/// <summary>
/// 纠纷类别 — one top-level dispute category with its optional sub-categories. A case's category
/// is written <c>顶层</c> or <c>顶层/子类</c>, e.g. <c>劳动争议</c> or <c>劳动争议/欠薪</c>; rollups
/// count by the top level.
/// </summary>
public sealed record DisputeCategory(string Name, IReadOnlyList<string> SubCategories)
{
    /// <summary>A category without sub-categories.</summary>
    public DisputeCategory(string name)
        : this(name, [])
    {
    }
}

/// <summary>Reading and normalizing the two-level category strings.</summary>
public static class DisputeCategories
{
    /// <summary>The separator between top level and sub-category.</summary>
    public const char Separator = '/';

    /// <summary>
    /// The default list from the design (domain.md): 婚姻家庭, 邻里, 土地承包, 宅基地与房屋, 征地拆迁,
    /// 劳动争议 (sub-category 欠薪), 损害赔偿, 合同债务, 山林水利, 村务管理, 物业消费, 环境污染, 医疗,
    /// 社会保障, 其他.
    /// </summary>
    public static IReadOnlyList<DisputeCategory> Default { get; } =
    [
        new("婚姻家庭"),
        new("邻里"),
        new("土地承包"),
        new("宅基地与房屋"),
        new("征地拆迁"),
        new("劳动争议", ["欠薪"]),
        new("损害赔偿"),
        new("合同债务"),
        new("山林水利"),
        new("村务管理"),
        new("物业消费"),
        new("环境污染"),
        new("医疗"),
        new("社会保障"),
        new("其他"),
    ];

    /// <summary>
    /// Accepts <c>顶层</c> or <c>顶层/子类</c> (a full-width ／ is read as /, spaces around parts are
    /// dropped) when the top level is in <paramref name="list"/> and the sub-category is one of its
    /// own; gives the canonical spelling.
    /// </summary>
    public static bool TryNormalize(IReadOnlyList<DisputeCategory> list, string? input, out string canonical)
    {
        ArgumentNullException.ThrowIfNull(list);
        canonical = string.Empty;
        if (string.IsNullOrWhiteSpace(input))
        {
            return false;
        }

        var parts = input.Replace('／', Separator).Split(Separator);
        if (parts.Length > 2)
        {
            return false;
        }

        var top = parts[0].Trim();
        var category = list.FirstOrDefault(c => string.Equals(c.Name, top, StringComparison.Ordinal));
        if (category is null)
        {
            return false;
        }

        if (parts.Length == 1)
        {
            canonical = category.Name;
            return true;
        }

        var sub = parts[1].Trim();
        if (!category.SubCategories.Contains(sub, StringComparer.Ordinal))
        {
            return false;
        }

        canonical = category.Name + Separator + sub;
        return true;
    }

    /// <summary>The top level of a category string (<c>劳动争议/欠薪</c> → <c>劳动争议</c>); free text stays whole.</summary>
    public static string TopLevel(string category)
    {
        ArgumentNullException.ThrowIfNull(category);
        var at = category.IndexOf(Separator, StringComparison.Ordinal);
        return (at < 0 ? category : category[..at]).Trim();
    }
}
