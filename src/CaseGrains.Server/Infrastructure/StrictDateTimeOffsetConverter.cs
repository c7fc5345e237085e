using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace CaseGrains.Server.Infrastructure;

/// <summary>
/// Instants must carry their offset (<c>2024-03-05T09:30:00+08:00</c> or <c>…Z</c>): a bare local time
/// would be read in the server's zone and silently shift a statutory deadline.
/// </summary>
internal sealed partial class StrictDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Iso8601WithOffset();

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("must be an ISO 8601 instant with an offset, e.g. 2024-03-05T09:30:00+08:00");
        }
        var text = reader.GetString()!;
        if (!Iso8601WithOffset().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            || value.Year < 1990)
        {
            throw new JsonException("must be an ISO 8601 instant with an offset, e.g. 2024-03-05T09:30:00+08:00");
        }
        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
    }
}
