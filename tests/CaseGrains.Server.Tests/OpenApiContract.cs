using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace CaseGrains.Server.Tests;

/// <summary>One answer the service gave, as the contract check saw it.</summary>
internal sealed record Exchange(string Method, string Path, string? Template, int Status, string? MediaType, string[] Headers, string Body, string? Violation)
{
    /// <summary>The operation and status the answer was checked against, e.g. <c>POST /api/townships/{townshipId}/petitions 201</c>.</summary>
    public string Key => $"{Method} {Template ?? Path} {Status}";
}

/// <summary>
/// The served OpenAPI document as a validator of answers: finds the operation of a request (its path
/// template and method), the declared answer of its status, checks the media type, the headers the
/// contract names (<c>ETag</c>, <c>Location</c>, <c>Retry-After</c>, <c>Idempotent-Replayed</c>) and
/// validates the body against the answer's schema with JSON Schema 2020-12 (OpenAPI 3.1's dialect),
/// formats included. An error answer to a method the path does not have (405) is checked against the
/// document's one error schema.
/// </summary>
internal sealed class OpenApiContract
{
    private static readonly string[] ContractHeaders = ["ETag", "Location", "Retry-After", "Idempotent-Replayed"];
    // A pass/fail evaluation for every answer; the detailed one only to explain a failure.
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };
    private static readonly EvaluationOptions Explanation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private readonly JsonObject _document;
    private readonly JsonObject _definitions;
    private readonly List<(string Template, Regex Pattern, int Literals)> _templates;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private int _built;

    private OpenApiContract(JsonObject document)
    {
        _document = document;
        var components = document["components"]?["schemas"]?.AsObject() ?? [];
        _definitions = (JsonObject)Rewrite(components)!;
        _templates = [.. document["paths"]!.AsObject().Select(p => (p.Key, PatternOf(p.Key), p.Key.Split('/').Count(s => !s.StartsWith('{'))))];
    }

    public JsonObject Document => _document;

    public static OpenApiContract Parse(string json) => new(JsonNode.Parse(json)!.AsObject());

    /// <summary>The path template a request path falls under, the one with most literal segments when several do.</summary>
    public string? TemplateOf(string path)
        => _templates.Where(t => t.Pattern.IsMatch(path)).OrderByDescending(t => t.Literals).Select(t => t.Template).FirstOrDefault();

    /// <summary>Checks one answer; the exchange's <see cref="Exchange.Violation"/> is null when it matches the document.</summary>
    public Exchange Check(string method, string path, int status, string? mediaType, IEnumerable<string> headers, string body)
    {
        var names = headers.ToArray();
        var template = TemplateOf(path);
        string? Violation()
        {
            if (template is null)
            {
                // Not an operation of the document: an error of the API must still be a Problem; other pages are not described.
                return path.StartsWith("/api", StringComparison.Ordinal)
                    ? status >= 400 ? CheckBody("#/components/schemas/Problem", mediaType, "application/problem+json", body) : "a success on a path the document does not have"
                    : null;
            }
            var item = _document["paths"]![template]!.AsObject();
            if (item[method.ToLowerInvariant()] is not JsonObject operation)
            {
                return status == 405
                    ? CheckBody("#/components/schemas/Problem", mediaType, "application/problem+json", body)
                    : $"no {method} operation, yet the answer is {status}";
            }
            var responses = operation["responses"]!.AsObject();
            var declared = responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]
                ?? responses[$"{status / 100}XX"] ?? responses["default"];
            if (declared is null)
            {
                return $"status {status} is not declared (declared: {string.Join(", ", responses.Select(r => r.Key))})";
            }
            var response = Resolve(declared).AsObject();
            var declaredHeaders = response["headers"]?.AsObject().Select(h => h.Key).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
            var undeclared = names.Where(n => ContractHeaders.Contains(n, StringComparer.OrdinalIgnoreCase) && !declaredHeaders.Contains(n)).ToList();
            if (undeclared.Count > 0)
            {
                return $"header {string.Join(", ", undeclared)} is not declared on the {status} answer";
            }
            if (response["content"] is not JsonObject content || content.Count == 0)
            {
                return body.Length == 0 ? null : "a body where the document declares none";
            }
            if (mediaType is null || content[mediaType] is not JsonObject media)
            {
                return $"media type {mediaType ?? "(none)"} is not declared (declared: {string.Join(", ", content.Select(c => c.Key))})";
            }
            var pointer = $"#/paths/{Escape(template)}/{method.ToLowerInvariant()}/responses/{status}/content/{Escape(mediaType)}/schema";
            // Only JSON bodies have a JSON schema to meet; files (csv, xlsx, docx) and event streams are checked by media type.
            return media["schema"] is null || !IsJson(mediaType) ? null : CheckBody(pointer, mediaType, mediaType, body);
        }
        return new Exchange(method, path, template, status, mediaType, names, body, Violation());
    }

    /// <summary>Validates a body against the schema at a JSON pointer of the document.</summary>
    private string? CheckBody(string pointer, string? mediaType, string expectedMediaType, string body)
    {
        if (mediaType != expectedMediaType)
        {
            return $"media type {mediaType ?? "(none)"}, expected {expectedMediaType}";
        }
        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException ex)
        {
            return "a body that is not JSON: " + ex.Message;
        }
        var schema = _schemas.GetOrAdd(pointer, Build);
        if (schema.Evaluate(instance, Evaluation).IsValid)
        {
            return null;
        }
        var errors = Flatten(schema.Evaluate(instance, Explanation)).Take(8).ToList();
        return $"the body does not validate against {pointer}: {string.Join("; ", errors)}";
    }

    private static IEnumerable<string> Flatten(EvaluationResults results)
    {
        if (results.Errors is { } errors)
        {
            foreach (var (keyword, message) in errors)
            {
                yield return $"{results.InstanceLocation} ({results.EvaluationPath} {keyword}): {message}";
            }
        }
        foreach (var child in results.Details ?? [])
        {
            foreach (var line in Flatten(child))
            {
                yield return line;
            }
        }
    }

    /// <summary>A standalone 2020-12 schema: the node at the pointer, with every component schema under <c>$defs</c>.</summary>
    private JsonSchema Build(string pointer)
    {
        var node = Navigate(pointer);
        var root = Rewrite(node) is JsonObject obj ? obj : new JsonObject { ["allOf"] = new JsonArray(Rewrite(node)) };
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = _definitions.DeepClone();
        var id = new Uri($"https://casegrains.test/contract/{Interlocked.Increment(ref _built)}");
        return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() }, id);
    }

    private JsonNode Navigate(string pointer)
    {
        JsonNode node = _document;
        foreach (var part in pointer.TrimStart('#', '/').Split('/'))
        {
            node = node[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]
                ?? throw new InvalidOperationException($"{pointer} is not in the document");
        }
        return node;
    }

    /// <summary>A response given as a <c>$ref</c> to <c>components/responses</c>, resolved.</summary>
    private JsonNode Resolve(JsonNode response)
        => response["$ref"]?.GetValue<string>() is { } reference ? Navigate(reference) : response;

    /// <summary>A copy with <c>#/components/schemas/X</c> references pointing at <c>#/$defs/X</c>.</summary>
    private static JsonNode? Rewrite(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    copy[key] = key == "$ref" && value?.GetValue<string>() is { } reference
                        ? reference.Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal)
                        : Rewrite(value);
                }
                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(Rewrite)]);
            default:
                return node?.DeepClone();
        }
    }

    private static bool IsJson(string mediaType) => mediaType is "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);

    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static Regex PatternOf(string template)
    {
        var pattern = new StringBuilder("^");
        foreach (var segment in template.Split('/').Skip(1))
        {
            pattern.Append('/').Append(segment.StartsWith('{') ? "[^/]+" : Regex.Escape(segment));
        }
        return new Regex(pattern.Append("/?$").ToString(), RegexOptions.CultureInvariant);
    }
}

/// <summary>
/// Checks every answer a test client receives against the served document and fails the request (so the
/// test) on the first answer that does not match; every exchange is kept for the coverage checks.
/// </summary>
internal sealed class ContractCheckingHandler(Func<Task<OpenApiContract>> contract, ConcurrentQueue<Exchange> exchanges) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        // An event stream never ends: it is checked by status, media type and headers, and handed on unread.
        var streaming = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
        if (!streaming)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
        }
        var body = streaming ? "" : await response.Content.ReadAsStringAsync(cancellationToken);
        var headers = response.Headers.Select(h => h.Key).Concat(response.Content.Headers.Select(h => h.Key));
        var exchange = (await contract()).Check(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType, headers, body);
        exchanges.Enqueue(exchange);
        if (exchange.Violation is { } violation)
        {
            throw new OpenApiContractException(
                $"{request.Method} {request.RequestUri.PathAndQuery} answered {(int)response.StatusCode} {exchange.MediaType}, which /openapi/v1.json does not describe: {violation}\n" +
                (body.Length > 600 ? body[..600] + "…" : body));
        }
        return response;
    }
}

/// <summary>An answer that does not match the served document.</summary>
public sealed class OpenApiContractException(string message) : Exception(message);
