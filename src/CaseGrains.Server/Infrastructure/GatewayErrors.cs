using System.Diagnostics;
using CaseGrains.Domain;
using CaseGrains.Grains.Cases;
using Microsoft.AspNetCore.Mvc;

namespace CaseGrains.Server.Infrastructure;

/// <summary>
/// 网关错误代码 — the stable codes of the answers the gateway gives itself (the domain's are in
/// <see cref="ErrorCodes"/>), each with its Chinese message. Like the domain's, a code never changes
/// meaning once published.
/// </summary>
internal static class GatewayErrors
{
    /// <summary>400: fields, query values or headers that cannot be accepted; <c>errors</c> names them.</summary>
    public const string RequestInvalid = "request.invalid";

    /// <summary>401: no bearer token, or one that is expired, forged or meant for another service.</summary>
    public const string Unauthorized = "auth.unauthorized";

    /// <summary>403: the caller's role may not do this.</summary>
    public const string Forbidden = "auth.forbidden";

    /// <summary>404: no such path.</summary>
    public const string ResourceNotFound = "resource.not-found";

    /// <summary>404: no such county in the caller's scope.</summary>
    public const string CountyNotFound = "county.not-found";

    /// <summary>405: the path exists, the method does not.</summary>
    public const string MethodNotAllowed = "request.method-not-allowed";

    /// <summary>409: two commands on one case raced; the loser changed nothing.</summary>
    public const string ConcurrentChange = "case.concurrent-change";

    /// <summary>409: the first request with this <c>Idempotency-Key</c> is still running.</summary>
    public const string IdempotencyInProgress = "idempotency.in-progress";

    /// <summary>413: the body is over the size limit.</summary>
    public const string PayloadTooLarge = "request.too-large";

    /// <summary>415: the body is not <c>application/json</c>.</summary>
    public const string UnsupportedMediaType = "request.unsupported-media-type";

    /// <summary>A ledger import whose body is neither CSV nor XLSX.</summary>
    public const string UnsupportedLedgerType = "import.unsupported-file-type";

    /// <summary>422: an <c>Idempotency-Key</c> sent again with another body.</summary>
    public const string IdempotencyKeyReused = "idempotency.key-reused";

    /// <summary>429: the caller is over its request budget.</summary>
    public const string RateLimited = "rate.limited";

    /// <summary>500: a bug.</summary>
    public const string Internal = "server.error";

    /// <summary>503: the database cannot be reached.</summary>
    public const string StorageUnavailable = "storage.unavailable";

    /// <summary>503: the database is reachable but its schema is not migrated (readiness).</summary>
    public const string NotReady = "storage.not-ready";

    /// <summary>503: this node is shutting down.</summary>
    public const string ShuttingDown = "node.shutting-down";

    /// <summary>503: the node holding the case went away during the call.</summary>
    public const string NodeUnavailable = "node.unavailable";

    /// <summary>503: the case did not answer in time.</summary>
    public const string Timeout = "case.timeout";

    private static readonly Dictionary<string, string> MessagesZh = new(StringComparer.Ordinal)
    {
        [RequestInvalid] = "请求有误，未作任何更改；请按 errors 中所列字段修正后重试。",
        [Unauthorized] = "需要有效的访问令牌（Bearer）。",
        [Forbidden] = "您的角色无权执行此操作。",
        [ResourceNotFound] = "请求的资源不存在。",
        [CountyNotFound] = "县（区）不存在或不在您的权限范围内。",
        [MethodNotAllowed] = "此路径不支持该请求方法。",
        [ConcurrentChange] = "案件同时被他人修改，本次未作更改；请刷新后重试。",
        [IdempotencyInProgress] = "使用该幂等键的首次请求仍在处理中，请稍后重试。",
        [PayloadTooLarge] = "请求内容超过大小上限。",
        [UnsupportedMediaType] = "请求内容须为 application/json 格式。",
        [UnsupportedLedgerType] = "台账文件须为 CSV（UTF-8 编码）或 XLSX 格式，列与导入模板一致。",
        [IdempotencyKeyReused] = "该幂等键已用于内容不同的请求，请使用新的幂等键。",
        [RateLimited] = "请求过于频繁，请稍后重试。",
        [Internal] = "服务器内部错误。",
        [StorageUnavailable] = "数据库暂时无法访问，未作任何更改；请稍后重试。",
        [NotReady] = "服务尚未就绪：数据库结构尚未迁移或无法访问。",
        [ShuttingDown] = "本节点正在关闭，未作任何更改；请稍后重试。",
        [NodeUnavailable] = "承载该案件的节点已离开；请先读取案件再重试。",
        [Timeout] = "案件未能及时响应，命令可能已执行也可能未执行；请先读取案件再重试。",
        [ErrorCodes.CaseNotFound] = "案件不存在或不在您的权限范围内。",
        [ErrorCodes.TownshipNotFound] = "乡镇不存在或不在您的权限范围内。",
    };

    /// <summary>Every code the gateway itself answers with, for the document and the tests.</summary>
    public static IReadOnlyCollection<string> All => [.. MessagesZh.Keys.Where(c => !ErrorCodes.All.Contains(c))];

    /// <summary>Every code a client can meet: the domain's, the grain layer's and the gateway's.</summary>
    public static IReadOnlyList<string> Catalog =>
        [.. ErrorCodes.All.Concat([GrainErrors.VersionMismatchCode]).Concat(All).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The code of an answer that names none, from its status.</summary>
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => RequestInvalid,
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => ResourceNotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status409Conflict => ConcurrentChange,
        StatusCodes.Status412PreconditionFailed => GrainErrors.VersionMismatchCode,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => RateLimited,
        StatusCodes.Status503ServiceUnavailable => StorageUnavailable,
        >= 500 => Internal,
        _ => RequestInvalid,
    };

    /// <summary>The Chinese message of a gateway code; a generic one for codes of other layers that came without one.</summary>
    public static string MessageZh(string code) => MessagesZh.TryGetValue(code, out var message) ? message : "请求未能完成。";

    /// <summary>
    /// Completes every ProblemDetails the service writes, whoever wrote it (an endpoint, the framework's
    /// status pages, authentication, the rate limiter, the exception handler): a detail, a type, the stable
    /// <c>code</c>, the Chinese <c>messageZh</c> and the <c>traceId</c>, so that no error answer lacks one.
    /// </summary>
    public static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Status ??= context.HttpContext.Response.StatusCode;
        var status = problem.Status.Value;
        // Answers the framework writes itself (unknown route, wrong method, wrong media type) get a detail too.
        problem.Detail ??= status switch
        {
            StatusCodes.Status404NotFound => "No such resource.",
            StatusCodes.Status405MethodNotAllowed => "This method is not allowed on this path.",
            StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
            _ => problem.Title ?? ReasonPhrase(status),
        };
        problem.Title ??= ReasonPhrase(status);
        problem.Type ??= $"https://httpstatuses.io/{status}";
        if (problem.Extensions.TryGetValue("code", out var existing) is false || existing is not string { Length: > 0 } code)
        {
            code = ForStatus(status);
            problem.Extensions["code"] = code;
        }
        if (problem.Extensions.TryGetValue("messageZh", out var zh) is false || zh is not string { Length: > 0 })
        {
            problem.Extensions["messageZh"] = MessageZh(code);
        }
        if (problem.Extensions.TryGetValue("traceId", out var trace) is false || trace is not string { Length: > 0 })
        {
            problem.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
        }
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
