using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaseGrains.Server.Auth;
using CaseGrains.Testing;

namespace CaseGrains.Server.Tests;

public sealed class SmokeTests
{
    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task A_petition_is_registered_and_read_over_a_real_port(StoreKind kind)
    {
        await using var app = await CaseGrainsApp.StartAsync(kind);
        await app.CreateTownshipAsync("t1", "c1", "wang");
        using var officer = app.Client(Roles.Officer, ["t1"]);
        Assert.Equal("127.0.0.1", officer.BaseAddress!.Host);

        var created = await officer.PostAsJsonAsync("/api/townships/t1/petitions", new
        {
            channel = "visit", receivedAt = "2024-03-05T09:30:00+08:00", subject = "土地补偿", summary = "征地补偿款未到位",
            category = "征地拆迁", petitioners = new[] { new { name = "张三", phone = "13812345678" } },
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/townships/t1/petitions/2024-XF-0001", created.Headers.Location!.OriginalString);
        var view = await officer.GetFromJsonAsync<JsonElement>("/api/townships/t1/petitions/2024-XF-0001");
        Assert.Equal("registered", view.GetProperty("status").GetString());
        Assert.Equal("13812345678", view.GetProperty("petitioners")[0].GetProperty("phone").GetString());
    }
}
