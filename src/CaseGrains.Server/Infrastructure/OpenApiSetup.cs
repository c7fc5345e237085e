using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CaseGrains.Domain.Rollups;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace CaseGrains.Server.Infrastructure;

/// <summary>A request or answer type that shows an example (in Chinese, as an officer would fill it) in the document.</summary>
internal interface IOpenApiExample<TSelf> where TSelf : IOpenApiExample<TSelf>
{
    /// <summary>A valid instance.</summary>
    static abstract TSelf Example { get; }
}

/// <summary>
/// The served OpenAPI document. Every endpoint brings its own types, summary and description
/// (<see cref="EndpointDocs"/>); the transformers here add what applies to all of them, so that every
/// answer the service gives validates against the document: the one error schema (<c>Problem</c>) on
/// every 4xx and 5xx answer, the answers any call may get, the headers of <c>api.md</c>, security on
/// every operation, tags with descriptions, nullable enums that accept null, and examples.
/// </summary>
internal static class OpenApiSetup
{
    /// <summary>The one error schema of the document.</summary>
    public const string ProblemSchema = "Problem";

    private const string ProblemJson = "application/problem+json";
    private const string BearerScheme = "bearer";

    /// <summary>Answers any <c>/api</c> call may get, whatever the endpoint.</summary>
    private static readonly int[] CommonApiAnswers = [401, 403, 429, 500, 503];

    /// <summary>Answers any call with a JSON body may get.</summary>
    private static readonly int[] BodyAnswers = [400, 413, 415];

    private static readonly Dictionary<int, string> ErrorDescriptions = new()
    {
        [400] = "Invalid fields, query values or headers; `errors` names each one. Nothing was changed.",
        [401] = "No bearer token, or an invalid one.",
        [403] = "The caller's role may not do this.",
        [404] = "Not found, or outside the caller's scope (never 403, so that ids cannot be probed).",
        [405] = "The method is not allowed on this path.",
        [409] = "The case is not in a state that allows this, or another change raced this one. Nothing was changed.",
        [412] = "`If-Match` names another version than the current one; read the case again.",
        [413] = "The body is over 256 KiB.",
        [415] = "The body is not `application/json`.",
        [422] = "A rule of the regulations refuses it, or an `Idempotency-Key` was reused with another body.",
        [429] = "The caller is over its request budget; retry after `Retry-After` seconds.",
        [500] = "An unexpected error (a bug); the `traceId` finds it in the logs.",
        [503] = "The database or the node holding the case is unavailable; nothing was changed unless the case says so. Retry after `Retry-After` seconds.",
    };

