using System.Text.Json;
using System.Text.Json.Nodes;
using CaseGrains.Testing;

namespace CaseGrains.Server.Tests;

/// <summary>
/// The served <c>/openapi/v1.json</c> describes every mapped <c>/api</c> route and method (read from the
/// running app), their bodies with the fields and enum values of <c>api.md</c>, and their answers.
/// </summary>
public sealed class OpenApiTests(OpenApiDocumentFixture fixture) : IClassFixture<OpenApiDocumentFixture>
{
    private readonly ApiWorld _world = fixture.World;
    private readonly JsonElement _document = fixture.Document;

    [Fact]
    public void Every_mapped_api_route_and_method_is_in_the_document()
    {
        var paths = _document.GetProperty("paths");
        var missing = new List<string>();
        foreach (var (method, pattern, _) in EndpointTable.Mapped(_world.App))
        {
            var path = EndpointTable.Normalize(pattern);
            if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out _))
            {
                missing.Add($"{method} {path}");
            }
        }
        Assert.True(missing.Count == 0, "Not in /openapi/v1.json: " + string.Join("; ", missing));
    }

    [Fact]
    public void Every_body_has_a_json_schema_with_the_contract_fields_and_enum_values()
    {
        var problems = new List<string>();
        foreach (var spec in EndpointTable.All.Where(e => e.HasBody))
        {
            var operation = Operation(spec);
            if (!operation.TryGetProperty("requestBody", out var requestBody)
                || !requestBody.GetProperty("content").TryGetProperty("application/json", out var json)
                || !json.TryGetProperty("schema", out var schema))
            {
                problems.Add($"{spec}: no application/json request body schema");
                continue;
            }
            var resolved = Resolve(schema);
            var required = resolved.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(r => r.GetString()).ToHashSet() : [];
            foreach (var field in spec.Fields)
            {
                if (Property(schema, field.Name) is not { } property)
                {
                    problems.Add($"{spec}: field '{field.Name}' is not described");
                    continue;
                }
                if (field.Required && !required.Contains(field.Name))
                {
                    problems.Add($"{spec}: field '{field.Name}' is not marked required");
                }
                if (field.Values is { } values)
                {
                    var described = EnumValues(property);
                    var absent = values.Where(v => !described.Contains(v)).ToList();
                    if (absent.Count > 0)
                    {
                        problems.Add($"{spec}: '{field.Name}' lacks the values {string.Join(", ", absent)} (has {string.Join(", ", described)})");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_operation_describes_its_success_and_error_answers()
    {
        var problems = new List<string>();
        foreach (var spec in EndpointTable.All)
        {
            var responses = Operation(spec).GetProperty("responses");
            var statuses = responses.EnumerateObject().Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            var success = spec.Success.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!responses.TryGetProperty(success, out var ok) || !ok.TryGetProperty("content", out var content) || !content.EnumerateObject().Any())
            {
                problems.Add($"{spec}: the {success} answer has no schema");
            }
            var expected = new List<string> { "401", "403" };
            if ((spec.Success != 201 || spec.Method != "PUT") && spec.Scope != ScopeKind.Service)
            {
                // Everything but creating a township or asking about the whole service looks up something that may
                // not exist (or not in the caller's scope).
                expected.Add("404");
            }
            if (spec.HasBody)
            {
                expected.Add("400");
            }
            if (spec.Target is not null)
            {
                expected.AddRange(["409", "412"]);
            }
            var absent = expected.Where(s => !statuses.Contains(s)).ToList();
            if (absent.Count > 0)
            {
                problems.Add($"{spec}: does not describe {string.Join(", ", absent)} (has {string.Join(", ", statuses)})");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Views_and_rollups_carry_the_contract_fields_and_statuses()
    {
        var petition = SuccessSchema("GET /api/townships/{townshipId}/petitions/{caseId}");
        Describes(petition, "petition view",
            "id", "townshipId", "status", "channel", "category", "subject", "summary", "village", "petitioners", "headcount", "collective",
            "repeatOf", "receivedAt", "acceptedAt", "leaderId", "handlers", "acceptanceDueOn", "handlingDueOn", "extendedDays", "concludedAt",
            "outcome", "rating", "overdue", "daysOverdue", "version");
        Assert.Equal([], EndpointTable.PetitionStatuses.Except(EnumValues(Property(petition, "status")!.Value)));
        Assert.Equal([], EndpointTable.Channels.Except(EnumValues(Property(petition, "channel")!.Value)));

        var dispute = SuccessSchema("GET /api/townships/{townshipId}/disputes/{caseId}");
        Describes(dispute, "dispute view", "id", "townshipId", "status", "source", "category", "subject", "summary", "village", "parties", "riskLevel", "version");
        Assert.Equal([], EndpointTable.DisputeStatuses.Except(EnumValues(Property(dispute, "status")!.Value)));

        var township = SuccessSchema("GET /api/townships/{townshipId}/rollups/{year}");
        Describes(township, "township rollup", "scope", "year", "asOf", "petitions", "disputes");
        var petitions = Property(township, "petitions")!.Value;
        Describes(petitions, "petition figures",
            "registered", "accepted", "declined", "concluded", "inProgress", "withdrawn", "concludedOnTime", "onTimeRate", "overdueNow", "evaluated",
            "evaluationRate", "satisfied", "satisfactionRate", "repeat", "collective", "reviews", "rechecks", "byChannel", "byCategory");
        Describes(Property(township, "disputes")!.Value, "dispute figures",
            "registered", "accepted", "resolved", "failed", "inProgress", "resolutionRate", "simpleProcedure", "generalProcedure",
            "writtenAgreements", "followedUp", "fulfilled", "overdueNow", "byCategory", "bySource");
        Describes(Property(petitions, "onTimeRate")!.Value, "rate", "value", "numerator", "denominator", "formula");
        Describes(SuccessSchema("GET /api/counties/{countyId}/rollups/{year}"), "county rollup", "scope", "year", "asOf", "petitions", "disputes", "townships");
    }

    private void Describes(JsonElement schema, string what, params string[] fields)
    {
        var absent = fields.Where(f => Property(schema, f) is null).ToList();
        Assert.True(absent.Count == 0, $"The {what} schema lacks {string.Join(", ", absent)}");
    }

    [Fact]
    public async Task The_document_is_served_without_a_token_and_names_the_bearer_scheme()
    {
        var answer = await _world.SendAsync(HttpMethod.Get, "/openapi/v1.json", token: null);
        Assert.Equal("application/json", answer.MediaType);
        Assert.Contains("bearer", answer.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Every_operation_has_a_summary_a_description_a_tag_with_a_description_and_declared_security()
    {
        var tags = _document.GetProperty("tags").EnumerateArray()
            .Where(t => t.TryGetProperty("description", out var d) && d.GetString() is { Length: > 0 })
            .Select(t => t.GetProperty("name").GetString()).ToHashSet();
        var problems = new List<string>();
        foreach (var path in _document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var at = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                foreach (var member in new[] { "summary", "description", "operationId" })
                {
                    if (!operation.Value.TryGetProperty(member, out var text) || text.GetString() is not { Length: > 0 })
                    {
                        problems.Add($"{at}: no {member}");
                    }
                }
                if (!operation.Value.TryGetProperty("tags", out var used) || !used.EnumerateArray().Any() || used.EnumerateArray().Any(t => !tags.Contains(t.GetString())))
                {
                    problems.Add($"{at}: no tag, or a tag without a description");
                }
                if (!operation.Value.TryGetProperty("security", out var security))
                {
                    problems.Add($"{at}: no security declared");
                }
                else if (path.Name.StartsWith("/api", StringComparison.Ordinal) != (security.GetArrayLength() > 0))
                {
                    problems.Add($"{at}: /api operations need the bearer scheme, probes none");
                }
                foreach (var answer in operation.Value.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
                {
                    if (answer.Value.GetProperty("content").EnumerateObject().Select(c => (c.Name, Ref: c.Value.GetProperty("schema").GetProperty("$ref").GetString()))
                        .SingleOrDefault() != ("application/problem+json", "#/components/schemas/Problem"))
                    {
                        problems.Add($"{at}: the {answer.Name} answer is not the one Problem schema");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.DoesNotContain("/", _document.GetProperty("servers")[0].GetProperty("url").GetString()![^1..], StringComparison.Ordinal);
    }

    [Fact]
    public void The_error_schema_declares_every_field_an_error_answer_carries()
    {
        var problem = _document.GetProperty("components").GetProperty("schemas").GetProperty("Problem");
        Describes(problem, "problem", "type", "title", "status", "detail", "code", "messageZh", "traceId", "errors");
        var required = problem.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "type", "title", "status", "detail", "code", "messageZh", "traceId" }, required);
        Assert.False(_document.GetProperty("components").GetProperty("schemas").TryGetProperty("ProblemDetails", out _));
    }

    [Fact]
    public async Task The_contract_check_refuses_what_the_issue_found_and_accepts_null_where_the_view_allows_it()
    {
        var contract = await _world.App.ContractAsync();
        const string json = "application/json";
        const string problemJson = "application/problem+json";
        var view = _document.GetProperty("paths").GetProperty("/api/townships/{townshipId}/petitions/{caseId}").GetProperty("get")
            .GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty(json).GetProperty("example");
        string Mutated(string field, JsonNode? value)
        {
            var node = JsonNode.Parse(view.GetRawText())!.AsObject();
            node[field] = value;
            return node.ToJsonString();
        }
        Exchange Petition(string body, string[]? headers = null)
            => contract.Check("GET", "/api/townships/t1/petitions/2024-XF-0001", 200, json, headers ?? ["ETag"], body);

        // Null in a nullable enum is valid; a value outside the enum, null in a non-nullable one or an undeclared field is not.
        Assert.Null(Petition(Mutated("reviewDecision", null)).Violation);
        Assert.Null(Petition(Mutated("rating", "satisfied")).Violation);
        Assert.NotNull(Petition(Mutated("rating", "happy")).Violation);
        Assert.NotNull(Petition(Mutated("status", null)).Violation);
        Assert.NotNull(Petition(Mutated("receivedAt", "2024-03-05")).Violation);
        Assert.NotNull(Petition(Mutated("undeclared", 1)).Violation);
        Assert.Contains("Location", Petition(view.GetRawText(), ["ETag", "Location"]).Violation, StringComparison.Ordinal);

        // An error answer without code, messageZh or traceId, or with a field the schema does not have.
        const string complete = """{"type":"t","title":"Not found","status":404,"detail":"d","code":"case.not-found","messageZh":"案件不存在。","traceId":"00-1-2-00"}""";
        Assert.Null(contract.Check("GET", "/api/townships/t1/petitions/2024-XF-0001", 404, problemJson, [], complete).Violation);
        foreach (var field in new[] { "code", "messageZh", "traceId" })
        {
            var lacking = JsonNode.Parse(complete)!.AsObject();
            lacking.Remove(field);
            Assert.NotNull(contract.Check("GET", "/api/townships/t1/petitions/2024-XF-0001", 404, problemJson, [], lacking.ToJsonString()).Violation);
        }
        Assert.NotNull(contract.Check("GET", "/api/townships/t1/petitions/2024-XF-0001", 404, problemJson, [], complete.Replace("}", ",\"extra\":1}", StringComparison.Ordinal)).Violation);
        Assert.NotNull(contract.Check("GET", "/api/townships/t1/petitions/2024-XF-0001", 418, problemJson, [], complete).Violation);
        Assert.NotNull(contract.Check("GET", "/api/townships/t1/petitions/2024-XF-0001", 404, json, [], complete).Violation);
        Assert.NotNull(contract.Check("PATCH", "/api/townships/t1/petitions/2024-XF-0001", 200, json, [], "{}").Violation);
    }

    [Fact]
    public async Task The_reference_page_is_served_without_a_token_from_the_service_itself_and_says_how_to_get_one()
    {
        var page = await _world.SendAsync(HttpMethod.Get, "/docs/", token: null);
        Assert.Equal(200, page.Code);
        Assert.Equal("text/html", page.MediaType);
        Assert.Contains("dotnet run --project src/CaseGrains.Server -- token --role officer --township", page.Body, StringComparison.Ordinal);
        Assert.Contains("openapi/v1.json", page.Body, StringComparison.Ordinal);
        Assert.Equal(200, (await _world.SendAsync(HttpMethod.Get, "/docs", token: null)).Code);
        // Its scripts come from the service (a township's network may reach nothing else), also without a token.
        var scripts = System.Text.RegularExpressions.Regex.Matches(page.Body, "src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            Assert.DoesNotContain("//", script, StringComparison.Ordinal);
            var asset = await _world.SendAsync(HttpMethod.Get, "/docs/" + script, token: null);
            Assert.True(asset.Code == 200 && asset.MediaType?.Contains("javascript", StringComparison.Ordinal) == true, $"{script}: {asset}");
        }
        // The document says the same about tokens.
        Assert.Contains("token --role officer --township", _document.GetProperty("info").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private JsonElement Operation(EndpointSpec spec)
        => _document.GetProperty("paths").GetProperty(EndpointTable.Normalize(spec.Pattern)).GetProperty(spec.Method.ToLowerInvariant());

    private JsonElement SuccessSchema(string key)
    {
        var spec = EndpointTable.ByKey[key];
        return Operation(spec).GetProperty("responses").GetProperty(spec.Success.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .GetProperty("content").GetProperty("application/json").GetProperty("schema");
    }

    /// <summary>Follows <c>$ref</c>s into <c>components/schemas</c>.</summary>
    private JsonElement Resolve(JsonElement schema)
    {
        for (var hops = 0; hops < 20 && schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference); hops++)
        {
            var name = reference.GetString()!.Split('/')[^1];
            schema = _document.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }
        return schema;
    }

    /// <summary>The schema of a property, looking through $ref, allOf, oneOf and anyOf.</summary>
    private JsonElement? Property(JsonElement schema, string name)
    {
        schema = Resolve(schema);
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (schema.TryGetProperty("properties", out var properties) && properties.TryGetProperty(name, out var property))
        {
            return property;
        }
        foreach (var combinator in new[] { "allOf", "oneOf", "anyOf" })
        {
            if (schema.TryGetProperty(combinator, out var members))
            {
                foreach (var member in members.EnumerateArray())
                {
                    if (Property(member, name) is { } found)
                    {
                        return found;
                    }
                }
            }
        }
        return null;
    }

    /// <summary>Every enum value a schema allows (null left out), looking through $ref and the combinators.</summary>
    private HashSet<string> EnumValues(JsonElement schema)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        schema = Resolve(schema);
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return values;
        }
        if (schema.TryGetProperty("enum", out var list))
        {
            values.UnionWith(list.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!));
        }
        foreach (var combinator in new[] { "allOf", "oneOf", "anyOf" })
        {
            if (schema.TryGetProperty(combinator, out var members))
            {
                foreach (var member in members.EnumerateArray())
                {
                    values.UnionWith(EnumValues(member));
                }
            }
        }
        return values;
    }
}

/// <summary>One app (SQLite; the document does not depend on the store) and its served document, shared by the OpenAPI checks.</summary>
public sealed class OpenApiDocumentFixture : IAsyncLifetime
{
    internal ApiWorld World { get; private set; } = null!;

    internal JsonElement Document { get; private set; }

    public async Task InitializeAsync()
    {
        World = await ApiWorld.StartAsync(StoreKind.Sqlite);
        var answer = await World.SendAsync(HttpMethod.Get, "/openapi/v1.json", token: null);
        Assert.Equal(200, answer.Code);
        Document = answer.Json;
    }

    public async Task DisposeAsync() => await World.DisposeAsync();
}
