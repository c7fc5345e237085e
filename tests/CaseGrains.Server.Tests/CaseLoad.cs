using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Grains.Reports;
using CaseGrains.Storage;

namespace CaseGrains.Server.Tests;

/// <summary>
/// A bounded mixed write load, as officers make it: each worker registers a petition (with an Idempotency-Key),
/// accepts it, assigns its leader, records two handling steps and concludes it, reading the case and the list in
/// between, then starts the next. Every command carries <c>If-Match</c>; an answer that is lost (503) is followed
/// by a read, and the command is sent again only if the case shows it did not apply, so nothing the load does is
/// applied twice by the client's own fault. Every answer is kept with its time; every 2xx is an acknowledgement
/// that <see cref="AuditAsync"/> later looks for in the audit trail.
/// </summary>
internal sealed class CaseLoad(HttpClient client, IReadOnlyList<string> townships, int workers, int casesPerWorker, string tag)
{
    /// <summary>An answer the load got.</summary>
    public sealed record Answer(string Operation, int Status, bool RetryAfter, TimeSpan Started, TimeSpan Ended);

    /// <summary>A command the service acknowledged (2xx): <paramref name="Marker"/> names it in the audit trail.</summary>
    public sealed record Acknowledged(string Township, string CaseId, string Verb, string Marker);

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ConcurrentQueue<Answer> Answers { get; } = new();

    public ConcurrentQueue<Acknowledged> Acknowledgements { get; } = new();

