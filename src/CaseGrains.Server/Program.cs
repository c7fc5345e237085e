using CaseGrains.Server.Cli;
using CaseGrains.Server.Health;
using CaseGrains.Server.Infrastructure;

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

// HTTP plumbing: JSON shape, ProblemDetails for every error.
builder.AddGatewayPlumbing();

var app = builder.Build();

// Errors become ProblemDetails; a lost database becomes 503 with Retry-After.
app.UseGatewayPlumbing();

// Liveness and readiness, without authentication.
app.MapHealth();

return await app.RunOrExplainAsync();

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
