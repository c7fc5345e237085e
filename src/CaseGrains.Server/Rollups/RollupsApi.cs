using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Rollups;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Townships;
using CaseGrains.Storage;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Infrastructure;
using CaseGrains.Server.Townships;

namespace CaseGrains.Server.Rollups;

/// <summary>Year figures for the 法治政府建设 report: per township and per county, as of any date.</summary>
internal static class RollupsApi
{
    public static void MapRollups(this IEndpointRouteBuilder routes)
    {
        const string tag = "统计 — the year figures of the 法治政府建设 report, per township and per county, as of any date; every rate with its parts and formula.";
        routes.MapGet("/api/townships/{townshipId}/rollups/{year:int}", TownshipRollupAsync)
            .RequireAuthorization(Policies.ReadRollups)
            .WithTag("Rollup", tag)
            .WithName("GetTownshipRollup")
            .Documented("Read a township's year figures",
                "The township's figures for the cases registered in `year`, as they stood at the end of `asOf` (yyyy-MM-dd, default today). " +
                "A rate's `value` is null when its denominator is 0.")
            .Produces<TownshipRollup>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        routes.MapGet("/api/townships/{townshipId}/rollups/{year:int}/months", TownshipMonthsAsync)
            .RequireAuthorization(Policies.ReadRollups)
            .WithTag("Rollup", tag)
            .WithName("GetTownshipRollupMonths")
            .Documented("Read a township's year month by month",
                "For each month of `year` (1 to 12), petitions and disputes apart: `received` (registered in the month), `concluded` " +
                "(answered; for disputes resolved or failed) and `inProgressAtMonthEnd`, for the cases registered in `year` as they stood at the end of `asOf` " +
                "(yyyy-MM-dd, default today). Each month is the year rollup as of its last day (or `asOf`, if earlier) less the month before, so the months add up " +
                "to the year's figures; `inProgressAtMonthEnd` is null for a month that had not begun by `asOf`.")
            .Produces<MonthlyRollup>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        routes.MapGet("/api/counties/{countyId}/rollups/{year:int}", CountyRollupAsync)
            .RequireAuthorization(Policies.ReadRollups)
            .WithTag("Rollup", tag)
            .WithName("GetCountyRollup")
            .Documented("Read a county's year figures",
                "The county's townships added up (rates from the summed parts), and each township's own figures in `townships`. " +
                "Callers with the county in their scope, and admins.")
            .Produces<CountyRollup>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> TownshipRollupAsync(string townshipId, int year, Caller caller, TownshipScope scope, IGrainFactory grains,
        DeadlinePolicy policy, TimeProvider time, string? asOf = null)
    {
        if (await scope.FindAsync(caller, townshipId) is null)
        {
            return Problems.NotFound("township");
        }
        if (Validate(year, asOf) is { } problem)
        {
            return problem;
        }
        var cases = await grains.GetGrain<ITownshipGrain>(townshipId).Cases();
        return TypedResults.Ok(Rollup.Compute(townshipId, year, AsOf(asOf, policy, time), cases, policy));
    }

    private static async Task<IResult> TownshipMonthsAsync(string townshipId, int year, Caller caller, TownshipScope scope, IGrainFactory grains,
        DeadlinePolicy policy, TimeProvider time, string? asOf = null)
    {
        if (await scope.FindAsync(caller, townshipId) is null)
        {
            return Problems.NotFound("township");
        }
        if (Validate(year, asOf) is { } problem)
        {
            return problem;
        }
        var cases = await grains.GetGrain<ITownshipGrain>(townshipId).Cases();
        return TypedResults.Ok(MonthlyFigures.Compute(townshipId, year, AsOf(asOf, policy, time), cases, policy));
    }

    private static async Task<IResult> CountyRollupAsync(string countyId, int year, Caller caller, IGrainFactory grains, ICaseStore store,
        DeadlinePolicy policy, TimeProvider time, string? asOf = null)
    {
        if (!Ids.IsValidTownshipId(countyId) || !TownshipScope.SeesCounty(caller, countyId))
        {
            return Problems.NotFound("county");
        }
        if (Validate(year, asOf) is { } problem)
        {
            return problem;
        }
        var date = AsOf(asOf, policy, time);
        var townships = await store.QueryIndexAsync(new IndexQuery(GrainTypes.Township) { Partitions = [countyId] });
        if (townships.Total == 0)
        {
            // A county is known only through its townships.
            return Problems.NotFound("county");
        }
        var rollups = new List<TownshipRollup>();
        foreach (var row in townships.Rows.OrderBy(r => r.StreamId, StringComparer.Ordinal))
        {
            var townshipId = row.StreamId[(GrainTypes.Township.Length + 1)..];
            var cases = await grains.GetGrain<ITownshipGrain>(townshipId).Cases();
            rollups.Add(Rollup.Compute(townshipId, year, date, cases, policy));
        }
        return TypedResults.Ok(Rollup.Combine(countyId, year, date, rollups));
    }

    private static IResult? Validate(int year, string? asOf)
    {
        var errors = new FieldErrors();
        errors.Year("year", year);
        if (asOf is not null && !DateOnly.TryParseExact(asOf, "yyyy-MM-dd", out _))
        {
            errors.Add("asOf", "must be a date yyyy-MM-dd");
        }
        return errors.Any ? Problems.Validation(errors.ToDictionary()) : null;
    }

    private static DateOnly AsOf(string? asOf, DeadlinePolicy policy, TimeProvider time)
        => asOf is null ? policy.LocalDate(time.GetUtcNow()) : DateOnly.ParseExact(asOf, "yyyy-MM-dd");
}