    /// <summary>Time since the load was made, on the answers' clock.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Runs until every worker has done its cases or <paramref name="stop"/> fires (then each finishes its command).</summary>
    public Task RunAsync(CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w, stop))));

    private static string Now8() => DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);

    private async Task WorkAsync(int worker, CancellationToken stop)
    {
        for (var round = 0; round < casesPerWorker && !stop.IsCancellationRequested; round++)
        {
            var township = townships[(worker + round) % townships.Count];
            var (caseId, version) = await RegisterAsync(township, $"{tag}-w{worker}-r{round}", stop);
            if (caseId is null)
            {
                continue;
            }
            var path = $"/api/townships/{township}/petitions/{caseId}";
            var steps = new (string Verb, object Body, string Marker, Func<JsonElement, JsonElement, bool> Applied)[]
            {
                ("accept", new { at = Now8() }, "accept", (view, _) => view.GetProperty("status").GetString() != "registered"),
                ("assign", new { leaderId = "L1", handlers = new[] { "h1" } }, "assign", (view, _) => view.GetProperty("leaderId").GetString() == "L1"),
                ("progress", new { at = Now8(), note = $"{tag}-w{worker}-r{round}-n1" }, $"{tag}-w{worker}-r{round}-n1", (_, events) => HasNote(events, $"{tag}-w{worker}-r{round}-n1")),
                ("progress", new { at = Now8(), note = $"{tag}-w{worker}-r{round}-n2" }, $"{tag}-w{worker}-r{round}-n2", (_, events) => HasNote(events, $"{tag}-w{worker}-r{round}-n2")),
                ("conclude", new { at = Now8(), outcome = "explained", reply = "已书面答复" }, "conclude", (view, _) => view.GetProperty("status").GetString() == "concluded"),
            };
            foreach (var (verb, body, marker, applied) in steps)
            {
                if (stop.IsCancellationRequested)
                {
                    break;
                }
                if (worker % 2 == 0)
                {
                    // Reads between the writes: the case (a grain call) and the township's list (the case store).
                    await SendAsync("view", HttpMethod.Get, path, null, null, stop);
                    await SendAsync("list", HttpMethod.Get, $"/api/townships/{township}/petitions?pageSize=5", null, null, stop);
                }
                (var done, version) = await CommandAsync(township, caseId, path, verb, body, marker, applied, version, stop);
                if (!done)
                {
                    break;
                }
            }
        }
    }

    private static bool HasNote(JsonElement events, string note)
        => events.EnumerateArray().Any(e => e.GetProperty("type").GetString() == "petitionProgressRecorded"
            && e.GetProperty("data").GetProperty("note").GetString() == note);

    private async Task<(string? CaseId, long? Version)> RegisterAsync(string township, string subject, CancellationToken stop)
    {
        var key = Guid.NewGuid().ToString("N");
        var body = new
        {
            channel = "letter", receivedAt = Now8(), subject, summary = "反映道路积水", category = "其他",
            petitioners = new[] { new { name = "李四", phone = "13800138000" } },
        };
        // A lost answer is retried with the same key: the first result comes back, nothing new is made.
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var (status, answer) = await SendAsync("register", HttpMethod.Post, $"/api/townships/{township}/petitions", body, request => request.Headers.Add("Idempotency-Key", key), stop);
            if (status == 201)
            {
                var location = answer!.Headers.Location!.OriginalString;
                var caseId = location[(location.LastIndexOf('/') + 1)..];
                Acknowledgements.Enqueue(new Acknowledged(township, caseId, "register", key));
                return (caseId, VersionOf(answer));
            }
            if (status is not (503 or 409 or 0) || stop.IsCancellationRequested && attempt > 3)
            {
                return (null, null);
            }
            await Task.Delay(150, CancellationToken.None);
        }
        return (null, null);
    }

    private async Task<(bool Done, long? Version)> CommandAsync(string township, string caseId, string path, string verb, object body, string marker,
        Func<JsonElement, JsonElement, bool> applied, long? version, CancellationToken stop)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var expected = version;
            var (status, answer) = await SendAsync(verb, HttpMethod.Post, $"{path}/{verb}", body, request =>
            {
                if (expected is { } v)
                {
                    request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{v}\""));
                }
            }, stop);
            if (status == 200)
            {
                Acknowledgements.Enqueue(new Acknowledged(township, caseId, verb, marker));
                return (true, VersionOf(answer!));
            }
            if (status is not (503 or 412 or 409 or 0))
            {
                return (false, version);
            }
            // The answer was lost or the case moved on: read it, and send the command again only if it did not apply.
            var (viewStatus, view) = await ReadAsync(path, stop);
            var (eventsStatus, events) = await ReadAsync(path + "/events", stop);
            if (viewStatus == 200 && eventsStatus == 200)
            {
                version = VersionOf(view!);
                using var viewJson = JsonDocument.Parse(await view!.Content.ReadAsStringAsync(CancellationToken.None));
                using var eventsJson = JsonDocument.Parse(await events!.Content.ReadAsStringAsync(CancellationToken.None));
                if (applied(viewJson.RootElement, eventsJson.RootElement))
                {
                    return (true, version);
                }
            }
            if (stop.IsCancellationRequested && attempt > 3)
            {
                return (false, version);
            }
            await Task.Delay(150, CancellationToken.None);
        }
        return (false, version);
    }

    private async Task<(int Status, HttpResponseMessage? Answer)> ReadAsync(string path, CancellationToken stop)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var (status, answer) = await SendAsync("read", HttpMethod.Get, path, null, null, stop);
            if (status != 503 && status != 0)
            {
                return (status, answer);
            }
            await Task.Delay(150, CancellationToken.None);
        }
        return (0, null);
    }

    private static long? VersionOf(HttpResponseMessage answer)
        => answer.Headers.ETag is { } tag && long.TryParse(tag.Tag.Trim('"'), CultureInfo.InvariantCulture, out var v) ? v : null;

    private async Task<(int Status, HttpResponseMessage? Answer)> SendAsync(string operation, HttpMethod method, string path, object? body,
        Action<HttpRequestMessage>? configure, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        configure?.Invoke(request);
        var started = _clock.Elapsed;
        try
        {
            var answer = await client.SendAsync(request, CancellationToken.None);
            await answer.Content.LoadIntoBufferAsync(CancellationToken.None);
            Answers.Enqueue(new Answer(operation, (int)answer.StatusCode, answer.Headers.RetryAfter is not null, started, _clock.Elapsed));
            return ((int)answer.StatusCode, answer);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // No answer at all (status 0): the balancer itself did not answer in time. Counted, and asserted against.
            Answers.Enqueue(new Answer(operation, 0, false, started, _clock.Elapsed));
            return (0, null);
        }
    }

    /// <summary>The answers no client should ever see: a 5xx other than the retryable 503 with Retry-After, or none at all.</summary>
    public IReadOnlyList<Answer> Failures() => [.. Answers.Where(a => a.Status == 0 || a.Status >= 500 && !(a.Status == 503 && a.RetryAfter))];

    /// <summary>Answers other than 2xx, 503 and the stale-version answers (412, 409) that follow a lost answer.</summary>
    public IReadOnlyList<Answer> Unexpected() => [.. Answers.Where(a => a.Status is not (>= 200 and < 300) and not 503 and not 412 and not 409)];

    /// <summary>A short table of the answers, for the test output.</summary>
    public string Summary() => string.Join(", ", Answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))
        + $"; {Acknowledgements.Count} acknowledged";

    /// <summary>
    /// Checks the case store against the acknowledgements: every acknowledged command is in its case's audit trail
    /// exactly once; no handling note is there twice; every case's current-state row is the fold of its events, at
    /// the version of its last event; the township's numbers run 1..N with no gap and no duplicate; the township's
    /// live rollup equals the rebuild from the events.
    /// </summary>
    public static async Task AuditAsync(string connectionString, HttpClient admin, IReadOnlyList<string> townships, IEnumerable<Acknowledged> acknowledged)
    {
        var store = CaseStores.Create(new StorageOptions { Provider = StorageProvider.PostgreSql, ConnectionString = connectionString });
        var trails = new Dictionary<string, List<StoredEvent>>(StringComparer.Ordinal);
        foreach (var township in townships)
        {
            var rows = (await store.QueryIndexAsync(new IndexQuery(GrainTypes.Petition) { Partitions = [township] })).Rows;
            var numbers = new List<int>();
            foreach (var row in rows)
            {
                var events = await store.ReadStreamAsync(row.StreamId, 0);
                trails[row.StreamId] = [.. events];
                Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version));
                Assert.Equal(events.Count, row.Version);
                var folded = Petition.Fold(events.Select(e => JsonSerializer.Deserialize<PetitionEvent>(e.Payload, GrainJson.Options)!));
                // A list query leaves the snapshot out; the row read on its own has it.
                var snapshot = (await store.GetIndexRowAsync(row.StreamId))!.Entry.State!;
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(snapshot), JsonSerializer.SerializeToNode(folded, GrainJson.Options)),
                    $"{row.StreamId}: the current-state row is not the fold of its {events.Count} events");
                var notes = events.Where(e => e.EventType == "petitionProgressRecorded")
                    .Select(e => JsonNode.Parse(e.Payload)!["note"]!.GetValue<string>()).ToList();
                Assert.True(notes.Count == notes.Distinct().Count(), $"{row.StreamId}: a handling step is in the audit trail twice");
                var id = row.StreamId[(row.StreamId.LastIndexOf('/') + 1)..];
                numbers.Add(int.Parse(id[(id.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture));
            }
            Assert.Equal(Enumerable.Range(1, numbers.Count), numbers.Order());

            var asOf = Domain.Deadlines.DeadlinePolicy.Default.LocalDate(DateTimeOffset.UtcNow);
            var live = JsonNode.Parse(await admin.GetStringAsync($"/api/townships/{township}/rollups/{asOf.Year}?asOf={asOf:yyyy-MM-dd}"));
            var verdict = await RollupVerification.CompareAsync(store, township, asOf.Year, asOf, live, Domain.Deadlines.DeadlinePolicy.Default);
            Assert.True(verdict.Agrees, string.Join("\n", verdict.Lines()));
        }

        foreach (var ack in acknowledged)
        {
            Assert.True(trails.TryGetValue($"{GrainTypes.Petition}/{ack.Township}/{ack.CaseId}", out var events),
                $"acknowledged {ack.Verb} of {ack.Township}/{ack.CaseId}: the case is not in the store");
            var count = ack.Verb switch
            {
                "register" => events.Count(e => e.EventType == "petitionRegistered"),
                "accept" => events.Count(e => e.EventType == "petitionAccepted"),
                "assign" => events.Count(e => e.EventType == "petitionAssigned"),
                "conclude" => events.Count(e => e.EventType == "petitionConcluded"),
                _ => events.Count(e => e.EventType == "petitionProgressRecorded" && JsonNode.Parse(e.Payload)!["note"]!.GetValue<string>() == ack.Marker),
            };
            Assert.True(count == 1, $"acknowledged {ack.Verb} ({ack.Marker}) of {ack.Township}/{ack.CaseId} is in its audit trail {count} times");
        }
    }
}
