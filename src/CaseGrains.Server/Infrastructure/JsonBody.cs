using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace CaseGrains.Server.Infrastructure;

/// <summary>A request body that must pass its own checks.</summary>
internal interface IValidatedRequest
{
    /// <summary>Adds a message per faulty field (JSON path, camelCase) to <paramref name="errors"/>.</summary>
    void Validate(FieldErrors errors);
}

/// <summary>Collects field errors.</summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
    }

    public void Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required");
        }
        else
        {
            MaxLength(field, value, maxLength);
        }
    }

    public void MaxLength(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters");
        }
    }

    public void Required(string field, object? value)
    {
        if (value is null)
        {
            Add(field, "is required");
        }
    }

    /// <summary>Earliest and latest report year the API accepts.</summary>
    public const int FirstYear = 1990, LastYear = 2200;

    public void Year(string field, int? year)
    {
        if (year is < FirstYear or > LastYear)
        {
            Add(field, $"must be between {FirstYear} and {LastYear}");
        }
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}

/// <summary>
/// Binds a JSON body and turns every way it can be wrong (malformed JSON, wrong types, unknown
/// enum values or fields, missing or over-long values) into a 400 with a field-level errors map,
/// before any grain is called.
/// </summary>
internal sealed class JsonBody<T> : IEndpointParameterMetadataProvider where T : class, IValidatedRequest
{
    private JsonBody(T? value, IResult? problem)
    {
        Value = value;
        Problem = problem;
    }

    public T? Value { get; }

    public IResult? Problem { get; }

    public static async ValueTask<JsonBody<T>> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        if (context.Request.HasJsonContentType() is false)
        {
            return new(null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, GatewayErrors.UnsupportedMediaType,
                "Unsupported media type", "Send the body as application/json."));
        }
        var options = StrictEnums.For(context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);
        T? value;
        try
        {
            value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, options, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return new(null, Problems.Field(field, Describe(ex)));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(null, Problems.Status(StatusCodes.Status413PayloadTooLarge, GatewayErrors.PayloadTooLarge,
                "Payload too large", "The body is larger than the limit."));
        }
        if (value is null)
        {
            return new(null, Problems.Field("body", "A JSON object is required."));
        }
        var errors = new FieldErrors();
        value.Validate(errors);
        return errors.Any ? new(null, Problems.Validation(errors.ToDictionary())) : new(value, null);
    }

    // JsonException messages may quote the offending value; they never reach a log, only the caller who sent it.
    private static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new AcceptsMetadata(["application/json"], typeof(T)));
    }
}

/// <summary>
/// Request enums are read as exactly one of their names. The general string-enum converter also reads
/// flag lists, so "letter, visit" became the bitwise OR of the two, i.e. another valid value; a request
/// must never be silently read as something its sender did not write.
/// </summary>
internal static class StrictEnums
{
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Derived = new();

    /// <summary>The shared options with strict enum reading in front of every other converter.</summary>
    public static JsonSerializerOptions For(JsonSerializerOptions shared) => Derived.GetValue(shared, static options =>
    {
        var strict = new JsonSerializerOptions(options);
        strict.Converters.Insert(0, new StrictEnumConverterFactory());
        return strict;
    });

    private sealed class StrictEnumConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
            => (JsonConverter)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class StrictEnumConverter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
    {
        private static readonly Dictionary<string, TEnum> ByName = Enum.GetValues<TEnum>()
            .ToDictionary(v => JsonNamingPolicy.CamelCase.ConvertName(v.ToString()), StringComparer.OrdinalIgnoreCase);

        private static readonly string Expected = "must be one of: " + string.Join(", ", ByName.Keys);

        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String && ByName.TryGetValue(reader.GetString()!, out var value))
            {
                return value;
            }
            throw new JsonException(Expected);
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(JsonNamingPolicy.CamelCase.ConvertName(value.ToString()));
        }
    }
}
