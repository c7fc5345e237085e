using Microsoft.Extensions.Options;

namespace CaseGrains.Server.Infrastructure;

/// <summary>Starts the service, or fails fast with one clear line and a non-zero exit.</summary>
internal static class RunOrExplain
{
    public static async Task<int> RunOrExplainAsync(this WebApplication app)
    {
        try
        {
            await app.StartAsync();
        }
        catch (Exception ex)
        {
            // One line an operator can act on, not a stack trace.
            var line = Explain(ex) ?? $"failed to start: {ex.GetType().Name}: {FirstLine(ex.Message)}";
            await Console.Error.WriteLineAsync($"casegrains: {line}");
            return 1;
        }
        StartupBanner.Print(app);
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private static string? Explain(Exception ex) => ex switch
    {
        StartupException startup => startup.Message,
        OptionsValidationException options => "invalid configuration: " + string.Join(" ", options.Failures),
        ArgumentException argument when argument.Message.Contains("connection string", StringComparison.OrdinalIgnoreCase)
            || argument.StackTrace?.Contains("ConnectionString", StringComparison.Ordinal) == true
            => "invalid Storage:ConnectionString: " + argument.Message,
        IOException io when io.Message.Contains("address", StringComparison.OrdinalIgnoreCase) => "cannot listen: " + io.Message,
        InvalidOperationException conversion when conversion.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
            => "invalid configuration: " + FirstLine(conversion.Message),
        AggregateException aggregate when aggregate.InnerExceptions.Count == 1 => Explain(aggregate.InnerExceptions[0]),
        _ => null,
    };
}

/// <summary>What an operator sees when the service is up.</summary>
internal static class StartupBanner
{
    public static void Print(WebApplication app)
    {
        var addresses = app.Urls.Count > 0 ? string.Join(", ", app.Urls) : CoreSetup.DefaultUrl;
        var storage = app.Services.GetRequiredService<IOptions<CaseGrains.Storage.StorageOptions>>().Value;
        var role = app.Services.GetRequiredService<IOptions<OrleansOptions>>().Value.Role;
        Console.WriteLine($"CaseGrains is listening on {addresses} (storage: {storage.Provider}, role: {role}).");
        Console.WriteLine("Mint a local token with:");
        Console.WriteLine("  dotnet run --project src/CaseGrains.Server -- token --role admin --township <townshipId>");
    }
}
