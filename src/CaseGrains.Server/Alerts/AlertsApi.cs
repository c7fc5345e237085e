using System.Globalization;
using System.Text;
using System.Text.Json;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Grains.Deadlines;
using CaseGrains.Grains.Townships;
using CaseGrains.Storage;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Infrastructure;
using CaseGrains.Server.Townships;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CaseGrains.Server.Alerts;

/// <summary>
/// 预警: what is overdue or due soon, per township and across the caller's scope, answered from the
/// townships' in-memory alert indexes; and a live stream of alert changes (server-sent events).
/// </summary>
internal static class AlertsApi
{
    /// <summary>Longest wait between two writes on a live stream (a comment line), so that proxies keep it open.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

    private static readonly string[] Levels = ["overdue", "dueSoon"];
    private static readonly string[] Kinds = ["petition", "dispute"];

    public static void AddAlerts(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AlertFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertFeed>());
    }

    private const string Tag = "预警 — overdue and due-soon cases: lists from the townships' alert indexes, and a live stream of changes.";

    public static void MapAlerts(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/townships/{townshipId}/alerts", TownshipAlertsAsync)
            .RequireAuthorization(Policies.ReadCases)
            .WithTag("Alert", Tag)
            .Documented("List a township's overdue and due-soon cases",
                "Every case of the township with an alert in force (已超期 or 即将到期), most days overdue first. Filters: alert, leaderId, caseKind. "
                + "Days are counted now, in the deployment's time zone. Officers, supervisors and admins of the township's scope.")
            .WithName("GetTownshipAlerts")
            .Produces<IReadOnlyList<AlertView>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        routes.MapGet("/api/alerts", AllAlertsAsync)
            .RequireAuthorization(Policies.ReadCases)
            .WithTag("Alert", Tag)
            .Documented("List the overdue and due-soon cases of the caller's scope",
                "Every alert in force in the townships and counties the caller's token names (all townships for admins), most days overdue first. "
                + "Filters: alert (overdue, dueSoon), leaderId, caseKind (petition, dispute).")
            .WithName("GetAlerts")
            .Produces<IReadOnlyList<AlertView>>()
            .ProducesValidationProblem();

        routes.MapGet("/api/alerts/stream", StreamAsync)
            .RequireAuthorization(Policies.ReadCases)
            .WithTag("Alert", Tag)
            .Documented("Stream alert changes as they happen (server-sent events)",
                "text/event-stream: `event: alert` when a case becomes due soon or overdue, `event: cleared` when its alert no longer applies; "
                + "`data` is the alert item, `id` orders the changes. Send Last-Event-ID (or ?lastEventId=) on reconnecting to receive what was missed first. "
                + "A comment line comes at least every 10 s. Only changes in the caller's scope are sent.")
            .WithName("StreamAlerts")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesValidationProblem();
    }

    private static async Task<IResult> TownshipAlertsAsync(string townshipId, Caller caller, TownshipScope scope, IGrainFactory grains,
        DeadlinePolicy policy, TimeProvider time, string? alert = null, string? leaderId = null, string? caseKind = null)
    {
        if (await scope.FindAsync(caller, townshipId) is null)
        {
            return Problems.NotFound("township");
        }
        if (Validate(alert, leaderId, caseKind) is { } problem)
        {
            return problem;
        }
        var alerts = await grains.GetGrain<ITownshipGrain>(townshipId).Alerts();
        return TypedResults.Ok(Shape(alerts, policy, time.GetUtcNow(), alert, leaderId, caseKind));
    }

    private static async Task<IResult> AllAlertsAsync(Caller caller, TownshipScope scope, IGrainFactory grains, DeadlinePolicy policy, TimeProvider time,
        string? alert = null, string? leaderId = null, string? caseKind = null)
    {
        if (Validate(alert, leaderId, caseKind) is { } problem)
        {
            return problem;
        }
        var townships = await scope.TownshipsInScopeAsync(caller);
        var alerts = await Task.WhenAll(townships.Select(t => grains.GetGrain<ITownshipGrain>(t).Alerts()));
        return TypedResults.Ok(Shape(alerts.SelectMany(a => a), policy, time.GetUtcNow(), alert, leaderId, caseKind));
    }

    private static IResult? Validate(string? alert, string? leaderId, string? caseKind)
    {
        var errors = new FieldErrors();
        if (alert is not null && !Levels.Contains(alert)) errors.Add("alert", "must be one of: overdue, dueSoon");
        if (caseKind is not null && !Kinds.Contains(caseKind)) errors.Add("caseKind", "must be one of: petition, dispute");
        errors.MaxLength("leaderId", leaderId, Ids.MaxIdLength);
        return errors.Any ? Problems.Validation(errors.ToDictionary()) : null;
    }

    /// <summary>Days worked out now; filtered; most days overdue first, then fewest days left, then by case.</summary>
    private static List<AlertView> Shape(IEnumerable<CaseAlert> alerts, DeadlinePolicy policy, DateTimeOffset now, string? alert, string? leaderId, string? caseKind)
        => [.. alerts
            .Select(a => AlertView.From(a, policy, now))
            .Where(a => (alert is null || a.Alert == alert) && (leaderId is null || a.LeaderId == leaderId) && (caseKind is null || a.CaseKind == caseKind))
            .OrderByDescending(a => a.DaysOverdue).ThenBy(a => a.DaysLeft).ThenBy(a => a.TownshipId, StringComparer.Ordinal).ThenBy(a => a.CaseId, StringComparer.Ordinal)];

    /// <summary>
    /// <c>text/event-stream</c> of alert changes in the caller's scope, each with its log id; a client that
    /// reconnects with <c>Last-Event-ID</c> (or <c>?lastEventId=</c>) first receives what it missed.
    /// </summary>
    private static async Task StreamAsync(HttpContext http, Caller caller, TownshipScope scope, AlertFeed feed, ICaseStore store,
        DeadlinePolicy policy, TimeProvider time, IOptions<JsonOptions> json, string? lastEventId = null)
    {
        var resume = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : lastEventId;
        long after = 0;
        if (resume is not null && (!long.TryParse(resume, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
        {
            await Problems.Validation(new Dictionary<string, string[]> { ["Last-Event-ID"] = ["must be the id of an event this stream sent"] }).ExecuteAsync(http);
            return;
        }
        var cancel = http.RequestAborted;
        // Listen before replaying, so that nothing committed in between falls through the gap.
        using var subscription = feed.Listen();
        var inScope = await scope.InScopeCheckAsync(caller);
        http.Response.Headers.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        // nginx and other proxies must pass events on as they come.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.WriteAsync(": alerts\n\n", cancel);
        await http.Response.Body.FlushAsync(cancel);

        var sent = new HashSet<long>();
        var options = json.Value.SerializerOptions;
        async Task SendAsync(AlertLogRow row)
        {
            if (!sent.Add(row.Id) || !await inScope(row.Partition) || AlertFeed.AlertOf(row) is not { } alert)
            {
                return;
            }
            var view = AlertView.From(alert, policy, time.GetUtcNow());
            var text = new StringBuilder()
                .Append("id: ").Append(row.Id.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append("event: ").Append(row.Change == AlertChanges.Cleared ? "cleared" : "alert").Append('\n')
                .Append("data: ").Append(JsonSerializer.Serialize(view, options)).Append("\n\n");
            await http.Response.WriteAsync(text.ToString(), cancel);
        }

        try
        {
            if (resume is not null)
            {
                for (var more = true; more;)
                {
                    var missed = await store.ReadAlertLogAsync(after, null, 500, cancel);
                    foreach (var row in missed)
                    {
                        await SendAsync(row);
                        after = row.Id;
                    }
                    more = missed.Count == 500;
                }
                await http.Response.Body.FlushAsync(cancel);
            }
            while (!cancel.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                wait.CancelAfter(Heartbeat);
                try
                {
                    var row = await subscription.Changes.ReadAsync(wait.Token);
                    await SendAsync(row);
                    while (subscription.Changes.TryRead(out var next))
                    {
                        await SendAsync(next);
                    }
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", cancel);
                }
                await http.Response.Body.FlushAsync(cancel);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        catch (StorageUnavailableException)
        {
            // The replay could not be read; the client reconnects with its Last-Event-ID.
        }
    }
}
