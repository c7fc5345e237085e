using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace CaseGrains.Benchmarks.Bench;

/// <summary>One kind of request in the mix.</summary>
internal enum MixOperation
{
    Register,
    Accept,
    Assign,
    Progress,
    Conclude,
    List,
    View,
    Alerts,
    Rollup,
    /// <summary>A second conclusion of a concluded case (a double click): the domain refuses it with 409 or 422.</summary>
    Refused,
}

/// <summary>The tokens of one township's officer and supervisor.</summary>
internal sealed record TownshipCallers(string Township, string Officer, string Supervisor);

/// <summary>
/// The mix's weights and what each operation sends. Every worker walks its own petitions through their lifecycle
/// (registered → accepted → assigned → progress → concluded), one request at a time, so every command it sends is
/// valid for the case's state: a 4xx other than the deliberate <see cref="MixOperation.Refused"/> is a bug, not noise.
/// When an operation has no case in the state it needs, the worker sends the step that feeds it instead
/// (an accept with nothing registered registers), so the executed shares are reported beside the weights.
/// </summary>
internal static class MixWorkload
{
    /// <summary>Weights out of 100: the four lifecycle steps balance (each case is registered, accepted, assigned and
    /// concluded once, with two progress notes on average); reads are about half, as an officer's day is.</summary>
    public static readonly IReadOnlyList<(MixOperation Operation, int Weight)> Weights =
    [
        (MixOperation.Register, 10),
        (MixOperation.Accept, 10),
        (MixOperation.Assign, 10),
        (MixOperation.Progress, 20),
        (MixOperation.Conclude, 10),
        (MixOperation.List, 8),
        (MixOperation.View, 22),
        (MixOperation.Alerts, 5),
        (MixOperation.Rollup, 3),
        (MixOperation.Refused, 2),
    ];

    /// <summary>The operations that write (one durable append each).</summary>
    public static bool Writes(MixOperation operation) => operation is MixOperation.Register or MixOperation.Accept or MixOperation.Assign
        or MixOperation.Progress or MixOperation.Conclude;

    /// <summary>The leader every township's roster holds, to whom cases are assigned.</summary>
    public const string LeaderId = "wang";

    /// <summary>The officer's registration body; <c>receivedAt</c> a minute ago, so the case's deadlines run from today.</summary>
    public static string RegisterBody(DateTimeOffset receivedAt) => $$"""
        {"channel":"visit","receivedAt":"{{Instant(receivedAt)}}","subject":"征地补偿","summary":"反映补偿款未到位","category":"征地拆迁","petitioners":[{"name":"张三","phone":"13812345678"}],"village":"东村"}
        """;

    /// <summary>An instant as the API takes it, in Beijing time to the millisecond.</summary>
    public static string Instant(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    /// <summary>The year a case registered now counts in (Beijing time).</summary>
    public static int CurrentYear => DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Year;

    /// <summary>A request with a bearer token and, when given, a JSON body.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string token, string? body)
    {
        var message = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        return message;
    }

    /// <summary>Whether an answer is the one the operation expects, a refusal it expects, or neither.</summary>
    public static AnswerKind Classify(MixOperation operation, HttpStatusCode status)
    {
        var code = (int)status;
        return operation switch
        {
            MixOperation.Refused when code is 409 or 422 => AnswerKind.ExpectedRefusal,
            MixOperation.Register when code == 201 => AnswerKind.Ok,
            not MixOperation.Refused and not MixOperation.Register when code == 200 => AnswerKind.Ok,
            _ when code >= 500 => AnswerKind.ServerError,
            _ => AnswerKind.UnexpectedClientError,
        };
    }
}

/// <summary>How an answer counts.</summary>
internal enum AnswerKind
{
    Ok,
    ExpectedRefusal,
    UnexpectedClientError,
    ServerError,
}

/// <summary>
/// One worker's petitions by lifecycle stage. Only its own worker touches it (one request at a time), so it needs no
/// lock, and the instants it sends for a case only grow.
/// </summary>
internal sealed class CasePipeline(int worker, IReadOnlyList<TownshipCallers> townships)
{
    private const int KeptForReads = 256;
    private readonly Random _random = new(worker);
    private readonly Queue<(TownshipCallers Township, string CaseId)> _registered = new();
    private readonly Queue<(TownshipCallers Township, string CaseId)> _accepted = new();
    private readonly List<(TownshipCallers Township, string CaseId, int Notes)> _assigned = [];
    private readonly List<(TownshipCallers Township, string CaseId)> _concluded = [];
    private readonly List<(TownshipCallers Township, string CaseId)> _known = [];
    private long _registrations;

    /// <summary>Picks the next operation by weight, then falls back along the lifecycle when its stage is empty.</summary>
    public MixOperation Next()
    {
        var roll = _random.Next(100);
        var operation = MixOperation.Register;
        foreach (var (candidate, weight) in MixWorkload.Weights)
        {
            if (roll < weight)
            {
                operation = candidate;
                break;
            }
            roll -= weight;
        }
        return Feasible(operation);
    }

