using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CaseGrains.Server.Tests;

/// <summary>
/// A loopback OTLP collector, over HTTP (protobuf bodies on <c>/v1/traces</c>, <c>/v1/metrics</c>) or over
/// gRPC (HTTP/2 without TLS; length-prefixed protobuf messages on the collector services' Export methods,
/// answered with an empty message and <c>grpc-status: 0</c>). It decodes just enough of
/// ExportTraceServiceRequest to list spans (trace id, span id, parent id, name).
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app, int port)
    {
        _app = app;
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri Endpoint { get; }

    public ConcurrentQueue<ReceivedSpan> Spans { get; } = new();

    public ConcurrentQueue<byte[]> MetricExports { get; } = new();

    public static async Task<OtlpReceiver> StartAsync(string protocol = Telemetry.OtlpOptions.HttpProtobuf)
    {
        var port = ServerProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        var grpc = protocol == Telemetry.OtlpOptions.Grpc;
        // gRPC is HTTP/2; without TLS the client speaks it with prior knowledge, so the port serves HTTP/2 only.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port,
            listen => listen.Protocols = grpc ? HttpProtocols.Http2 : HttpProtocols.Http1AndHttp2));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, port);
        if (grpc)
        {
            app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", async (HttpContext context) =>
            {
                foreach (var span in DecodeSpans(await ReadGrpcMessageAsync(context.Request)))
                {
                    receiver.Spans.Enqueue(span);
                }
                await AnswerGrpcAsync(context.Response);
            });
            app.MapPost("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", async (HttpContext context) =>
            {
                receiver.MetricExports.Enqueue(await ReadGrpcMessageAsync(context.Request));
                await AnswerGrpcAsync(context.Response);
            });
            await app.StartAsync();
            return receiver;
        }
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            var body = await ReadAsync(request);
            foreach (var span in DecodeSpans(body))
            {
                receiver.Spans.Enqueue(span);
            }
            return Results.Bytes([], "application/x-protobuf");
        });
        app.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            receiver.MetricExports.Enqueue(await ReadAsync(request));
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>One gRPC message: a compressed flag (always 0 here), a big-endian length, the protobuf bytes.</summary>
    private static async Task<byte[]> ReadGrpcMessageAsync(HttpRequest request)
    {
        var frame = await ReadAsync(request);
        if (frame.Length < 5 || frame[0] != 0)
        {
            throw new InvalidDataException("Expected one uncompressed gRPC message.");
        }
        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(1, 4));
        return frame[5..(5 + length)];
    }

    /// <summary>An empty Export…ServiceResponse, then the OK status in the trailers.</summary>
    private static async Task AnswerGrpcAsync(HttpResponse response)
    {
        response.ContentType = "application/grpc";
        await response.Body.WriteAsync(new byte[5]);
        response.AppendTrailer("grpc-status", "0");
    }

    private static async Task<byte[]> ReadAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    // ExportTraceServiceRequest: 1 resource_spans { 2 scope_spans { 2 spans { 1 trace_id, 2 span_id, 4 parent_span_id, 5 name } } }
    private static IEnumerable<ReceivedSpan> DecodeSpans(byte[] request)
    {
        foreach (var resourceSpans in Fields(request, 1))
        {
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            {
                foreach (var span in Fields(scopeSpans, 2))
                {
                    var trace = Fields(span, 1).FirstOrDefault() ?? [];
                    var id = Fields(span, 2).FirstOrDefault() ?? [];
                    var parent = Fields(span, 4).FirstOrDefault() ?? [];
                    var name = Encoding.UTF8.GetString(Fields(span, 5).FirstOrDefault() ?? []);
                    yield return new ReceivedSpan(Convert.ToHexStringLower(trace), Convert.ToHexStringLower(id), Convert.ToHexStringLower(parent), name);
                }
            }
        }
    }

    /// <summary>The length-delimited fields with this number, skipping every other field.</summary>
    private static List<byte[]> Fields(byte[] message, int number)
    {
        var found = new List<byte[]>();
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message, ref position);
            var field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    ReadVarint(message, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    if (field == number)
                    {
                        found.Add(message[position..(position + length)]);
                    }
                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException("Unsupported protobuf wire type.");
            }
        }
        return found;
    }

    private static ulong ReadVarint(byte[] data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

internal sealed record ReceivedSpan(string TraceId, string SpanId, string ParentSpanId, string Name);
