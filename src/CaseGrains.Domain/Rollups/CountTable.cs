using System.Collections;
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaseGrains.Domain.Rollups;

/// <summary>
/// 分类计数 — counts by key (channel, category, source), ordered by key, compared by content so
/// that a rollup rebuilt from scratch equals the live one. Serializes as a plain JSON object.
/// </summary>
[JsonConverter(typeof(CountTableJsonConverter))]
public sealed class CountTable : IReadOnlyDictionary<string, int>, IEquatable<CountTable>
{
    private readonly ImmutableSortedDictionary<string, int> _counts;

    /// <summary>Builds a table; repeated keys are added up.</summary>
    public CountTable(IEnumerable<KeyValuePair<string, int>> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        foreach (var (key, value) in counts)
        {
            builder[key] = builder.TryGetValue(key, out var existing) ? existing + value : value;
        }

        _counts = builder.ToImmutable();
    }

    /// <summary>No counts.</summary>
    public static CountTable Empty { get; } = new([]);

    /// <inheritdoc/>
    public int Count => _counts.Count;

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _counts.Keys;

    /// <inheritdoc/>
    public IEnumerable<int> Values => _counts.Values;

    /// <summary>The count for a key, 0 when absent.</summary>
    public int this[string key] => _counts.TryGetValue(key, out var v) ? v : 0;

    /// <summary>The sum of all counts.</summary>
    public int Total => _counts.Values.Sum();

    /// <summary>Adds tables key by key (county = sum of townships).</summary>
    public static CountTable Sum(IEnumerable<CountTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return new(tables.SelectMany(t => t._counts));
    }

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _counts.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, out int value) => _counts.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, int>> GetEnumerator() => _counts.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(CountTable? other) =>
        other is not null && _counts.Count == other._counts.Count && _counts.SequenceEqual(other._counts);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as CountTable);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (key, value) in _counts)
        {
            hash.Add(key, StringComparer.Ordinal);
            hash.Add(value);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", _counts.Select(kv => $"{kv.Key}={kv.Value}"));
}

/// <summary>Reads and writes a <see cref="CountTable"/> as <c>{"key": count, ...}</c>.</summary>
internal sealed class CountTableJsonConverter : JsonConverter<CountTable>
{
    /// <inheritdoc/>
    public override CountTable Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return CountTable.Empty;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A count table is a JSON object.");
        }

        var entries = new List<KeyValuePair<string, int>>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                throw new JsonException("A count table holds name/number pairs.");
            }

            var key = reader.GetString()!;
            reader.Read();
            entries.Add(new(key, reader.GetInt32()));
        }

        return new CountTable(entries);
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, CountTable value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, count) in value)
        {
            writer.WriteNumber(key, count);
        }

        writer.WriteEndObject();
    }
}
