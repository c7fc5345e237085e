using System.Globalization;

namespace CaseGrains.Benchmarks;

/// <summary>The option values the benchmarks' command lines share: counts in a range, and comma-separated lists of them.</summary>
internal static class OptionValues
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, digits only.</summary>
    public static bool TryCount(string value, int min, int max, out int count)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count >= min && count <= max;

    /// <summary>One or more counts separated by commas (<c>1,8,32</c>).</summary>
    public static bool TryList(string value, int min, int max, out IReadOnlyList<int> counts)
    {
        var parsed = new List<int>();
        foreach (var part in value.Split(','))
        {
            if (!TryCount(part, min, max, out var count))
            {
                counts = [];
                return false;
            }
            parsed.Add(count);
        }
        counts = parsed;
        return parsed.Count > 0;
    }
}