    public static void AddGatewayOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddSchemaTransformer(TransformSchema);
        options.AddOperationTransformer(TransformOperation);
        options.AddDocumentTransformer(TransformDocument);
    });

    // ---- schemas: what the framework cannot see through our converters ----

    private static Task TransformSchema(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        var underlying = Nullable.GetUnderlyingType(type);
        if ((underlying ?? type) == typeof(DateTimeOffset) && schema.Type is null)
        {
            // StrictDateTimeOffsetConverter hides the type from the schema exporter; instants are strings with an offset.
            schema.Type = underlying is null ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
            schema.Format = "date-time";
        }
        else if (type == typeof(JsonNode))
        {
            // An audit-trail event's data is always an object.
            schema.Type = JsonSchemaType.Object;
        }
        else if (type == typeof(CountTable))
        {
            schema.Type = JsonSchemaType.Object;
            schema.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" };
        }
        return Task.CompletedTask;
    }

    // ---- operations: security, the answers every call may get, the error schema, headers, examples ----

    private static Task TransformOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var isApi = description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
        operation.Responses ??= [];
        if (metadata.OfType<UploadFormats>().FirstOrDefault() is { } uploads)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The file itself as the body.",
                Content = uploads.MediaTypes.ToDictionary(m => m, m => new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = m.StartsWith("text/", StringComparison.Ordinal) ? null : "binary" },
                }),
            };
        }

        operation.Security = isApi
            ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }]
            // Health probes are open: an empty requirement says so explicitly.
            : [];

        var statuses = new List<int>();
        if (isApi)
        {
            statuses.AddRange(CommonApiAnswers);
        }
        if (operation.RequestBody is not null)
        {
            statuses.AddRange(BodyAnswers);
        }
        foreach (var status in statuses)
        {
            operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse());
        }

        var headers = metadata.OfType<HeaderConvention>().ToHashSet();
        if (headers.Contains(HeaderConvention.IfMatch))
        {
            AddHeaderParameter(operation, "If-Match",
                "The version the command was decided on, as the case's `ETag` gave it (`\"3\"`); a stale one answers 412 and changes nothing. `*` or none: any version.",
                "\"3\"");
        }
        if (headers.Contains(HeaderConvention.IdempotencyKey))
        {
            AddHeaderParameter(operation, Idempotency.HeaderName,
                $"A key of the client's choosing (1 to {Idempotency.MaxKeyLength} printable characters): a retry with the same key and body creates nothing new and answers with the case the first request created; the same key with another body answers 422.",
                "7c1e1a52-first");
        }

        var problem = new OpenApiSchemaReference(ProblemSchema, context.Document);
        foreach (var (key, response) in operation.Responses.ToList())
        {
            if (response is not OpenApiResponse concrete || !int.TryParse(key, out var status))
            {
                continue;
            }
            if (status >= 400)
            {
                // Every error answer is the one Problem schema, whatever the framework inferred.
                concrete.Description = ErrorDescriptions.GetValueOrDefault(status, concrete.Description ?? "Error.");
                concrete.Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = problem } };
                if (status is 429 or 503)
                {
                    AddHeader(concrete, "Retry-After", "Seconds to wait before retrying.", JsonSchemaType.Integer);
                }
                continue;
            }
            if (headers.Contains(HeaderConvention.ETag))
            {
                AddHeader(concrete, "ETag", "The case's version, quoted (`\"3\"`): send it back as `If-Match`.", JsonSchemaType.String);
            }
            if (status == 201 || (status == 202 && headers.Contains(HeaderConvention.Location)))
            {
                AddHeader(concrete, "Location", "Where the created resource is read.", JsonSchemaType.String);
            }
            if (status == 200 && metadata.OfType<FileFormats>().FirstOrDefault() is { } files)
            {
                concrete.Content ??= new Dictionary<string, OpenApiMediaType>();
                foreach (var mediaType in files.MediaTypes)
                {
                    var text = mediaType.StartsWith("text/", StringComparison.Ordinal);
                    concrete.Content.TryAdd(mediaType, new OpenApiMediaType
                    {
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = text ? null : "binary" },
                    });
                }
            }
            if (status == 201 && headers.Contains(HeaderConvention.IdempotencyKey))
            {
                AddHeader(concrete, "Idempotent-Replayed", "`true` when this is the answer to a retry: nothing new was created.", JsonSchemaType.String);
            }
        }

        AddExamples(operation, description, context.ApplicationServices);
        // Answers in status order, as a reader looks for them.
        var sorted = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (key, response) in sorted)
        {
            operation.Responses[key] = response;
        }
        return Task.CompletedTask;
    }

    private static void AddHeaderParameter(OpenApiOperation operation, string name, string description, string example)
    {
        operation.Parameters ??= [];
        if (operation.Parameters.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Header,
            Required = false,
            Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = JsonValue.Create(example),
        });
    }

    private static void AddHeader(OpenApiResponse response, string name, string description, JsonSchemaType type)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers.TryAdd(name, new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = type } });
    }

    /// <summary>The examples of the request body and of the successful answers, from their types.</summary>
    private static void AddExamples(OpenApiOperation operation, Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription description, IServiceProvider services)
    {
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        if (operation.RequestBody?.Content is { } requestContent
            && description.ParameterDescriptions.FirstOrDefault(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body)?.Type is { } bodyType
            && ExampleOf(bodyType, json, skipNulls: true) is { } requestExample
            && requestContent.TryGetValue("application/json", out var requestMedia))
        {
            requestMedia.Example = requestExample;
        }
        foreach (var supported in description.SupportedResponseTypes)
        {
            if (supported.Type is { } type && operation.Responses!.TryGetValue(supported.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response)
                && response.Content?.TryGetValue("application/json", out var media) == true && media is not null
                && ExampleOf(type, json, skipNulls: false) is { } example)
            {
                media.Example = example;
            }
        }
    }

    private static readonly MethodInfo ExampleMethod = typeof(OpenApiSetup).GetMethod(nameof(Example), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static JsonNode? ExampleOf(Type type, JsonSerializerOptions json, bool skipNulls)
    {
        if (!type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IOpenApiExample<>) && i.GenericTypeArguments[0] == type))
        {
            return null;
        }
        var value = ExampleMethod.MakeGenericMethod(type).Invoke(null, null);
        var options = skipNulls ? new JsonSerializerOptions(json) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull } : json;
        return JsonSerializer.SerializeToNode(value, type, options);
    }

    private static T Example<T>() where T : IOpenApiExample<T> => T.Example;

    // ---- the document: info, servers, tags, the error schema, the bearer scheme ----

    private static Task TransformDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "CaseGrains gateway API";
        document.Info.Description = """
            Petitions (信访件), disputes (矛盾纠纷), townships and their rosters, and the year figures (统计) of township governments.
            The contract is `api.md`; this document describes every answer the service gives.

            **Tokens.** Every `/api` call needs a bearer JWT. On a self-hosted service, mint one at the repository root with
            `dotnet run --project src/CaseGrains.Server -- token --role officer --township <id>` (roles: `officer`, `supervisor`,
            `reporter`, `admin`; `--county <id>` for a county scope). A case outside the caller's scope answers 404.

            **Errors.** Every error is `application/problem+json` (RFC 9457) in the one `Problem` schema: a stable `code`, an English
            `detail`, a Chinese `messageZh`, a `traceId`, and for field errors an `errors` map.

            **Concurrency and retries.** Answers that carry one case send `ETag: "<version>"`; a command may send it back as `If-Match`
            and gets 412 on a stale version. A creating `POST` honours `Idempotency-Key`.
            """;
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "HS256 token (issuer `casegrains`, audience `casegrains-api`) minted by the server's `token` verb, or one from the configured OIDC authority.",
        };

        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = Problem();
        // The framework's own problem schemas are replaced by the one above everywhere.
        document.Components.Schemas.Remove("ProblemDetails");
        document.Components.Schemas.Remove("HttpValidationProblemDetails");
        foreach (var schema in document.Components.Schemas.Values.OfType<OpenApiSchema>())
        {
            // A nullable use of an enum puts null into the shared enum schema; then `oneOf: [null, $ref]` matches null
            // twice and fails. Nullability belongs to the use, so the enum itself lists only its names.
            if (schema.Enum is { } values && values.Any(v => v is null || v.GetValueKind() == JsonValueKind.Null))
            {
                schema.Enum = [.. values.Where(v => v is not null && v.GetValueKind() != JsonValueKind.Null)];
            }
            if (schema.Enum is { Count: > 0 } names && names.All(v => v!.GetValueKind() == JsonValueKind.String))
            {
                schema.Type = JsonSchemaType.String;
            }
        }

        var described = context.DescriptionGroups.SelectMany(g => g.Items)
            .SelectMany(d => d.ActionDescriptor.EndpointMetadata.OfType<TagDescription>())
            .DistinctBy(t => t.Name)
            .ToDictionary(t => t.Name, t => t.Description, StringComparer.Ordinal);
        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var tag in document.Tags)
        {
            if (tag.Name is { } name && described.TryGetValue(name, out var text))
            {
                tag.Description = text;
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>RFC 9457 ProblemDetails as this service writes it, for every error answer.</summary>
    private static OpenApiSchema Problem()
    {
        static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "错误 — every error answer (RFC 9457 ProblemDetails), `application/problem+json`.",
            Required = new HashSet<string>(StringComparer.Ordinal) { "type", "title", "status", "detail", "code", "messageZh", "traceId" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Text("A URI naming the kind of error."),
                ["title"] = Text("A short English title of the kind of error."),
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status." },
                ["detail"] = Text("What went wrong with this request, in English."),
                ["instance"] = Text("The request the error is about, when given."),
                ["code"] = Text("The stable error code; clients key on it. One of: " + string.Join(", ", GatewayErrors.Catalog.Select(c => $"`{c}`")) + "."),
                ["messageZh"] = Text("The message in Chinese, for the officer."),
                ["traceId"] = Text("The W3C trace id of the request, to find it in traces and logs."),
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "Field errors (400): each faulty field's JSON path (camelCase), query parameter or header, and what is wrong with it.",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            },
            AdditionalPropertiesAllowed = false,
            Examples =
            [
                new JsonObject
                {
                    ["type"] = "https://httpstatuses.io/409",
                    ["title"] = "Not allowed in the case's current state",
                    ["status"] = 409,
                    ["detail"] = "The petition has not been accepted.",
                    ["code"] = "petition.not-accepted",
                    ["messageZh"] = "此信访件尚未受理。",
                    ["traceId"] = "00-3ed4adc7f57435525c2179acc57b66eb-1c53ffda87b5b660-00",
                },
            ],
        };
    }
}
