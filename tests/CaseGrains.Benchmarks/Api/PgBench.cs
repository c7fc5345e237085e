using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace CaseGrains.Benchmarks.Api;

/// <summary>What pgbench achieved at one client count.</summary>
internal sealed record PgBenchResult(int Clients, double Tps, double LatencyAverageMs, double PostgresCpuMsPerTransaction, string CommandLine)
{
    /// <summary>The API shape this run was measured beside.</summary>
    public string Shape { get; init; } = "";
}

/// <summary>
/// pgbench with a custom script of one single-row INSERT per transaction into a small table, on the same
/// database and server as the service: the ceiling a durable commit per request has on this machine.
/// </summary>
internal static partial class PgBench
{
    private const string Table = "bench_single_insert";

    /// <summary>The pgbench binary: beside the cluster's server binaries, else on the PATH.</summary>
    public static string? Find(string? binDirectory)
    {
        var candidates = new[] { binDirectory is null ? null : Path.Combine(binDirectory, "pgbench"), "/usr/bin/pgbench" };
        return candidates.FirstOrDefault(c => c is not null && File.Exists(c));
    }

    /// <summary>Creates the small table and writes the script; returns the script's path.</summary>
    public static async Task<string> PrepareAsync(string connectionString, string folder)
    {
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"CREATE TABLE IF NOT EXISTS {Table} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), note text NOT NULL)",
                connection);
            await command.ExecuteNonQueryAsync();
        }
        var script = Path.Combine(folder, "single-insert.sql");
        await File.WriteAllTextAsync(script, $"INSERT INTO {Table} (note) VALUES ('progress note');\n");
        return script;
    }

    /// <summary>Runs pgbench for <paramref name="duration"/> with <paramref name="clients"/> connections.</summary>
    public static async Task<PgBenchResult> RunAsync(string pgbench, string script, string connectionString, int clients, TimeSpan duration,
        Func<TimeSpan> postgresCpu)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var threads = Math.Min(clients, Environment.ProcessorCount);
        // -n: no vacuum of pgbench's own tables (there are none); the default simple query protocol.
        string[] arguments = ["-n", "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username ?? "postgres",
            "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", threads.ToString(CultureInfo.InvariantCulture),
            "-T", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture), "-f", script, builder.Database!];
        var start = new ProcessStartInfo(pgbench) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var before = postgresCpu();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("pgbench did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        // Give the postmaster a moment to reap pgbench's backends, so that their CPU is counted.
        await Task.Delay(300);
        var after = postgresCpu();
        var text = await output;
        if (process.ExitCode != 0 || TpsLine().Match(text) is not { Success: true } tps)
        {
            throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {await error}{text}");
        }
        var latency = LatencyLine().Match(text);
        var tpsValue = double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture);
        var transactions = Math.Max(1, tpsValue * duration.TotalSeconds);
        return new PgBenchResult(clients, tpsValue,
            latency.Success ? double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN,
            (after - before).TotalMilliseconds / transactions,
            $"{pgbench} {string.Join(' ', arguments)}");
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex LatencyLine();
}
