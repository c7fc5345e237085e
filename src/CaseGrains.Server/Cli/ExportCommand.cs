using System.CommandLine;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Reports;

namespace CaseGrains.Server.Cli;

/// <summary>
/// <c>export --township t --year 2024 [--format md|docx|csv|xlsx|json] [--as-of yyyy-MM-dd] [--output file]</c>
/// (or <c>--county c</c>): writes a report or ledger of the running service to a file, as the report
/// endpoints give it.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var township = new Option<string?>("--township") { Description = "The township (or use --county)" };
        var county = new Option<string?>("--county") { Description = "The county: one section per township and the totals" };
        var year = new Option<int>("--year") { Description = "The report year", Required = true };
        var format = new Option<string>("--format") { Description = "md, docx, csv, xlsx or json", DefaultValueFactory = _ => "docx" };
        format.AcceptOnlyFromAmong([.. ReportsApi.Formats]);
        var asOf = new Option<string?>("--as-of") { Description = "Figures as they stood at the end of this date (yyyy-MM-dd; default today)" };
        var output = new Option<string?>("--output", "-o") { Description = "The file to write (default: the name the service gives, in the current folder)" };
        var url = ServiceClient.UrlOption();
        var token = ServiceClient.TokenOption();

        var command = new Command("export", "Write a year-end report (md, docx, json) or ledger (csv, xlsx) of the running service to a file.");
        foreach (var option in new Option[] { township, county, year, format, asOf, output, url, token })
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (t, c) = (parse.GetValue(township), parse.GetValue(county));
            if ((t is null) == (c is null))
            {
                await Console.Error.WriteLineAsync("casegrains: give exactly one of --township and --county.");
                return 2;
            }
            var baseUrl = parse.GetValue(url)!;
            using var client = ServiceClient.Connect(baseUrl, parse.GetValue(token), Roles.Admin, null, "cli-export");
            if (client is null)
            {
                return 1;
            }
            var path = (t is not null ? $"/api/townships/{t}" : $"/api/counties/{c}") + $"/reports/{parse.GetValue(year)}?format={parse.GetValue(format)}";
            if (parse.GetValue(asOf) is { } date)
            {
                path += "&asOf=" + Uri.EscapeDataString(date);
            }
            try
            {
                using var response = await client.GetAsync(path, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    await Console.Error.WriteLineAsync($"casegrains: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                    return 1;
                }
                var file = parse.GetValue(output)
                    ?? response.Content.Headers.ContentDisposition?.FileNameStar
                    ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"')
                    ?? $"{t ?? c}-{parse.GetValue(year)}.{parse.GetValue(format)}";
                await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync(cancellationToken), cancellationToken);
                Console.WriteLine(Path.GetFullPath(file));
                return 0;
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync(ServiceClient.Unreachable(baseUrl, ex));
                return 1;
            }
        });
        return command;
    }
}
