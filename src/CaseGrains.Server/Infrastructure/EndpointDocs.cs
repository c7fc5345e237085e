namespace CaseGrains.Server.Infrastructure;

/// <summary>
/// What an endpoint tells the OpenAPI document beyond its types: a summary and a description, its
/// tag's description, and the headers of <c>api.md</c> it honours. The transformers in
/// <see cref="OpenApiSetup"/> turn these into parameters, response headers and tags, so a new endpoint
/// gets all of it by calling these extensions.
/// </summary>
internal static class EndpointDocs
{
    /// <summary>The operation's one-line summary and its description (both shown on <c>/docs</c>).</summary>
    public static TBuilder Documented<TBuilder>(this TBuilder builder, string summary, string description)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithSummary(summary).WithDescription(description);

    /// <summary>Tags the endpoints and describes the tag once for the document.</summary>
    public static TBuilder WithTag<TBuilder>(this TBuilder builder, string name, string description)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithTags(name).WithMetadata(new TagDescription(name, description));

    /// <summary>Successful answers carry <c>ETag: "&lt;version&gt;"</c>.</summary>
    public static TBuilder SendsETag<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(HeaderConvention.ETag);

    /// <summary>The request may carry <c>If-Match</c>; a stale version answers 412.</summary>
    public static TBuilder HonoursIfMatch<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(HeaderConvention.IfMatch).ProducesProblem(StatusCodes.Status412PreconditionFailed);

    /// <summary>
    /// The successful answer is also served as these files (<c>format=</c>), besides its JSON: each is declared on
    /// the 200 answer as a string (text formats) or binary (Office files), beside the JSON schema.
    /// </summary>
    public static TBuilder AlsoServedAs<TBuilder>(this TBuilder builder, params string[] mediaTypes) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new FileFormats(mediaTypes));

    /// <summary>
    /// The request body is a file of one of these media types, read by the endpoint itself (which answers 415
    /// with its own code for any other). Declared for the document only: <c>Accepts</c> would let routing
    /// refuse other types first, with the JSON endpoints' message.
    /// </summary>
    public static TBuilder TakesFile<TBuilder>(this TBuilder builder, params string[] mediaTypes) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new UploadFormats(mediaTypes));

    /// <summary>The 202 answer says in <c>Location</c> where to follow the accepted work.</summary>
    public static TBuilder AcceptsWorkAt<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(HeaderConvention.Location);

    /// <summary>The creating request may carry <c>Idempotency-Key</c>; a retry answers with the first result.</summary>
    public static TBuilder HonoursIdempotencyKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(HeaderConvention.IdempotencyKey).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}

/// <summary>The file formats a successful answer is also served as.</summary>
internal sealed record FileFormats(IReadOnlyList<string> MediaTypes);

/// <summary>The file formats a request body may be.</summary>
internal sealed record UploadFormats(IReadOnlyList<string> MediaTypes);

/// <summary>A tag's description, carried by the endpoints that use the tag.</summary>
internal sealed record TagDescription(string Name, string Description);

/// <summary>A header convention of <c>api.md</c> an endpoint follows.</summary>
internal sealed record HeaderConvention(string Name)
{
    public static readonly HeaderConvention ETag = new("ETag");
    public static readonly HeaderConvention IfMatch = new("If-Match");
    public static readonly HeaderConvention IdempotencyKey = new(Idempotency.HeaderName);
    public static readonly HeaderConvention Location = new("Location");
}
