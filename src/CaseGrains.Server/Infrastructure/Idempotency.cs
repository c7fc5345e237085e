using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CaseGrains.Grains;
using CaseGrains.Storage;
using CaseGrains.Server.Auth;

namespace CaseGrains.Server.Infrastructure;

/// <summary>What a creating request produced, so that a retry can be answered the same way.</summary>
internal sealed record CreatedAnswer(string Location, object Body, long Version);

/// <summary>
/// <c>Idempotency-Key</c> on creating POSTs. The key travels into the grain and is written in the same
/// transaction as the case it creates, so an acknowledged case always has its key and a key never
/// exists without its case: a retry after a lost answer (or after a crash) is answered with the case the
/// first request created, as it stands now; two racing requests with one key create one case, since the
/// loser's transaction is rolled back whole; a key reused with another body is refused. Only the case's
/// location is remembered, never the body, so no personal data is kept outside the case's own stream.
/// </summary>
internal sealed class Idempotency(ICaseStore store)
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    public async Task<IResult> RunAsync(HttpContext http, Caller caller, string route, object request, string locationPrefix,
        Func<IdempotencyClaim?, Task<Outcome>> create, Func<string, Task<IResult>> replay)
    {
        var key = http.Request.Headers[HeaderName].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return Answer(http, await create(null));
        }
        if (key.Length > MaxKeyLength || key.Any(char.IsControl))
        {
            return Problems.Field(HeaderName, $"must be 1 to {MaxKeyLength} printable characters");
        }
        var scope = $"{caller.Subject}|{route}";
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, request.GetType()))));
        if (await store.GetIdempotencyRecordAsync(scope, key) is { } earlier)
        {
            return await ReplayAsync(http, earlier, hash, replay);
        }
        var outcome = await create(new IdempotencyClaim(scope, key, hash, locationPrefix));
        if (outcome.KeyTaken)
        {
            // A request with the same key committed while this one was deciding: its case is the answer.
            return await store.GetIdempotencyRecordAsync(scope, key) is { } winner
                ? await ReplayAsync(http, winner, hash, replay)
                : Problems.Conflict(GatewayErrors.IdempotencyInProgress, "The first request with this Idempotency-Key is still running; retry shortly.");
        }
        return Answer(http, outcome);
    }

    private static async Task<IResult> ReplayAsync(HttpContext http, IdempotencyRecord record, string hash, Func<string, Task<IResult>> replay)
    {
        if (record.RequestHash != hash)
        {
            return Problems.Status(StatusCodes.Status422UnprocessableEntity, GatewayErrors.IdempotencyKeyReused, "Idempotency key reused",
                "This Idempotency-Key was used with a different request; use a new key.");
        }
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return await replay(record.Location!);
    }

    private static IResult Answer(HttpContext http, Outcome outcome)
    {
        if (outcome.Created is { } created)
        {
            Cases.CaseHttp.SetETag(http.Response, created.Version);
            return TypedResults.Created(created.Location, created.Body);
        }
        return outcome.Problem!;
    }

    /// <summary>A creation's outcome: created, refused with a problem answer, or beaten to the key by another request.</summary>
    public sealed record Outcome(CreatedAnswer? Created, IResult? Problem, bool KeyTaken = false);
}
