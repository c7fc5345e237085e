using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CaseGrains.Domain.Reports;
using MiniExcelLibs;

namespace CaseGrains.Server.Tests;

/// <summary>Helpers of the report and import tests: a caseload entered through the API, ledgers as files, a .docx read back through LibreOffice.</summary>
internal static class ReportKit
{
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>A step date of 2024, local time.</summary>
    public static string At(DateTime day, int hour = 10) => new DateTimeOffset(day.AddHours(hour), TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>田家寨镇's 2024 as its report tells it: 189 petitions (173 concluded on time, 16 in progress) and 52 disputes, all resolved.</summary>
    public static async Task EnterTianjiazhai2024Async(HttpClient officer, string township)
    {
        var start = new DateTime(2024, 1, 3);
        await ForEachAsync(Enumerable.Range(0, 189), async i =>
        {
            var received = start.AddDays(i * 300 / 189);
            var id = await RegisterAsync(officer, $"/api/townships/{township}/petitions", new
            {
                channel = (i % 7) switch { 0 => "letter", 1 or 2 => "visit", 3 => "online", 4 => "phone", 5 => "hotline12345", _ => "assignedByHigherLevel" },
                receivedAt = At(received, 9),
                subject = "反映问题",
                summary = "请求协调解决",
                category = (i % 5) switch { 0 => "征地拆迁", 1 => "劳动保障", 2 => "城乡建设", 3 => "农业农村", _ => i == 4 ? "医疗卫生" : "社会保障" },
                petitioners = new[] { new { name = "张三丰", phone = "13812345678" } },
                externalOrderId = i % 7 == 5 ? $"GD{i:D5}" : null,
                platformDueOn = i % 7 == 5 ? received.AddDays(20).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            });
            await PostAsync(officer, $"/api/townships/{township}/petitions/{id}/accept", new { at = At(received.AddDays(1)) });
            if (i < 173)
            {
                await PostAsync(officer, $"/api/townships/{township}/petitions/{id}/conclude", new { at = At(received.AddDays(10)), outcome = "supported", reply = "已答复" });
            }
        });
        await ForEachAsync(Enumerable.Range(0, 52), async i =>
        {
            var reported = start.AddDays(i * 5);
            var id = await RegisterAsync(officer, $"/api/townships/{township}/disputes", new
            {
                source = i % 3 == 0 ? "screening" : "application",
                reportedAt = At(reported, 9),
                category = (i % 4) switch { 0 => "邻里", 1 => "婚姻家庭", 2 => "土地承包", _ => "合同债务" },
                subject = "纠纷",
                summary = "双方争执",
                parties = new[] { new { name = "李四光" }, new { name = "王五" } },
                riskLevel = "low",
            });
            await PostAsync(officer, $"/api/townships/{township}/disputes/{id}/accept", new { at = At(reported, 11) });
            var simple = i < 30;
            await PostAsync(officer, $"/api/townships/{township}/disputes/{id}/resolve",
                new { at = At(reported.AddDays(simple ? 1 : 12)), procedure = simple ? "simple" : "general", agreement = simple ? "oral" : "written" });
        });
    }

    public static async Task<string> RegisterAsync(HttpClient client, string path, object body)
    {
        var answer = await client.PostAsJsonAsync(path, body, JsonOptions);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == System.Net.HttpStatusCode.Created, $"{path}: {(int)answer.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    public static async Task PostAsync(HttpClient client, string path, object body)
    {
        var answer = await client.PostAsJsonAsync(path, body, JsonOptions);
        Assert.True(answer.IsSuccessStatusCode, $"{path}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
    }

    /// <summary>Null fields are left out, as a client that does not set them sends them.</summary>
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>A few at a time: the township numbers one at a time anyway, their cases commit side by side.</summary>
    public static async Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> body)
    {
        foreach (var chunk in items.Chunk(8))
        {
            await Task.WhenAll(chunk.Select(body));
        }
    }

    public static async Task<byte[]> GetBytesAsync(HttpClient client, string path, string mediaType)
    {
        var answer = await client.GetAsync(path);
        var bytes = await answer.Content.ReadAsByteArrayAsync();
        Assert.True(answer.IsSuccessStatusCode, $"{path}: {(int)answer.StatusCode} {Encoding.UTF8.GetString(bytes)}");
        Assert.Equal(mediaType, answer.Content.Headers.ContentType?.MediaType);
        return bytes;
    }

    /// <summary>Posts a ledger and waits until its import stops running; the final status.</summary>
    public static async Task<JsonElement> ImportAsync(HttpClient client, string township, byte[] file, string mediaType)
    {
        using var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        var posted = await client.PostAsync($"/api/townships/{township}/imports", content);
        var text = await posted.Content.ReadAsStringAsync();
        Assert.True(posted.StatusCode == System.Net.HttpStatusCode.Accepted, $"import: {(int)posted.StatusCode} {text}");
        var location = posted.Headers.Location!.OriginalString;
        Assert.StartsWith($"/api/townships/{township}/imports/", location, StringComparison.Ordinal);
        return await WaitForImportAsync(client, location);
    }

    public static async Task<JsonElement> WaitForImportAsync(HttpClient client, string location)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var status = JsonDocument.Parse(await client.GetStringAsync(location)).RootElement;
            if (status.GetProperty("status").GetString() is not ("validating" or "importing"))
            {
                return status;
            }
            Assert.True(DateTime.UtcNow < deadline, "the import did not finish in 3 minutes: " + status);
            await Task.Delay(100);
        }
    }

    /// <summary>The rows of a sheet of an xlsx (header first), every cell as text.</summary>
    public static List<string[]> Sheet(byte[] xlsx, string sheet)
    {
        using var stream = new MemoryStream(xlsx);
        return [.. MiniExcel.Query(stream, useHeaderRow: false, sheetName: sheet)
            .Cast<IDictionary<string, object?>>()
            .Select(r => r.Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "").ToArray())];
    }

    /// <summary>The text LibreOffice puts in the PDF it makes of a .docx, whitespace removed (pdftotext spaces out CJK and digits).</summary>
    public static async Task<string> PdfTextOfDocxAsync(byte[] docx)
    {
        var folder = Directory.CreateTempSubdirectory("casegrains-docx-").FullName;
        var input = Path.Combine(folder, "report.docx");
        await File.WriteAllBytesAsync(input, docx);
        // A profile of its own, so that conversions running side by side do not share LibreOffice's lock.
        var (exit, output) = await RunAsync("soffice", $"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", "pdf", "--outdir", folder, input);
        var pdf = Path.Combine(folder, "report.pdf");
        Assert.True(exit == 0 && File.Exists(pdf), $"soffice could not convert the .docx (exit {exit}): {output}");
        var (textExit, text) = await RunAsync("pdftotext", "-enc", "UTF-8", pdf, "-");
        Assert.True(textExit == 0, "pdftotext failed: " + text);
        Directory.Delete(folder, recursive: true);
        return new string([.. text.Where(c => !char.IsWhiteSpace(c))]);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>A ledger file from rows keyed by header, in template order.</summary>
    public static byte[] Csv(params Dictionary<string, string>[] rows)
    {
        var headers = LedgerColumns.All.Select(c => c.Header).ToArray();
        var lines = new List<string> { string.Join(",", headers) };
        lines.AddRange(rows.Select(r => string.Join(",", headers.Select(h => r.TryGetValue(h, out var v) ? v : ""))));
        return Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n");
    }
}
