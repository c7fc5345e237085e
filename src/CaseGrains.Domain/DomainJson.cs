using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaseGrains.Domain;

/// <summary>
/// The JSON conventions of the API and of stored events and summaries: web defaults (camelCase
/// names) and camelCase enum strings. The domain enums carry <see cref="CamelCaseEnumConverter{TEnum}"/>
/// themselves, so they serialize the same way whatever options a caller uses.
/// </summary>
public static class DomainJson
{
    /// <summary>Options for events, summaries and rollups; frozen, share freely.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>Serializes an enum as its camelCase name (<c>hotline12345</c>, <c>underReview</c>), as the API requires.</summary>
public sealed class CamelCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    /// <summary>Creates the converter; integers are refused so stored data stays readable.</summary>
    public CamelCaseEnumConverter()
        : base(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    {
    }
}
