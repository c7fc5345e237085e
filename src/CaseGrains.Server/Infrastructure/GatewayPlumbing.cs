using System.Text.Json;
using System.Text.Json.Serialization;
using CaseGrains.Storage;
using Microsoft.AspNetCore.Diagnostics;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace CaseGrains.Server.Infrastructure;

/// <summary>JSON shape and error answers shared by every endpoint.</summary>
internal static class GatewayPlumbing
{
    /// <summary>Seconds a client should wait before retrying when the database is away.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>Largest request body accepted (256 KiB).</summary>
    public const long MaxRequestBodyBytes = 256 * 1024;

    /// <summary>Deepest JSON nesting accepted.</summary>
    public const int MaxJsonDepth = 16;

    public static void AddGatewayPlumbing(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            options.SerializerOptions.Converters.Add(new StrictDateTimeOffsetConverter());
            // Typos in field names are errors, not silently dropped data.
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.MaxDepth = MaxJsonDepth;
            options.SerializerOptions.AllowTrailingCommas = false;
            // The contract's names and types, exactly: no "15" for 15, no "Channel" for "channel".
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            options.SerializerOptions.PropertyNameCaseInsensitive = false;
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        // Every error answer, whoever writes it, is completed in one place: code, messageZh, traceId, detail.
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = GatewayErrors.Complete);
        // A query value that does not bind (page=abc) becomes an exception the handler turns into a field error.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<GatewayExceptionHandler>();
        builder.Services.AddScoped<Townships.TownshipScope>();
        builder.Services.AddScoped<Idempotency>();
        builder.Services.AddGatewayOpenApi();
        builder.Services.AddOptions<RateLimitOptions>().Bind(builder.Configuration.GetSection(RateLimitOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                // Health probes are never limited; everyone else has a bucket of their own.
                if (!context.Request.Path.StartsWithSegments("/api"))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }
                var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                var caller = context.User.FindFirst("sub")?.Value is { } sub ? "sub:" + sub : "ip:" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Burst,
                    TokensPerPeriod = Math.Max(1, options.PermitsPerMinute / 60),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, GatewayErrors.RateLimited, "Too many requests",
                    "You are sending requests faster than this service allows; slow down and retry.");
            };
        });
    }

    public static void UseGatewayPlumbing(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Handled exceptions are answered, not logged by the middleware: their messages may quote request values.
            SuppressDiagnosticsCallback = context => context.ExceptionHandledBy != ExceptionHandledType.Unhandled,
        });
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapApiReference();
    }

    /// <summary>
    /// <c>/docs</c>: the API reference page over <c>/openapi/v1.json</c>, open without a token, served from the package
    /// itself (no CDN, no web fonts, no telemetry) so that it works on a township's closed network.
    /// </summary>
    private static void MapApiReference(this WebApplication app) => app.MapScalarApiReference("/docs", options =>
    {
        options.Title = "CaseGrains API reference";
        options.DefaultFonts = false;
        options.Telemetry = false;
        options.HideClientButton = true;
        options.AddHeaderContent("""
            <p style="margin:0;padding:8px 16px;font:14px sans-serif;background:#fff8e1;border-bottom:1px solid #e0c97f">
            Every <code>/api</code> call needs a bearer token. On a self-hosted service mint one at the repository root:
            <code>dotnet run --project src/CaseGrains.Server -- token --role officer --township &lt;id&gt;</code>
            (roles <code>officer</code>, <code>supervisor</code>, <code>reporter</code>, <code>admin</code>), then paste it under Authentication.
            The document itself is <a href="/openapi/v1.json">/openapi/v1.json</a>.</p>
            """);
    }).AllowAnonymous();
}

/// <summary>
/// Maps infrastructure failures to ProblemDetails: a lost database is 503 with Retry-After (the
/// service recovers by itself), a lost version race is 409; anything else is a bug and a 500.
/// </summary>
internal sealed partial class GatewayExceptionHandler(IProblemDetailsService problems, ILogger<GatewayExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } binding && BindingFailure(binding.Message) is { } field)
        {
            httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field.Name] = [field.Message] })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "Invalid request",
                    Detail = "The request has invalid fields; nothing was changed.",
                    Type = "https://httpstatuses.io/400",
                    Extensions = { ["code"] = GatewayErrors.RequestInvalid },
                },
            });
        }
        var (status, code, title, detail) = exception switch
        {
            StorageUnavailableException => (StatusCodes.Status503ServiceUnavailable, GatewayErrors.StorageUnavailable, "Storage unavailable",
                "The database cannot be reached right now; nothing was changed. Retry later."),
            ObjectDisposedException => (StatusCodes.Status503ServiceUnavailable, GatewayErrors.ShuttingDown, "Shutting down",
                "This node is shutting down; nothing was changed. Retry on another node or later."),
            TimeoutException => (StatusCodes.Status503ServiceUnavailable, GatewayErrors.Timeout, "Busy",
                "The case did not answer in time; it may or may not have applied the command. Read it before retrying."),
            // A silo died or left while the call was on its way (or a gateway node lost its connection to it): the grain
            // comes back on another silo.
            SiloUnavailableException or OrleansMessageRejectionException or ClientNotAvailableException or GatewayTooBusyException
                or Orleans.Runtime.Messaging.ConnectionFailedException or Orleans.Networking.Shared.SocketConnectionException => (StatusCodes.Status503ServiceUnavailable,
                GatewayErrors.NodeUnavailable, "Node unavailable",
                "The node holding the case went away; nothing was changed unless the case says so. Read it, then retry."),
            StreamVersionConflictException => (StatusCodes.Status409Conflict, GatewayErrors.ConcurrentChange, "Concurrent change",
                "The case was changed by someone else at the same time; read it again and retry."),
            BadHttpRequestException bad => (bad.StatusCode, GatewayErrors.ForStatus(bad.StatusCode), "Bad request", "The request could not be read."),
            _ => (StatusCodes.Status500InternalServerError, GatewayErrors.Internal, "Internal error", "An unexpected error occurred."),
        };
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = GatewayPlumbing.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            StorageUnavailable(logger, exception.GetType().Name);
        }
        else if (status == StatusCodes.Status500InternalServerError)
        {
            Unexpected(logger, exception.GetType().Name);
        }
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}", Extensions = { ["code"] = code } },
        });
    }

    /// <summary>Reads the parameter name out of the framework's binding failure messages.</summary>
    private static (string Name, string Message)? BindingFailure(string message)
    {
        var failed = FailedToBind().Match(message);
        if (failed.Success)
        {
            return (failed.Groups["name"].Value, $"must be a valid {failed.Groups["type"].Value.TrimEnd('?')}");
        }
        var missing = RequiredMissing().Match(message);
        return missing.Success ? (missing.Groups["name"].Value, "is required") : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"(?<type>\\S+) (?<name>[^\"]+)\" from")]
    private static partial System.Text.RegularExpressions.Regex FailedToBind();

    [System.Text.RegularExpressions.GeneratedRegex("^Required parameter \"(?<type>\\S+) (?<name>[^\"]+)\" was not provided")]
    private static partial System.Text.RegularExpressions.Regex RequiredMissing();

    // Only the exception type is logged: messages and stack data may carry request content.
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Storage unavailable while serving a request ({ExceptionType})")]
    private static partial void StorageUnavailable(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} while serving a request")]
    private static partial void Unexpected(ILogger logger, string exceptionType);
}
