using System.Net;
using System.Net.Http.Json;
using CaseGrains.Server.Auth;
using CaseGrains.Testing;

namespace CaseGrains.Server.Tests;

/// <summary>A database that goes away while the service runs: 503 with Retry-After, then recovery by itself.</summary>
public sealed class StorageOutageTests
{
    private static object Petition() => new
    {
        channel = "letter", receivedAt = "2024-03-05T09:30:00+08:00", subject = "s", summary = "s", category = "其他",
        petitioners = new[] { new { name = "张三" } },
    };

    [Fact]
    public async Task A_lost_postgresql_gives_503_with_retry_after_and_the_service_recovers_when_it_returns()
    {
        await using var cluster = await PostgresCluster.StartPrivateAsync();
        await using var app = CaseGrainsApp.StartOn(StoreKind.PostgreSql, await cluster.NewDatabaseAsync());
        await app.CreateTownshipAsync("t1", "c1");
        using var officer = app.Client(Roles.Officer, ["t1"]);
        using var anonymous = app.Client();
        (await officer.PostAsJsonAsync("/api/townships/t1/petitions", Petition())).EnsureSuccessStatusCode();

        await cluster.StopAsync();

        var ready = await anonymous.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.NotNull(ready.Headers.RetryAfter);
        var command = await officer.PostAsJsonAsync("/api/townships/t1/petitions/2024-XF-0001/accept", new { at = "2024-03-06T09:30:00+08:00" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, command.StatusCode);
        Assert.NotNull(command.Headers.RetryAfter);
        Assert.Equal("application/problem+json", command.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonDocument.Parse(await command.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("storage.unavailable", problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("messageZh").GetString()));
        var registration = await officer.PostAsJsonAsync("/api/townships/t1/petitions", Petition());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, registration.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);

        await cluster.StartAsync();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await anonymous.GetAsync("/readyz")).StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
        var accepted = await officer.PostAsJsonAsync("/api/townships/t1/petitions/2024-XF-0001/accept", new { at = "2024-03-06T09:30:00+08:00" });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        // The refused registration used no number: the next one is 0002.
        var next = await officer.PostAsJsonAsync("/api/townships/t1/petitions", Petition());
        Assert.Equal("/api/townships/t1/petitions/2024-XF-0002", next.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_postgresql_restart_in_the_middle_of_commands_loses_no_acknowledged_write_and_hangs_no_request()
    {
        // Durable settings: with synchronous_commit off, PostgreSQL itself forgets commits it acknowledged when it stops at once.
        await using var cluster = await PostgresCluster.StartPrivateAsync(durable: true);
        await using var app = CaseGrainsApp.StartOn(StoreKind.PostgreSql, await cluster.NewDatabaseAsync());
        await app.CreateTownshipAsync("t1", "c1");
        using var officer = app.Client(Roles.Officer, ["t1"]);
        officer.Timeout = TimeSpan.FromSeconds(60);
        for (var i = 0; i < 4; i++)
        {
            (await officer.PostAsJsonAsync("/api/townships/t1/petitions", Petition())).EnsureSuccessStatusCode();
            (await officer.PostAsJsonAsync($"/api/townships/t1/petitions/2024-XF-000{i + 1}/accept", new { at = "2024-03-06T09:30:00+08:00" })).EnsureSuccessStatusCode();
        }

        // Writers keep adding notes (and registering) while the database goes down and comes back.
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<(string Case, string Note)>();
        var registered = new System.Collections.Concurrent.ConcurrentBag<string>();
        var answers = new System.Collections.Concurrent.ConcurrentBag<(int Status, double Seconds)>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested && n < 2000; n++)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                HttpResponseMessage answer;
                string? note = null;
                var caseId = $"2024-XF-000{w % 4 + 1}";
                if (w == 5)
                {
                    answer = await officer.PostAsJsonAsync("/api/townships/t1/petitions", Petition());
                }
                else
                {
                    note = $"w{w}-n{n}";
                    answer = await officer.PostAsJsonAsync($"/api/townships/t1/petitions/{caseId}/progress", new { at = "2024-03-07T09:30:00+08:00", note });
                }
                answers.Add(((int)answer.StatusCode, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds));
                if (answer.StatusCode == HttpStatusCode.OK && note is not null)
                {
                    acknowledged.Add((caseId, note));
                }
                else if (answer.StatusCode == HttpStatusCode.Created)
                {
                    registered.Add(answer.Headers.Location!.OriginalString);
                }
                await Task.Delay(20);
            }
        })).ToList();

        await Task.Delay(1500);
        await cluster.StopAsync();
        await Task.Delay(4000);
        var whileDown = answers.Count;
        await cluster.StartAsync();
        await Task.Delay(6000);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        // While it was down: 503 (retryable), never 500, and every request answered well within the client's limit.
        Assert.Contains(answers, a => a.Status == 503);
        Assert.All(answers, a => Assert.True(a.Status is 200 or 201 or 503, $"answered {a.Status}"));
        Assert.True(answers.Max(a => a.Seconds) < 15, $"slowest answer took {answers.Max(a => a.Seconds):F1} s");
        Assert.True(answers.Count > whileDown, "no request was answered after the database came back");

        // Everything acknowledged is in the audit trail, once; every acknowledged registration exists.
        foreach (var group in acknowledged.GroupBy(a => a.Case))
        {
            var events = await officer.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/townships/t1/petitions/{group.Key}/events");
            var notes = events.EnumerateArray().Where(e => e.GetProperty("type").GetString() == "petitionProgressRecorded")
                .Select(e => e.GetProperty("data").GetProperty("note").GetString()!).ToList();
            Assert.Equal(notes.Count, notes.Distinct().Count());
            Assert.All(group, a => Assert.Contains(a.Note, notes));
        }
        foreach (var location in registered)
        {
            Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync(location)).StatusCode);
        }
    }
}