    private MixOperation Feasible(MixOperation operation) => operation switch
    {
        MixOperation.Refused when _concluded.Count == 0 => Feasible(MixOperation.Conclude),
        MixOperation.Conclude when !_assigned.Any(a => a.Notes > 0) => Feasible(MixOperation.Progress),
        MixOperation.Progress when _assigned.Count == 0 => Feasible(MixOperation.Assign),
        MixOperation.Assign when _accepted.Count == 0 => Feasible(MixOperation.Accept),
        MixOperation.Accept when _registered.Count == 0 => MixOperation.Register,
        MixOperation.View when _known.Count == 0 => MixOperation.Register,
        _ => operation,
    };

    /// <summary>The request for an operation <see cref="Next"/> chose, and what to record when it succeeds.</summary>
    public (HttpRequestMessage Request, Action<HttpResponseMessage> OnSuccess) Build(MixOperation operation)
    {
        var now = DateTimeOffset.UtcNow;
        switch (operation)
        {
            case MixOperation.Register:
            {
                // Registrations rotate over the townships, so every township grain numbers cases.
                var township = townships[(int)((worker + _registrations++ * 7919) % townships.Count)];
                var message = MixWorkload.Request(HttpMethod.Post, $"/api/townships/{township.Township}/petitions", township.Officer,
                    MixWorkload.RegisterBody(now.AddMinutes(-1)));
                message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                return (message, answer =>
                {
                    var location = answer.Headers.Location!.OriginalString;
                    var caseId = location[(location.LastIndexOf('/') + 1)..];
                    _registered.Enqueue((township, caseId));
                    Remember(township, caseId);
                });
            }
            case MixOperation.Accept:
            {
                var (township, caseId) = _registered.Dequeue();
                return (Command(township, caseId, "accept", township.Officer, $$"""{"at":"{{MixWorkload.Instant(now)}}"}"""),
                    _ => _accepted.Enqueue((township, caseId)));
            }
            case MixOperation.Assign:
            {
                var (township, caseId) = _accepted.Dequeue();
                return (Command(township, caseId, "assign", township.Supervisor, $$"""{"leaderId":"{{MixWorkload.LeaderId}}","handlers":["officer-{{township.Township}}"]}"""),
                    _ => _assigned.Add((township, caseId, 0)));
            }
            case MixOperation.Progress:
            {
                var index = _random.Next(_assigned.Count);
                var (township, caseId, notes) = _assigned[index];
                return (Command(township, caseId, "progress", township.Officer,
                        $$"""{"at":"{{MixWorkload.Instant(now)}}","note":"电话回访信访人，已协调镇国土所核实补偿款发放情况"}"""),
                    _ => _assigned[index] = (township, caseId, notes + 1));
            }
            case MixOperation.Conclude:
            {
                var index = _assigned.FindIndex(a => a.Notes > 0);
                var (township, caseId, _) = _assigned[index];
                _assigned.RemoveAt(index);
                return (Command(township, caseId, "conclude", township.Officer,
                        $$"""{"at":"{{MixWorkload.Instant(now)}}","outcome":"supported","reply":"补偿款已于本月发放到位"}"""),
                    _ =>
                    {
                        _concluded.Add((township, caseId));
                        if (_concluded.Count > KeptForReads)
                        {
                            _concluded.RemoveAt(0);
                        }
                    });
            }
            case MixOperation.Refused:
            {
                var (township, caseId) = _concluded[_random.Next(_concluded.Count)];
                return (Command(township, caseId, "conclude", township.Officer,
                    $$"""{"at":"{{MixWorkload.Instant(now)}}","outcome":"supported","reply":"重复提交"}"""), _ => { });
            }
            case MixOperation.View:
            {
                var (township, caseId) = _known[_random.Next(_known.Count)];
                return (MixWorkload.Request(HttpMethod.Get, $"/api/townships/{township.Township}/petitions/{caseId}", township.Officer, null), _ => { });
            }
            case MixOperation.List:
            {
                var township = townships[_random.Next(townships.Count)];
                return (MixWorkload.Request(HttpMethod.Get, $"/api/townships/{township.Township}/petitions?status=accepted&pageSize=20", township.Officer, null), _ => { });
            }
            case MixOperation.Alerts:
            {
                var township = townships[_random.Next(townships.Count)];
                return (MixWorkload.Request(HttpMethod.Get, $"/api/townships/{township.Township}/alerts", township.Supervisor, null), _ => { });
            }
            case MixOperation.Rollup:
            {
                var township = townships[_random.Next(townships.Count)];
                return (MixWorkload.Request(HttpMethod.Get, $"/api/townships/{township.Township}/rollups/{MixWorkload.CurrentYear}", township.Supervisor, null), _ => { });
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(operation));
        }
    }

    private static HttpRequestMessage Command(TownshipCallers township, string caseId, string verb, string token, string body)
        => MixWorkload.Request(HttpMethod.Post, $"/api/townships/{township.Township}/petitions/{caseId}/{verb}", token, body);

    private void Remember(TownshipCallers township, string caseId)
    {
        _known.Add((township, caseId));
        if (_known.Count > KeptForReads)
        {
            _known.RemoveAt(0);
        }
    }
}
