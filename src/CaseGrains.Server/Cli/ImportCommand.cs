using System.CommandLine;
using System.Text.Json.Nodes;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Imports;

namespace CaseGrains.Server.Cli;

/// <summary>
/// <c>import --township t --file 台账.xlsx</c>: posts a ledger to the running service and follows the
/// import with a progress bar until it is done or rejected; a rejection prints every row, column and
/// reason. Exit 0 when every row is in.
/// </summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var township = new Option<string>("--township") { Description = "The township the cases go to", Required = true };
        var file = new Option<FileInfo>("--file", "-f") { Description = "The ledger, .csv or .xlsx in the template's columns (GET /api/imports/template)", Required = true };
        var url = ServiceClient.UrlOption();
        var token = ServiceClient.TokenOption();
        var command = new Command("import", "Import an existing ledger (台账) into a township of the running service, all rows or none.");
        foreach (var option in new Option[] { township, file, url, token })
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, cancellationToken) =>
        {
            var info = parse.GetValue(file)!;
            if (!info.Exists)
            {
                await Console.Error.WriteLineAsync($"casegrains: {info.FullName} does not exist.");
                return 2;
            }
            var mediaType = info.Extension.Equals(".xlsx", StringComparison.OrdinalIgnoreCase) ? LedgerFiles.XlsxType : LedgerFiles.CsvType;
            var t = parse.GetValue(township)!;
            var baseUrl = parse.GetValue(url)!;
            using var client = ServiceClient.Connect(baseUrl, parse.GetValue(token), Roles.Officer, [t], "cli-import");
            if (client is null)
            {
                return 1;
            }
            try
            {
                var (status, json, response) = await client.PostFileAsync($"/api/townships/{t}/imports", await File.ReadAllBytesAsync(info.FullName, cancellationToken), mediaType, cancellationToken);
                if (status != 202 || response.Headers.Location is not { } location)
                {
                    await Console.Error.WriteLineAsync("casegrains: the import was refused: " + ServiceClient.Reason(status, json));
                    return 1;
                }
                var progress = new ProgressBar(Console.Error);
                while (true)
                {
                    var current = json!["status"]!.GetValue<string>();
                    progress.Show(current, json["rows"]!.GetValue<int>(), json["validated"]!.GetValue<int>(), json["imported"]!.GetValue<int>());
                    if (current is not ("validating" or "importing"))
                    {
                        progress.End();
                        return Report(json);
                    }
                    await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
                    (status, json, _) = await client.SendAsync(HttpMethod.Get, location.ToString(), cancellationToken: cancellationToken);
                    if (status != 200)
                    {
                        progress.End();
                        await Console.Error.WriteLineAsync("casegrains: " + ServiceClient.Reason(status, json));
                        return 1;
                    }
                }
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync(ServiceClient.Unreachable(baseUrl, ex));
                return 1;
            }
        });
        return command;
    }

    private static int Report(JsonNode json)
    {
        var status = json["status"]!.GetValue<string>();
        Console.WriteLine($"import {json["id"]}: {status}; {json["rows"]} rows, {json["imported"]} imported ({json["alreadyImported"]} were already in), {json["errorCount"]} errors");
        foreach (var error in json["errors"]!.AsArray())
        {
            Console.WriteLine($"  row {error!["row"]}, {error["column"]}: {error["reason"]}");
        }
        return status == "done" ? 0 : 1;
    }

    /// <summary>One line that redraws itself: [#########---------]  120/241 importing.</summary>
    private sealed class ProgressBar(TextWriter writer)
    {
        private const int Width = 30;

        public void Show(string status, int rows, int validated, int imported)
        {
            var done = status == "validating" ? validated : imported;
            var filled = rows == 0 ? Width : (int)Math.Round(Width * (double)Math.Min(done, rows) / rows);
            writer.Write($"\r[{new string('#', filled)}{new string('-', Width - filled)}] {done,6}/{rows,-6} {status,-10}");
        }

        public void End() => writer.WriteLine();
    }
}
