using CaseGrains.Domain;
using CaseGrains.Grains.Cases;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CaseGrains.Server.Infrastructure;

/// <summary>RFC 9457 answers. Domain errors keep their stable code and both languages' messages.</summary>
internal static class Problems
{
    public static ProblemHttpResult NotFound(string what = "case") => TypedResults.Problem(
        title: "Not found", detail: $"No such {what} in your scope.", statusCode: StatusCodes.Status404NotFound,
        type: "https://httpstatuses.io/404", extensions: Coded(what switch
        {
            "township" => ErrorCodes.TownshipNotFound,
            "county" => GatewayErrors.CountyNotFound,
            _ => ErrorCodes.CaseNotFound,
        }));

    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string? detail = null) => TypedResults.ValidationProblem(
        errors, detail: detail ?? "The request has invalid fields; nothing was changed.", title: "Invalid request",
        type: "https://httpstatuses.io/400", extensions: Coded(GatewayErrors.RequestInvalid));

    public static ProblemHttpResult Conflict(string code, string detail) => TypedResults.Problem(
        title: "Concurrent change", detail: detail, statusCode: StatusCodes.Status409Conflict, type: "https://httpstatuses.io/409",
        extensions: Coded(code));

    /// <summary>A gateway answer of any status with its stable code (and the code's Chinese message).</summary>
    public static ProblemHttpResult Status(int status, string code, string title, string detail) => TypedResults.Problem(
        title: title, detail: detail, statusCode: status, type: $"https://httpstatuses.io/{status}", extensions: Coded(code));

    /// <summary>The extensions naming a gateway code and its Chinese message.</summary>
    public static Dictionary<string, object?> Coded(string code) => new() { ["code"] = code, ["messageZh"] = GatewayErrors.MessageZh(code) };

    public static ValidationProblem Field(string field, string message) => Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A refused command: 400 for bad values, 404 unknown, 409 wrong state, 412 stale If-Match, 422 a rule.</summary>
    public static IResult FromDomain(DomainError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var status = error.Code == GrainErrors.VersionMismatchCode
            ? StatusCodes.Status412PreconditionFailed
            : error.Kind switch
            {
                DomainErrorKind.NotFound => StatusCodes.Status404NotFound,
                DomainErrorKind.Validation => StatusCodes.Status400BadRequest,
                DomainErrorKind.Conflict => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status422UnprocessableEntity,
            };
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code, ["messageZh"] = error.MessageZh };
        if (status == StatusCodes.Status400BadRequest)
        {
            var errors = new Dictionary<string, string[]> { [error.Field ?? "body"] = [error.MessageEn] };
            return TypedResults.ValidationProblem(errors, detail: error.MessageEn, title: "Invalid request",
                type: "https://httpstatuses.io/400", extensions: extensions);
        }
        return TypedResults.Problem(detail: error.MessageEn, statusCode: status, title: TitleOf(status),
            type: $"https://httpstatuses.io/{status}", extensions: extensions);
    }

    public static Task WriteAsync(HttpContext context, int status, string code, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" };
        foreach (var (key, value) in Coded(code))
        {
            problem.Extensions[key] = value;
        }
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
        }).AsTask();
    }

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status409Conflict => "Not allowed in the case's current state",
        StatusCodes.Status412PreconditionFailed => "Version mismatch",
        _ => "Refused by a rule",
    };
}
