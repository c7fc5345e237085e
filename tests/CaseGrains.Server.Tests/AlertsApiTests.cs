using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseGrains.Server.Auth;
using CaseGrains.Testing;

namespace CaseGrains.Server.Tests;

/// <summary>Alerts over HTTP: lists per township and across a scope, and the live stream with replay, on both stores.</summary>
public sealed class AlertsApiTests
{
    /// <summary>A live stream read line by line, its events collected as they come.</summary>
    private sealed class LiveStream : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly StreamReader _reader;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _pump;

        public List<(string Id, string Event, JsonElement Data)> Events { get; } = [];

        public List<string> Comments { get; } = [];

        private LiveStream(HttpResponseMessage response, StreamReader reader)
        {
            _response = response;
            _reader = reader;
            _pump = Task.Run(PumpAsync);
        }

        public static async Task<LiveStream> OpenAsync(CaseGrainsApp app, string token, string? lastEventId = null)
        {
            var client = app.CreateClient();
            client.Timeout = Timeout.InfiniteTimeSpan;
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/alerts/stream");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (lastEventId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastEventId);
            }
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            return new LiveStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
        }

        private async Task PumpAsync()
        {
            string? id = null, name = null, data = null;
            try
            {
                while (await _reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    if (line.StartsWith(':'))
                    {
                        lock (Comments) { Comments.Add(line); }
                    }
                    else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
                    else if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
                    else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
                    else if (line.Length == 0 && data is not null)
                    {
                        lock (Events) { Events.Add((id!, name!, JsonDocument.Parse(data).RootElement.Clone())); }
                        (id, name, data) = (null, null, null);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (IOException)
            {
            }
        }

        public async Task<List<(string Id, string Event, JsonElement Data)>> WaitForAsync(int count, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                lock (Events)
                {
                    if (Events.Count >= count)
                    {
                        return [.. Events];
                    }
                }
                await Task.Delay(50);
            }
            lock (Events) { return [.. Events]; }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _response.Dispose();
            await _pump;
        }
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task Late_cases_are_alerts_at_once_listed_by_scope_streamed_live_cleared_and_replayed_after_a_reconnect(StoreKind kind)
    {
        await using var world = await ApiWorld.StartAsync(kind);
        var supervisor = world.Token(Roles.Supervisor, counties: [ApiWorld.County]);
        var stranger = world.Token(Roles.Supervisor, counties: [ApiWorld.OtherCounty]);
        await using var live = await LiveStream.OpenAsync(world.App, supervisor);
        await using var elsewhere = await LiveStream.OpenAsync(world.App, stranger);

        // Entered from the ledger long after its deadline: overdue at once, in the list and on the stream within 2 s.
        var registered = await world.AdminAsync(HttpMethod.Post, $"/api/townships/{ApiWorld.Township}/petitions", Bodies.RegisterPetition());
        var petition = registered.Json.GetProperty("id").GetString()!;
        var started = DateTime.UtcNow;
        var first = await live.WaitForAsync(1, TimeSpan.FromSeconds(10));
        var raised = Assert.Single(first);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2) + TimeSpan.FromMilliseconds(500), $"took {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        Assert.Equal("alert", raised.Event);
        Assert.Equal(petition, raised.Data.GetProperty("caseId").GetString());
        Assert.Equal("overdue", raised.Data.GetProperty("alert").GetString());
        Assert.Equal("acceptanceNotice", raised.Data.GetProperty("deadlineKind").GetString());
        Assert.Equal("2024-03-20", raised.Data.GetProperty("dueOn").GetString());
        Assert.True(raised.Data.GetProperty("daysOverdue").GetInt32() > 600);
        Assert.DoesNotContain(Secrets.Fragments, s => raised.Data.GetRawText().Contains(s, StringComparison.Ordinal));

        // A dispute in the sister township (same county), accepted long ago: also overdue, and listed after the petition.
        var dispute = (await world.AdminAsync(HttpMethod.Post, $"/api/townships/{ApiWorld.SisterTownship}/disputes", Bodies.RegisterDispute("2024-05-01T09:00:00+08:00"))).Json.GetProperty("id").GetString()!;
        await world.AdminAsync(HttpMethod.Post, $"/api/townships/{ApiWorld.SisterTownship}/disputes/{dispute}/accept", Bodies.At("2024-05-02T09:00:00+08:00"));
        var all = (await world.SendAsync(HttpMethod.Get, "/api/alerts", supervisor)).Json;
        Assert.Equal([petition, dispute], all.EnumerateArray().Select(a => a.GetProperty("caseId").GetString()!).ToArray());
        Assert.True(all[0].GetProperty("daysOverdue").GetInt32() > all[1].GetProperty("daysOverdue").GetInt32());
        Assert.Equal([dispute], (await world.SendAsync(HttpMethod.Get, "/api/alerts?caseKind=dispute", supervisor)).Json.EnumerateArray().Select(a => a.GetProperty("caseId").GetString()!).ToArray());
        Assert.Empty((await world.SendAsync(HttpMethod.Get, "/api/alerts?alert=dueSoon", supervisor)).Json.EnumerateArray());
        var township = (await world.SendAsync(HttpMethod.Get, $"/api/townships/{ApiWorld.Township}/alerts", world.Token(Roles.Officer, [ApiWorld.Township]))).Json;
        Assert.Equal([petition], township.EnumerateArray().Select(a => a.GetProperty("caseId").GetString()!).ToArray());
        Assert.Equal(400, (await world.SendAsync(HttpMethod.Get, "/api/alerts?alert=late", supervisor)).Code);
        // Outside the scope: nothing listed, nothing streamed, and the township itself is not there.
        Assert.Empty((await world.SendAsync(HttpMethod.Get, "/api/alerts", stranger)).Json.EnumerateArray());
        Assert.Equal(404, (await world.SendAsync(HttpMethod.Get, $"/api/townships/{ApiWorld.Township}/alerts", stranger)).Code);

        // Accepting the petition clears the acceptance alert; its handling deadline (long past) raises the next at once.
        await world.AdminAsync(HttpMethod.Post, $"/api/townships/{ApiWorld.Township}/petitions/{petition}/accept", Bodies.At(Timeline.Accepted));
        // Seen so far: the petition's alert, the dispute's (raised on acceptance), the petition's cleared and its next.
        var events = await live.WaitForAsync(4, TimeSpan.FromSeconds(10));
        Assert.Equal(["alert", "alert", "cleared", "alert"], events.Select(e => e.Event).ToArray());
        Assert.Equal("handling", events[^1].Data.GetProperty("deadlineKind").GetString());
        Assert.Equal(events.Select(e => long.Parse(e.Id, System.Globalization.CultureInfo.InvariantCulture)).Order(), events.Select(e => long.Parse(e.Id, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Empty(await elsewhere.WaitForAsync(1, TimeSpan.FromMilliseconds(500)));

        // A client that lost its connection after the first event gets exactly what it missed, then lives on.
        await using var resumed = await LiveStream.OpenAsync(world.App, supervisor, lastEventId: events[0].Id);
        var missed = await resumed.WaitForAsync(events.Count - 1, TimeSpan.FromSeconds(10));
        Assert.Equal(events.Skip(1).Select(e => e.Id), missed.Select(e => e.Id));
        await world.AdminAsync(HttpMethod.Post, $"/api/townships/{ApiWorld.Township}/petitions/{petition}/conclude",
            new JsonObject { ["at"] = Timeline.Concluded, ["outcome"] = "supported", ["reply"] = "已答复" });
        Assert.Equal("cleared", (await resumed.WaitForAsync(events.Count, TimeSpan.FromSeconds(10)))[^1].Event);
        Assert.Empty((await world.SendAsync(HttpMethod.Get, $"/api/townships/{ApiWorld.Township}/alerts", supervisor)).Json.EnumerateArray());
        Assert.Equal(400, (await world.SendAsync(HttpMethod.Get, "/api/alerts/stream", supervisor, headers: new Dictionary<string, string> { ["Last-Event-ID"] = "x" })).Code);
    }

    [Fact]
    public async Task A_quiet_stream_sends_a_comment_line_well_within_15_seconds()
    {
        await using var world = await ApiWorld.StartAsync(StoreKind.Sqlite);
        await using var live = await LiveStream.OpenAsync(world.App, world.Token(Roles.Supervisor, counties: [ApiWorld.County]));
        var deadline = DateTime.UtcNow.AddSeconds(14);
        while (DateTime.UtcNow < deadline && !live.Comments.Contains(": keep-alive"))
        {
            await Task.Delay(200);
        }
        Assert.Contains(": keep-alive", live.Comments);
    }
}
