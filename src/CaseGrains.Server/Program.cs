using CaseGrains.Server.Alerts;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Cli;
using CaseGrains.Server.Dashboard;
using CaseGrains.Server.Disputes;
using CaseGrains.Server.Health;
using CaseGrains.Server.Imports;
using CaseGrains.Server.Infrastructure;
using CaseGrains.Server.Operations;
using CaseGrains.Server.Petitions;
using CaseGrains.Server.Reports;
using CaseGrains.Server.Rollups;
using CaseGrains.Server.Telemetry;
using CaseGrains.Server.Townships;

// Command-line verbs (token, migrate) do their job and exit; anything else runs the service.
if (ServerCommandLine.IsVerb(args))
{
    return await ServerCommandLine.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

// Listening address: ASPNETCORE_URLS or --urls when given, else the loopback default.
builder.UseDefaultListeningAddress();

// Storage, the grain host and its grains, with options validated at start-up.
builder.AddCaseGrainsCore();

// HTTP plumbing: JSON shape, limits, ProblemDetails for every error, OpenAPI.
builder.AddGatewayPlumbing();

// JWT bearer tokens, roles and township scope.
builder.AddGatewayAuth();

// Deadline alerts: this node's feed of alert changes for live streams.
builder.AddAlerts();

// The Orleans dashboard's ticket cookie (admins).
builder.AddOperationsDashboard();

// Traces and metrics over OTLP when Otlp:Endpoint is set.
builder.AddCaseGrainsTelemetry();

var app = builder.Build();

// Errors become ProblemDetails; a lost database becomes 503 with Retry-After.
app.UseGatewayPlumbing();

// Liveness and readiness, without authentication.
app.MapHealth();

// The gateway API, one route group per feature.
app.MapTownships();
app.MapPetitions();
app.MapDisputes();
app.MapRollups();
app.MapAlerts();
app.MapReports();
app.MapImports();

// Operations: the cluster's silos and activations, and the Orleans dashboard on silos (admins).
app.MapCluster();
app.MapOperationsDashboard();

// The supervisors' dashboard at /: static files without a token; its data comes from /api with one.
app.MapDashboard();

return await app.RunOrExplainAsync();

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
