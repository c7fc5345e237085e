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
}
