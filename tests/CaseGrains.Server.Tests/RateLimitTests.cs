using System.Net;
using CaseGrains.Server.Auth;
using CaseGrains.Testing;

namespace CaseGrains.Server.Tests;

public sealed class RateLimitTests
{
    [Fact]
    public async Task A_caller_over_its_budget_gets_429_with_retry_after_while_others_and_probes_go_on()
    {
        await using var app = await CaseGrainsApp.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?>
        {
            ["RateLimit:PermitsPerMinute"] = "60",
            ["RateLimit:Burst"] = "5",
        });
        using var greedy = app.Client(Roles.Admin, subject: "greedy");
        using var other = app.Client(Roles.Admin, subject: "other");

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 12; i++)
        {
            answers.Add(await greedy.GetAsync("/api/townships/t1"));
        }

        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.All(limited, a => Assert.NotNull(a.Headers.RetryAfter));
        Assert.Equal("application/problem+json", limited[0].Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonDocument.Parse(await limited[0].Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("rate.limited", problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("messageZh").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/townships/t1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await greedy.GetAsync("/healthz")).StatusCode);
    }
}
