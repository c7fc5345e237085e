using System.CommandLine;
using System.Globalization;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Grains.Reports;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Infrastructure;
using CaseGrains.Storage;

namespace CaseGrains.Server.Cli;

/// <summary>
/// <c>verify --township t --year 2024 [--as-of yyyy-MM-dd]</c>: recomputes the township's year from its
/// stored events (read from the configured database) and compares it field by field with the live
/// rollup the running service's township grain answers with; prints every difference. Exit 0 when they agree.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var township = new Option<string>("--township") { Description = "The township", Required = true };
        var year = new Option<int>("--year") { Description = "The year", Required = true };
        var asOf = new Option<string?>("--as-of") { Description = "As of the end of this date (yyyy-MM-dd; default today)" };
        var url = ServiceClient.UrlOption();
        var token = ServiceClient.TokenOption();
        var command = new Command("verify", "Recompute a township's year from its events and compare it with the live rollup, field by field.");
        foreach (var option in new Option[] { township, year, asOf, url, token })
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = ServerConfiguration.Load();
            var storage = new StorageOptions();
            configuration.GetSection(StorageOptions.SectionName).Bind(storage);
            var deadlines = new DeadlineOptions();
            configuration.GetSection(DeadlineOptions.SectionName).Bind(deadlines);
            if (new StorageOptionsValidator().Validate(null, storage) is { Failed: true } invalid)
            {
                await Console.Error.WriteLineAsync("casegrains: invalid configuration: " + invalid.FailureMessage);
                return 1;
            }
            var policy = new DeadlinePolicy(deadlines.ToSettings());
            var date = parse.GetValue(asOf) is { } text
                ? DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture)
                : policy.LocalDate(TimeProvider.System.GetUtcNow());
            var t = parse.GetValue(township)!;
            var y = parse.GetValue(year);
            var baseUrl = parse.GetValue(url)!;
            using var client = ServiceClient.Connect(baseUrl, parse.GetValue(token), Roles.Admin, null, "cli-verify");
            if (client is null)
            {
                return 1;
            }
            var store = CaseStores.Create(storage);
            try
            {
                var (status, live, _) = await client.SendAsync(HttpMethod.Get, $"/api/townships/{t}/rollups/{y}?asOf={date:yyyy-MM-dd}", cancellationToken: cancellationToken);
                if (status != 200)
                {
                    await Console.Error.WriteLineAsync("casegrains: " + ServiceClient.Reason(status, live));
                    return 1;
                }
                var result = await RollupVerification.CompareAsync(store, t, y, date, live, policy, cancellationToken);
                foreach (var line in result.Lines())
                {
                    Console.WriteLine(line);
                }
                return result.Agrees ? 0 : 1;
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync(ServiceClient.Unreachable(baseUrl, ex));
                return 1;
            }
            catch (StorageUnavailableException ex)
            {
                await Console.Error.WriteLineAsync($"casegrains: cannot reach the {store.ProviderName} database: {ex.InnerException?.Message ?? ex.Message}");
                return 1;
            }
            finally
            {
                if (store is IAsyncDisposable disposable)
                {
                    await disposable.DisposeAsync();
                }
            }
        });
        return command;
    }
}
