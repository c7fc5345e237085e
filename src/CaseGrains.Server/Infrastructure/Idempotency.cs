using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CaseGrains.Storage;
using CaseGrains.Server.Auth;

namespace CaseGrains.Server.Infrastructure;

/// <summary>What a creating request produced, so that a retry can be answered the same way.</summary>
internal sealed record CreatedAnswer(string Location, object Body, long Version);

/// <summary>
/// <c>Idempotency-Key</c> on creating POSTs. The key is reserved durably before the case is created,
/// so two racing retries cannot both create; a retry is answered with the case the first request
/// created; a key reused with another body is refused. A failed attempt frees the key so that a
/// corrected retry may run. Only the created case's location is remembered, never the body, so no
/// personal data is kept outside the case's own stream and a replay is a read like any other.
/// </summary>
internal sealed class Idempotency(ICaseStore store, TimeProvider time)
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    /// <summary>A reservation older than this belongs to a request that died; a retry may take it over.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    public async Task<IResult> RunAsync(HttpContext http, Caller caller, string route, object request, Func<Task<Either>> create, Func<string, Task<IResult>> replay)
    {
        var key = http.Request.Headers[HeaderName].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return Answer(http, await create());
        }
        if (key.Length > MaxKeyLength || key.Any(char.IsControl))
        {
            return Problems.Field(HeaderName, $"must be 1 to {MaxKeyLength} printable characters");
        }
        var scope = $"{caller.Subject}|{route}";
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, request.GetType()))));
        // The nonce tells our own reservation from another request's.
        var reservation = new IdempotencyRecord(scope, key, hash, 0, null, Guid.NewGuid().ToString("N"), time.GetUtcNow());
        var holder = await store.SaveIdempotencyRecordAsync(reservation);
        if (holder.StatusCode == 0 && holder.RequestHash == hash && holder.CreatedAt < time.GetUtcNow() - AbandonedAfter)
        {
            await store.DeleteIdempotencyRecordAsync(scope, key);
            holder = await store.SaveIdempotencyRecordAsync(reservation);
        }
        if (holder.StatusCode != 0 || holder.Body != reservation.Body)
        {
            if (holder.RequestHash != hash)
            {
                return TypedResults.Problem(title: "Idempotency key reused",
                    detail: "This Idempotency-Key was used with a different request; use a new key.",
                    statusCode: StatusCodes.Status422UnprocessableEntity, type: "https://httpstatuses.io/422");
            }
            if (holder.StatusCode == 0)
            {
                http.Response.Headers.RetryAfter = "1";
                return TypedResults.Problem(title: "Request in progress",
                    detail: "The first request with this Idempotency-Key is still running; retry shortly.",
                    statusCode: StatusCodes.Status409Conflict, type: "https://httpstatuses.io/409");
            }
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return await replay(holder.Location!);
        }

        Either outcome;
        try
        {
            outcome = await create();
        }
        catch
        {
            await store.DeleteIdempotencyRecordAsync(scope, key);
            throw;
        }
        if (outcome.Created is { } created)
        {
            await store.CompleteIdempotencyRecordAsync(reservation with { StatusCode = StatusCodes.Status201Created, Location = created.Location });
        }
        else
        {
            await store.DeleteIdempotencyRecordAsync(scope, key);
        }
        return Answer(http, outcome);
    }

    private static IResult Answer(HttpContext http, Either outcome)
    {
        if (outcome.Created is { } created)
        {
            Cases.CaseHttp.SetETag(http.Response, created.Version);
            return TypedResults.Created(created.Location, created.Body);
        }
        return outcome.Problem!;
    }

    /// <summary>A creation's outcome: created, or a problem answer.</summary>
    public sealed record Either(CreatedAnswer? Created, IResult? Problem);
}
