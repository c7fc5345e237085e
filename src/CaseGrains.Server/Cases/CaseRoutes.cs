using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Rollups;
using CaseGrains.Grains;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Townships;
using CaseGrains.Storage;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Infrastructure;
using CaseGrains.Server.Telemetry;
using CaseGrains.Server.Townships;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CaseGrains.Server.Cases;

/// <summary>A request body that becomes one domain command.</summary>
internal interface ICommandRequest<out TCommand> : IValidatedRequest
{
    TCommand ToCommand();
}

/// <summary>
/// The routes petitions and disputes share: register (numbered by the township, idempotent),
/// list from the current-state rows, view with ETag, audit trail, and one POST per command verb.
/// Every route checks the caller's township scope first; a case outside it is a 404.
/// </summary>
internal sealed class CaseRoutes<TState, TRegister, TCommand, TGrain>(
    string grainType,
    string segment,
    Func<ITownshipGrain, TRegister, CommandContext, Task<CaseResult<CaseSnapshot<TState>>>> register,
    Func<TState, string> caseIdOf,
    Func<CaseSnapshot<TState>, CaseViewContext, object> toView,
    Type viewType)
    where TState : class
    where TRegister : TCommand
    where TCommand : class
    where TGrain : ICaseGrain<TState, TRegister, TCommand>
{
    private const int MaxPageSize = 200;

    /// <summary>Maps the routes under <c>/api/townships/{townshipId}/{segment}</c>; <paramref name="docs"/> names the case kind in the document.</summary>
    public RouteGroupBuilder Map<TRegisterRequest>(IEndpointRouteBuilder routes, string tag, CaseKindDocs docs)
        where TRegisterRequest : class, ICommandRequest<TRegister>
    {
        ArgumentNullException.ThrowIfNull(docs);
        var group = routes.MapGroup($"/api/townships/{{townshipId}}/{segment}").WithTag(tag, docs.TagDescription);

        group.MapPost("/", (string townshipId, JsonBody<TRegisterRequest> body, HttpContext http, Caller caller,
                TownshipScope scope, IGrainFactory grains, Idempotency idempotency, ICaseStore store, DeadlinePolicy policy, TimeProvider time)
            => RegisterAsync(townshipId, body, http, caller, scope, grains, idempotency, store, policy, time))
            .RequireAuthorization(Policies.WriteCases)
            .WithName($"Register{tag}")
            .Documented($"Register a {docs.Singular} ({docs.RegisterZh})", docs.RegisterDescription)
            .HonoursIdempotencyKey()
            .SendsETag()
            .Produces(StatusCodes.Status201Created, viewType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/", ListAsync)
            .RequireAuthorization(Policies.ReadCases)
            .WithName($"List{tag}")
            .Documented($"List {docs.Plural}",
                $"The township's {docs.Plural}, newest first, from the current-state rows: filter by `status`, `leaderId`, `overdue` (a running deadline has passed) " +
                "and `year` of registration; `page` from 1, `pageSize` 1 to 200 (default 20). No personal data.")
            .Produces<PagedList<CaseListItem>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{caseId}", ViewAsync)
            .RequireAuthorization(Policies.ReadCases)
            .WithName($"Get{tag}")
            .Documented($"Read a {docs.Singular}",
                $"The {docs.Singular} as it stands now, with its deadlines as of today. Officers and admins see personal data in full (the read is recorded in the access log); " +
                "supervisors see it masked (`张*`, `138****5678`). `ETag` is its version.")
            .SendsETag()
            .Produces(StatusCodes.Status200OK, viewType)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{caseId}/events", EventsAsync)
            .RequireAuthorization(Policies.ReadCases)
            .WithName($"Get{tag}Events")
            .Documented($"Read a {docs.Singular}'s audit trail",
                $"Every event of the {docs.Singular} in order: its version, type, when it was recorded, who did it (the token's subject) and its data, personal data masked as on the view.")
            .Produces<IReadOnlyList<CaseEventView>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    /// <summary>Maps <c>POST …/{caseId}/{verb}</c> running the command its body describes.</summary>
    public void MapCommand<TRequest>(RouteGroupBuilder group, string verb, string policy, string name, string summary, string description)
        where TRequest : class, ICommandRequest<TCommand>
    {
        group.MapPost($"/{{caseId}}/{verb}", (string townshipId, string caseId, JsonBody<TRequest> body, HttpContext http, Caller caller,
                TownshipScope scope, IGrainFactory grains, ICaseStore store, DeadlinePolicy policy, TimeProvider time)
            => ExecuteAsync(verb, townshipId, caseId, body.Problem, body.Value?.ToCommand(), http, caller, scope, grains, store, policy, time))
            .RequireAuthorization(policy)
            .WithName(name)
            .Documented(summary, description + " Answers with the case as it now stands; nothing is written when it is refused.")
            .HonoursIfMatch()
            .SendsETag()
            .Produces(StatusCodes.Status200OK, viewType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private async Task<IResult> RegisterAsync<TRegisterRequest>(string townshipId, JsonBody<TRegisterRequest> body, HttpContext http, Caller caller,
        TownshipScope scope, IGrainFactory grains, Idempotency idempotency, ICaseStore store, DeadlinePolicy policy, TimeProvider time)
        where TRegisterRequest : class, ICommandRequest<TRegister>
    {
        if (await scope.FindAsync(caller, townshipId) is null)
        {
            return Problems.NotFound("township");
        }
        if (body.Problem is { } problem)
        {
            return problem;
        }
        var request = body.Value!;
        var collection = $"/api/townships/{townshipId}/{segment}";
        return await idempotency.RunAsync(http, caller, $"POST {collection}", request, collection, async claim =>
        {
            // The answer shows the petitioners to an officer: that read is logged in the registration's own commit.
            var context = CommandContextOf(caller, "register") with { Idempotency = claim };
            var result = await register(grains.GetGrain<ITownshipGrain>(townshipId), request.ToCommand(), context);
            ApiTelemetry.Command(grainType, "register", result.Error?.Code ?? "ok");
            if (result.Value is not { } snapshot)
            {
                return result.Error!.Code == GrainErrors.IdempotencyKeyTakenCode
                    ? new Idempotency.Outcome(null, null, KeyTaken: true)
                    : new Idempotency.Outcome(null, Problems.FromDomain(result.Error!));
            }
            var view = toView(snapshot, ViewContext(caller, policy, time));
            var id = caseIdOf(snapshot.State);
            return new Idempotency.Outcome(new CreatedAnswer($"{collection}/{id}", view, snapshot.Version), null);
        }, async location =>
        {
            // A retry is told about the case the first request created, as it stands now.
            var caseId = location[(location.LastIndexOf('/') + 1)..];
            if (await grains.GetGrain<TGrain>(GrainTypes.CaseKey(townshipId, caseId)).Get() is not { } snapshot)
            {
                return Problems.NotFound();
            }
            var context = await ViewContextAsync(caller, townshipId, store, policy, time, "replay", GrainTypes.CaseKey(townshipId, caseId));
            CaseHttp.SetETag(http.Response, snapshot.Version);
            return TypedResults.Created(location, toView(snapshot, context));
        });
    }

    private async Task<IResult> ListAsync(string townshipId, Caller caller, TownshipScope scope, ICaseStore store, DeadlinePolicy policy, TimeProvider time,
        string? status = null, string? leaderId = null, bool? overdue = null, int? year = null, int page = 1, int pageSize = 20)
    {
        if (await scope.FindAsync(caller, townshipId) is null)
        {
            return Problems.NotFound("township");
        }
        var errors = new FieldErrors();
        if (page < 1) errors.Add("page", "must be 1 or more");
        if (pageSize is < 1 or > MaxPageSize) errors.Add("pageSize", $"must be between 1 and {MaxPageSize}");
        // The offset must fit the store's int: an overflow read as a negative OFFSET (PostgreSQL: 500; SQLite: page 1).
        else if ((page - 1L) * pageSize > int.MaxValue) errors.Add("page", "is beyond the last possible page");
        errors.Year("year", year);
        if (status is not null && !Statuses.Contains(status)) errors.Add("status", "must be one of: " + string.Join(", ", Statuses));
        errors.MaxLength("leaderId", leaderId, Ids.MaxIdLength);
        if (errors.Any)
        {
            return Problems.Validation(errors.ToDictionary());
        }
        var now = time.GetUtcNow();
        var rows = await store.QueryIndexAsync(new IndexQuery(grainType)
        {
            Partitions = [townshipId],
            Status = status,
            Owner = leaderId,
            Period = year,
            DueAtOrBefore = overdue == true ? now : null,
            NotDueBy = overdue == false ? now : null,
            Skip = (page - 1) * pageSize,
            Take = pageSize,
        });
        var items = rows.Rows.Select(row => CaseListItem.From(
            System.Text.Json.JsonSerializer.Deserialize<CaseSummary>(row.Entry.Summary, Grains.EventSourcing.GrainJson.Options)!, row.Version, policy, now)).ToList();
        return TypedResults.Ok(new PagedList<CaseListItem>(items, rows.Total, page, pageSize));
    }

    private async Task<IResult> ViewAsync(string townshipId, string caseId, HttpContext http, Caller caller, TownshipScope scope,
        IGrainFactory grains, ICaseStore store, DeadlinePolicy policy, TimeProvider time)
    {
        if (await FindGrainAsync(caller, townshipId, caseId, scope, grains) is not { } grain || await grain.Get() is not { } snapshot)
        {
            return Problems.NotFound();
        }
        var context = await ViewContextAsync(caller, townshipId, store, policy, time, "view", GrainTypes.CaseKey(townshipId, caseId));
        CaseHttp.SetETag(http.Response, snapshot.Version);
        return TypedResults.Ok(toView(snapshot, context));
    }

    private async Task<IResult> EventsAsync(string townshipId, string caseId, Caller caller, TownshipScope scope,
        IGrainFactory grains, ICaseStore store, DeadlinePolicy policy, TimeProvider time)
    {
        if (await FindGrainAsync(caller, townshipId, caseId, scope, grains) is not { } grain)
        {
            return Problems.NotFound();
        }
        var history = await grain.History();
        if (history.Count == 0)
        {
            return Problems.NotFound();
        }
        await ViewContextAsync(caller, townshipId, store, policy, time, "events", GrainTypes.CaseKey(townshipId, caseId));
        return TypedResults.Ok(CaseHttp.Events(history, caller.SeesPersonalData, policy.Settings.TimeZone));
    }

    private async Task<IResult> ExecuteAsync(string verb, string townshipId, string caseId, IResult? problem, TCommand? command, HttpContext http, Caller caller,
        TownshipScope scope, IGrainFactory grains, ICaseStore store, DeadlinePolicy policy, TimeProvider time)
    {
        if (await FindGrainAsync(caller, townshipId, caseId, scope, grains) is not { } grain)
        {
            return Problems.NotFound();
        }
        if (problem is not null)
        {
            return problem;
        }
        if (!CaseHttp.TryReadIfMatch(http.Request, out var expected))
        {
            return Problems.Field("If-Match", "must be a quoted version such as \"3\"");
        }
        var result = await grain.Execute(command!, expected, CommandContextOf(caller, "command"));
        if (result.Value is not { } snapshot)
        {
            ApiTelemetry.Command(grainType, verb, result.Error!.Code);
            return Problems.FromDomain(result.Error!);
        }
        ApiTelemetry.Command(grainType, verb, "ok");
        CaseHttp.SetETag(http.Response, snapshot.Version);
        return TypedResults.Ok(toView(snapshot, ViewContext(caller, policy, time)));
    }

    private async Task<TGrain?> FindGrainAsync(Caller caller, string townshipId, string caseId, TownshipScope scope, IGrainFactory grains)
    {
        // A malformed number is "not found": it never reaches a grain, and never activates one.
        if (!Domain.CaseNumber.TryParse(caseId, out _, out var kind, out _) || kind != Kind || await scope.FindAsync(caller, townshipId) is null)
        {
            return default;
        }
        return grains.GetGrain<TGrain>(GrainTypes.CaseKey(townshipId, caseId));
    }

    private Domain.CaseKind Kind => grainType == GrainTypes.Petition ? Domain.CaseKind.Petition : Domain.CaseKind.Dispute;

    /// <summary>The statuses a list may be filtered by; anything else is a field error, not an empty page.</summary>
    private IReadOnlyList<string> Statuses => Kind == Domain.CaseKind.Petition
        ? [.. Enum.GetValues<Domain.Petitions.PetitionStatus>().Select(s => CaseSummary.ApiName(s))]
        : [.. Enum.GetValues<Domain.Disputes.DisputeStatus>().Select(s => CaseSummary.ApiName(s))];

    /// <summary>Who acts, and when the answer will show personal data, the purpose its commit logs that read under.</summary>
    private static CommandContext CommandContextOf(Caller caller, string purpose)
        => new(caller.Subject, caller.Role, caller.SeesPersonalData ? purpose : null);

    private static CaseViewContext ViewContext(Caller caller, DeadlinePolicy policy, TimeProvider time)
        => new(caller.SeesPersonalData, policy, time.GetUtcNow());

    private static async Task<CaseViewContext> ViewContextAsync(Caller caller, string townshipId, ICaseStore store, DeadlinePolicy policy, TimeProvider time,
        string purpose, string? streamId = null)
    {
        var now = time.GetUtcNow();
        if (caller.SeesPersonalData && streamId is not null)
        {
            await CaseHttp.RecordAccessAsync(store, caller, townshipId, streamId, purpose, now);
        }
        return new CaseViewContext(caller.SeesPersonalData, policy, now);
    }

}

/// <summary>How the document names a case kind: its tag, and its registration.</summary>
internal sealed record CaseKindDocs(string Singular, string Plural, string RegisterZh, string TagDescription, string RegisterDescription);

/// <summary>What a view needs besides the case: may the caller see personal data, the rules, and now.</summary>
internal sealed record CaseViewContext(bool FullPersonalData, DeadlinePolicy Policy, DateTimeOffset Now)
{
    /// <summary>An instant in the deployment's time zone.</summary>
    public DateTimeOffset Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Policy.Settings.TimeZone);

    /// <summary>An optional instant in the deployment's time zone.</summary>
    public DateTimeOffset? Local(DateTimeOffset? instant) => instant is { } value ? Local(value) : null;
}

/// <summary>One row of a case list: no personal data.</summary>
public sealed record CaseListItem(
    string Id, string TownshipId, string Kind, string Status, string Subject, string Category, string? Village, string? LeaderId,
    DateTimeOffset RegisteredAt, DateOnly? DueOn, string? DeadlineKind, bool Overdue, int DaysOverdue, int? DaysLeft,
    bool Collective, bool Repeat, string? Channel, string? Source, long Version)
{
    internal static CaseListItem From(CaseSummary s, long version, DeadlinePolicy policy, DateTimeOffset now)
    {
        var deadline = s.DeadlineStatusAt(policy, now);
        return new CaseListItem(
            s.Id, s.TownshipId, s.Kind == Domain.CaseKind.Petition ? "petition" : "dispute", s.Status, s.Subject, s.Category, s.Village, s.LeaderId,
            TimeZoneInfo.ConvertTime(s.RegisteredAt, policy.Settings.TimeZone), s.DueOn,
            s.DeadlineKind is { } kind ? CaseSummary.ApiName(kind) : null,
            deadline?.Overdue ?? false, deadline?.DaysOverdue ?? 0, deadline?.DaysLeft,
            s.Collective, s.Repeat,
            s.Channel is { } channel ? CaseSummary.ApiName(channel) : null,
            s.Source is { } source ? CaseSummary.ApiName(source) : null,
            version);
    }
}
