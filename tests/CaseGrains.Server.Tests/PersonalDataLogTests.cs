using System.Net.Http.Json;
using CaseGrains.Server.Auth;
using CaseGrains.Testing;

namespace CaseGrains.Server.Tests;

/// <summary>Personal data never reaches a log line, whatever the level.</summary>
public sealed class PersonalDataLogTests
{
    private const string Name = "欧阳锦华";
    private const string IdNumber = "61010219900101123X";
    private const string Phone = "13998765432";
    private const string Address = "幸福村三组十七号";

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task A_full_case_lifecycle_logs_no_name_id_number_phone_or_address(StoreKind kind)
    {
        await using var app = await CaseGrainsApp.StartAsync(kind);
        await app.CreateTownshipAsync("t1", "c1", "wang");
        using var officer = app.Client(Roles.Officer, ["t1"]);
        using var supervisor = app.Client(Roles.Supervisor, ["t1"]);
        var person = new { name = Name, idNumber = IdNumber, phone = Phone, address = Address };

        async Task Post(HttpClient client, string path, object body) => (await client.PostAsJsonAsync(path, body)).EnsureSuccessStatusCode();
        await Post(officer, "/api/townships/t1/petitions", new
        {
            channel = "visit", receivedAt = "2024-03-05T09:30:00+08:00", subject = "征地补偿", summary = "补偿款未到位",
            category = "征地拆迁", petitioners = new[] { person },
        });
        const string p = "/api/townships/t1/petitions/2024-XF-0001";
        await Post(officer, $"{p}/accept", new { at = "2024-03-06T09:00:00+08:00" });
        await Post(supervisor, $"{p}/assign", new { leaderId = "wang" });
        await Post(supervisor, $"{p}/extend", new { days = 10, reason = "需要调查", approvedBy = "镇长" });
        await Post(officer, $"{p}/conclude", new { at = "2024-04-01T09:00:00+08:00", outcome = "supported", reply = "已解决" });
        await Post(officer, $"{p}/evaluate", new { rating = "satisfied" });
        await officer.GetStringAsync(p);
        await officer.GetStringAsync($"{p}/events");
        await supervisor.GetStringAsync($"{p}/events");
        await Post(officer, "/api/townships/t1/disputes", new
        {
            source = "application", reportedAt = "2024-03-05T09:30:00+08:00", category = "邻里", subject = "宅基地边界",
            summary = "相邻纠纷", parties = new object[] { person, new { name = "王五" } }, riskLevel = "low",
        });
        // Refused and malformed requests carrying personal data are logged no more than accepted ones.
        await officer.PostAsJsonAsync("/api/townships/t1/petitions", new { channel = "visit", petitioners = new[] { person } });
        await officer.PostAsync("/api/townships/t1/petitions", new StringContent($"{{\"petitioners\":[{{\"name\":\"{Name}\",", System.Text.Encoding.UTF8, "application/json"));

        // A value that fails to bind is answered as a field error, and the value (here a name) is not logged.
        var misplaced = await officer.GetAsync($"/api/townships/t1/petitions?year={Uri.EscapeDataString(Name)}");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, misplaced.StatusCode);
        Assert.Contains("\"year\"", await misplaced.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // An idempotent registration remembers where the case is, never what it says.
        using var keyed = app.Client(Roles.Officer, ["t1"], subject: "officer-keyed");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/townships/t1/petitions")
        {
            Content = JsonContent.Create(new
            {
                channel = "letter", receivedAt = "2024-03-07T09:30:00+08:00", subject = "s", summary = "s", category = "其他",
                petitioners = new[] { person },
            }),
        };
        request.Headers.Add("Idempotency-Key", "key-with-personal-data");
        (await keyed.SendAsync(request)).EnsureSuccessStatusCode();
        var store = (CaseGrains.Storage.ICaseStore)app.Services.GetService(typeof(CaseGrains.Storage.ICaseStore))!;
        var remembered = await store.GetIdempotencyRecordAsync("officer-keyed|POST /api/townships/t1/petitions", "key-with-personal-data");
        Assert.NotNull(remembered);
        Assert.DoesNotContain(Name, remembered.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone, remembered.Body, StringComparison.Ordinal);

        Assert.NotEmpty(app.Logs);
        foreach (var secret in new[] { Name, IdNumber, Phone, Address, "欧阳" })
        {
            Assert.DoesNotContain(app.Logs, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }
}
