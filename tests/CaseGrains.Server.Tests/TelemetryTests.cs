using System.Net;
using System.Net.Http.Json;
using System.Text;
using CaseGrains.Server.Auth;
using CaseGrains.Testing;

namespace CaseGrains.Server.Tests;

public sealed class TelemetryTests
{
    [Theory]
    [InlineData(Telemetry.OtlpOptions.Grpc)]
    [InlineData(Telemetry.OtlpOptions.HttpProtobuf)]
    public async Task A_command_arrives_at_an_otlp_collector_as_one_trace_from_http_through_the_grain_to_the_append(string protocol)
    {
        await using var collector = await OtlpReceiver.StartAsync(protocol);
        var settings = new Dictionary<string, string?>
        {
            ["Otlp:Endpoint"] = collector.Endpoint.ToString(),
            ["Otlp:ExportIntervalMilliseconds"] = "200",
        };
        if (protocol != Telemetry.OtlpOptions.Grpc)
        {
            // gRPC is the default: only the other protocol is configured.
            settings["Otlp:Protocol"] = protocol;
        }
        await using var app = await CaseGrainsApp.StartAsync(StoreKind.Sqlite, settings);
        await app.CreateTownshipAsync("t1", "c1");
        using var officer = app.Client(Roles.Officer, ["t1"]);
        (await officer.PostAsJsonAsync("/api/townships/t1/petitions", new
        {
            channel = "letter", receivedAt = "2024-03-05T09:30:00+08:00", subject = "s", summary = "s", category = "其他",
            petitioners = new[] { new { name = "张三" } },
        })).EnsureSuccessStatusCode();

        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var accept = new HttpRequestMessage(HttpMethod.Post, "/api/townships/t1/petitions/2024-XF-0001/accept")
        {
            Content = JsonContent.Create(new { at = "2024-03-06T09:30:00+08:00" }),
        };
        accept.Headers.Add("traceparent", $"00-{traceId}-{"0123456789abcdef"}-01");
        Assert.Equal(HttpStatusCode.OK, (await officer.SendAsync(accept)).StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<ReceivedSpan> trace;
        do
        {
            await Task.Delay(100);
            trace = collector.Spans.Where(s => s.TraceId == traceId).ToList();
        }
        while (!(trace.Count(s => s.Name == "storage append") >= 2 && trace.Any(s => s.Name == "grain petition")
                 && trace.Any(s => s.ParentSpanId == "0123456789abcdef")) && DateTime.UtcNow < deadline);

        var http = Assert.Single(trace, s => s.ParentSpanId == "0123456789abcdef");
        // The command's turn appends; the clock's «已超期» for the handling deadline (long past) is a second turn with its own append.
        var grainTurn = trace.First(s => s.Name == "grain petition");
        var append = Assert.Single(trace, s => s.Name == "storage append" && s.ParentSpanId == grainTurn.SpanId);
        // Between the HTTP request and the grain's turn stand Orleans' own spans of the grain call (caller and callee).
        var byId = trace.ToDictionary(s => s.SpanId);
        var between = new List<ReceivedSpan>();
        for (var span = grainTurn; span.ParentSpanId != http.SpanId; span = byId[span.ParentSpanId])
        {
            Assert.True(byId.ContainsKey(span.ParentSpanId), $"the grain turn's ancestry breaks off: {string.Join(", ", trace.Select(t => $"{t.Name}<-{t.ParentSpanId}"))}");
            between.Add(byId[span.ParentSpanId]);
        }
        Assert.InRange(between.Count, 1, 2);
        Assert.All(between, span => Assert.Contains("/Execute", span.Name, StringComparison.Ordinal));

        // Metrics arrive too, the command counter, the append latency and Orleans' own among them.
        string[] meters = ["casegrains-commands", "casegrains-storage-append-latency", "orleans-"];
        while (!meters.All(name => collector.MetricExports.Any(m => Encoding.UTF8.GetString(m).Contains(name, StringComparison.Ordinal))) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Contains(collector.MetricExports, m => Encoding.UTF8.GetString(m).Contains("casegrains-storage-append-latency", StringComparison.Ordinal));
        Assert.Contains(collector.MetricExports, m => Encoding.UTF8.GetString(m).Contains("casegrains-commands", StringComparison.Ordinal));
        Assert.Contains(collector.MetricExports, m => Encoding.UTF8.GetString(m).Contains("orleans-", StringComparison.Ordinal));
    }
}
