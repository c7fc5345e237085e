using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaseGrains.Grains.EventSourcing;

/// <summary>The JSON shape of stored events and summaries: camelCase names and enum values.</summary>
public static class GrainJson
{
    /// <summary>Shared options; immutable once first used.</summary>
    public static readonly JsonSerializerOptions Options = Create();

    /// <summary>A fresh copy of the options, for callers that add converters.</summary>
    public static JsonSerializerOptions Create() => new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        // Some stores (jsonb) reorder properties; the type discriminator may then not come first.
        AllowOutOfOrderMetadataProperties = true,
    };
}
