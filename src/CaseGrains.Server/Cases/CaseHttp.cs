using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseGrains.Domain;
using CaseGrains.Storage;
using CaseGrains.Server.Auth;
using Microsoft.Extensions.Primitives;

namespace CaseGrains.Server.Cases;

/// <summary>HTTP conventions every case answer follows: ETag and If-Match, masking, the audit trail.</summary>
internal static class CaseHttp
{
    /// <summary>Reads <c>If-Match: "7"</c>; <c>*</c> or no header means "any version".</summary>
    public static bool TryReadIfMatch(HttpRequest request, out long? version)
    {
        version = null;
        var header = request.Headers.IfMatch;
        if (StringValues.IsNullOrEmpty(header) || header.ToString().Trim() == "*")
        {
            return true;
        }
        var text = header.ToString().Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }
        // An entity tag is quoted on both sides or not at all ("3" or 3); half a quote is not a version.
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            text = text[1..^1];
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0)
        {
            version = parsed;
            return true;
        }
        return false;
    }

    public static void SetETag(HttpResponse response, long version) => response.Headers.ETag = $"\"{version}\"";

    /// <summary>People as the caller may see them: in full for officers and admins, masked for everyone else.</summary>
    public static IReadOnlyList<PersonView> People(IEnumerable<Person> people, bool full)
        => [.. (full ? people : Masking.Mask(people)).Select(p => new PersonView(p.Name, p.IdNumber, p.Phone, p.Address))];

    /// <summary>Records a read of unmasked personal data (who, which case, why), never the data; completes once the row is
    /// durable, in a commit shared with the rows of concurrent reads (<see cref="AccessLogWriter"/>).</summary>
    public static Task RecordAccessAsync(ICaseStore store, Caller caller, string townshipId, string streamId, string purpose, DateTimeOffset now)
        => AccessLogWriter.For(store).AppendAsync(new AccessLogEntry(now, caller.Subject, caller.Role, townshipId, streamId, purpose));

    /// <summary>The audit trail as the caller may see it.</summary>
    public static IReadOnlyList<CaseEventView> Events(IEnumerable<StoredEvent> events, bool full, TimeZoneInfo zone)
        => [.. events.Select(e => new CaseEventView(e.Version, e.EventType, TimeZoneInfo.ConvertTime(e.OccurredAt, zone), e.Actor, EventData(e.Payload, full)))];

    private static readonly string[] PeopleArrays = ["petitioners", "parties"];

    private static JsonNode? EventData(string payload, bool full)
    {
        var node = JsonNode.Parse(payload);
        if (node is not JsonObject data)
        {
            return node;
        }
        data.Remove("$type");
        if (!full)
        {
            foreach (var name in PeopleArrays)
            {
                if (data[name] is JsonArray people)
                {
                    foreach (var person in people.OfType<JsonObject>())
                    {
                        MaskField(person, "name", Masking.Name);
                        MaskField(person, "idNumber", Masking.IdNumber);
                        MaskField(person, "phone", Masking.Phone);
                        MaskField(person, "address", Masking.Address);
                    }
                }
            }
        }
        return data;
    }

    private static void MaskField(JsonObject person, string field, Func<string, string> mask)
    {
        if (person[field] is JsonValue value && value.TryGetValue<string>(out var text))
        {
            person[field] = mask(text);
        }
    }
}

/// <summary>A person on a case (petitioner or party), masked unless the caller may see it.</summary>
public sealed record PersonView(string Name, string? IdNumber, string? Phone, string? Address);

/// <summary>One step of a case's audit trail.</summary>
public sealed record CaseEventView(long Version, string Type, DateTimeOffset OccurredAt, string? Actor, JsonNode? Data);

/// <summary>A page of list items.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);
