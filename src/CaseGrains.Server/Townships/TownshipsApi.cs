using CaseGrains.Domain.Townships;
using CaseGrains.Grains;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Townships;
using CaseGrains.Storage;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Cases;
using CaseGrains.Server.Infrastructure;

namespace CaseGrains.Server.Townships;

/// <summary>乡镇 and its roster: <c>/api/townships/{t}</c>.</summary>
internal static class TownshipsApi
{
    public static void MapTownships(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/townships/{townshipId}").WithTag("Township",
            "乡镇 — a township, its county, and its roster of responsible leaders (包案领导); the access log of reads of personal data.");

        group.MapPut("/", PutTownshipAsync)
            .RequireAuthorization(Policies.Administer)
            .WithName("PutTownship")
            .Documented("Create or rename a township",
                "Creates the township (201, with `Location`) or updates its name and county (200). Admins only.")
            .SendsETag()
            .Produces<TownshipView>(StatusCodes.Status201Created)
            .Produces<TownshipView>()
            .ProducesValidationProblem();

        group.MapGet("/", GetTownshipAsync)
            .RequireAuthorization(Policies.ReadCases)
            .WithName("GetTownship")
            .Documented("Read a township and its roster", "The township, its county and every leader on its roster, active or not.")
            .SendsETag()
            .Produces<TownshipView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/leaders/{leaderId}", PutLeaderAsync)
            .RequireAuthorization(Policies.KeepRoster)
            .WithName("PutLeader")
            .Documented("Add or update a leader on the roster (包案领导)",
                "Adds the leader or updates their name, title and whether they are active; only active leaders can be assigned to cases. Supervisors and admins.")
            .SendsETag()
            .Produces<TownshipView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/access-log", AccessLogAsync)
            .RequireAuthorization(Policies.Administer)
            .WithName("GetAccessLog")
            .Documented("Read the access log of personal data",
                "The latest reads of unmasked personal data in the township, newest first: who, which case, why; never the data itself. `limit` 1 to 1000 (default 100). Admins only.")
            .Produces<IReadOnlyList<AccessLogEntry>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> PutTownshipAsync(string townshipId, JsonBody<TownshipRequest> body, HttpContext http, Caller caller, IGrainFactory grains)
    {
        if (!Ids.IsValidTownshipId(townshipId))
        {
            return Problems.Field("townshipId", "must be 1 to 64 letters, digits, '-' or '_'");
        }
        if (body.Problem is { } problem)
        {
            return problem;
        }
        var result = await grains.GetGrain<ITownshipGrain>(townshipId).SetProfile(
            new SetTownshipProfile(body.Value!.Name!.Trim(), body.Value.CountyId!.Trim()), new CommandContext(caller.Subject, caller.Role));
        if (result.Value is not { } snapshot)
        {
            return Problems.FromDomain(result.Error!);
        }
        CaseHttp.SetETag(http.Response, snapshot.Version);
        var view = TownshipView.From(snapshot);
        return snapshot.Created ? TypedResults.Created($"/api/townships/{townshipId}", view) : TypedResults.Ok(view);
    }

    private static async Task<IResult> GetTownshipAsync(string townshipId, HttpContext http, Caller caller, TownshipScope scope)
    {
        if (await scope.FindAsync(caller, townshipId) is not { } township)
        {
            return Problems.NotFound("township");
        }
        CaseHttp.SetETag(http.Response, township.Version);
        return TypedResults.Ok(TownshipView.From(township));
    }

    private static async Task<IResult> PutLeaderAsync(string townshipId, string leaderId, JsonBody<LeaderRequest> body, HttpContext http,
        Caller caller, TownshipScope scope, IGrainFactory grains)
    {
        if (await scope.FindAsync(caller, townshipId) is null)
        {
            return Problems.NotFound("township");
        }
        if (!Ids.IsValidTownshipId(leaderId))
        {
            return Problems.Field("leaderId", "must be 1 to 64 letters, digits, '-' or '_'");
        }
        if (body.Problem is { } problem)
        {
            return problem;
        }
        var request = body.Value!;
        var result = await grains.GetGrain<ITownshipGrain>(townshipId).UpsertLeader(
            new UpsertLeader(leaderId, request.Name!.Trim(), request.Title!.Trim(), request.Active!.Value), new CommandContext(caller.Subject, caller.Role));
        if (result.Value is not { } snapshot)
        {
            return Problems.FromDomain(result.Error!);
        }
        CaseHttp.SetETag(http.Response, snapshot.Version);
        return TypedResults.Ok(TownshipView.From(snapshot));
    }

    private static async Task<IResult> AccessLogAsync(string townshipId, Caller caller, TownshipScope scope, ICaseStore store, int limit = 100)
    {
        if (await scope.FindAsync(caller, townshipId) is null)
        {
            return Problems.NotFound("township");
        }
        if (limit is < 1 or > 1000)
        {
            return Problems.Field("limit", "must be between 1 and 1000");
        }
        return TypedResults.Ok(await store.ReadAccessLogAsync(townshipId, limit));
    }
}

/// <summary>Creates or renames a township.</summary>
public sealed partial record TownshipRequest(string? Name, string? CountyId) : IValidatedRequest
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("name", Name, 100);
        errors.Required("countyId", CountyId, Ids.MaxIdLength);
        if (CountyId is not null && !Ids.IsValidTownshipId(CountyId.Trim()))
        {
            errors.Add("countyId", "must be letters, digits, '-' or '_'");
        }
    }
}

/// <summary>Adds or updates a leader (包案领导) on the roster.</summary>
public sealed partial record LeaderRequest(string? Name, string? Title, bool? Active) : IValidatedRequest
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("name", Name, Limits.Name);
        errors.Required("title", Title, 100);
        errors.Required("active", Active);
    }
}

/// <summary>A township and its roster.</summary>
public sealed partial record TownshipView(string Id, string Name, string CountyId, IReadOnlyList<LeaderView> Leaders, long Version)
{
    internal static TownshipView From(TownshipSnapshot snapshot) => new(
        snapshot.State.Id, snapshot.State.Name, snapshot.State.CountyId,
        [.. snapshot.State.Leaders.Values.OrderBy(l => l.Id, StringComparer.Ordinal).Select(l => new LeaderView(l.Id, l.Name, l.Title, l.Active))],
        snapshot.Version);
}

/// <summary>A leader on the roster.</summary>
public sealed record LeaderView(string Id, string Name, string Title, bool Active);
