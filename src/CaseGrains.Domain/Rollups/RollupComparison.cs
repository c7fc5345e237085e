using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CaseGrains.Domain.Rollups;

/// <summary>
/// 核对 — compares two rollups field by field, as their JSON says them (so a field added to the
/// rollup is compared without touching this code), and names every difference with its path:
/// <c>petitions.concluded: 173 ≠ 172</c>.
/// </summary>
public static class RollupComparison
{
    /// <summary>The differences between <paramref name="expected"/> and <paramref name="actual"/>; empty when they agree.</summary>
    public static IReadOnlyList<string> Differences(TownshipRollup expected, TownshipRollup actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        return Differences(JsonSerializer.SerializeToNode(expected, DomainJson.Options), JsonSerializer.SerializeToNode(actual, DomainJson.Options));
    }

    /// <summary>The differences between two JSON trees, each as <c>path: expected ≠ actual</c>.</summary>
    public static IReadOnlyList<string> Differences(JsonNode? expected, JsonNode? actual)
    {
        var differences = new List<string>();
        Walk(expected, actual, string.Empty, differences);
        return differences;
    }

    private static void Walk(JsonNode? expected, JsonNode? actual, string path, List<string> differences)
    {
        if (expected is JsonObject e && actual is JsonObject a)
        {
            foreach (var name in e.Select(p => p.Key).Union(a.Select(p => p.Key), StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                Walk(e[name], a[name], path.Length == 0 ? name : $"{path}.{name}", differences);
            }
            return;
        }
        if (expected is JsonArray ea && actual is JsonArray aa)
        {
            for (var i = 0; i < Math.Max(ea.Count, aa.Count); i++)
            {
                Walk(i < ea.Count ? ea[i] : null, i < aa.Count ? aa[i] : null, $"{path}[{i}]", differences);
            }
            return;
        }
        var left = Text(expected);
        var right = Text(actual);
        if (left != right)
        {
            differences.Add($"{path}: {left} ≠ {right}");
        }
    }

    /// <summary>A leaf as text; numbers compare by value (1 and 1.0 are the same figure).</summary>
    private static string Text(JsonNode? node)
    {
        if (node is null)
        {
            return "null";
        }
        if (node is JsonValue value && value.TryGetValue<double>(out var number))
        {
            return number.ToString("R", CultureInfo.InvariantCulture);
        }
        return node.ToJsonString();
    }
}
