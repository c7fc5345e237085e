using System.Diagnostics;
using CaseGrains.Benchmarks.Api;
using CaseGrains.Storage.PostgreSql;
using CaseGrains.Testing;
using Npgsql;

namespace CaseGrains.Benchmarks.Alerts;

/// <summary>
/// The alert benchmark (issue 8): one county's open caseload with deadlines spread over a year around now, seeded
/// on a private, durable PostgreSQL cluster; then, in order, the memory of the townships' alert indexes (an
/// in-process silo), <c>GET /api/alerts</c> through the service binary, and alert lateness as deadlines pass on a
/// fake clock (stepped, with the start-up sweep) and on the real one (Orleans' reminder service firing). Prints
/// figures; asserts nothing beyond the checks it reports.
/// </summary>
internal static class AlertBenchmark
{
    /// <summary>Parses the arguments after <c>alerts</c> and runs; the exit code.</summary>
    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        var options = AlertBenchmarkOptions.Parse(args, out var error);
        if (options is null)
        {
            if (error is not null)
            {
                Console.Error.WriteLine(error);
            }
            Console.Error.WriteLine(AlertBenchmarkOptions.Usage);
            return error is null ? 0 : 2;
        }
        try
        {
            return await RunAsync(options);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException or NpgsqlException)
        {
            // The cluster, the service and the silos are already stopped (await using); say what went wrong in one place.
            Console.Error.WriteLine($"benchmark failed: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> RunAsync(AlertBenchmarkOptions options)
    {
        var total = Stopwatch.StartNew();
        var loadAtStart = AlertRuns.LoadAverage();
        var work = Path.Combine(Path.GetTempPath(), "casegrains-alertbench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            Log("starting a private PostgreSQL cluster with fsync, synchronous_commit and full_page_writes on");
            await using var cluster = await PostgresCluster.StartPrivateAsync(durable: true);
            var postmaster = PostgresCpu.PostmasterPid(cluster.DataDirectory);
            TimeSpan PostgresCpuNow() => postmaster is { } pid ? PostgresCpu.Of(pid) : TimeSpan.Zero;
            var connectionString = await cluster.NewDatabaseAsync();
            var postgres = await DescribePostgresAsync(connectionString);

            Log($"seeding {options.Cases} open cases in {options.Townships} townships of {AlertCaseload.County} through the case store");
            AlertCaseload caseload;
            await using (var store = new PostgresCaseStore(connectionString))
            {
                await store.MigrateAsync();
                caseload = await AlertCaseload.SeedAsync(store, options.Townships, options.CasesPerTownship, Log);
            }
            Log($"  {caseload.Cases} cases, {caseload.Overdue} overdue and {caseload.DueSoon} due soon, in {caseload.Seeding.TotalSeconds:F0} s");

            MemoryResult memory;
            TimeSpan arming;
            await using (var silo = await AlertSilo.StartAsync(connectionString, TimeProvider.System, TimeProvider.System,
                Grains.DeadlineReminderOptions.DefaultRefreshInterval))
            {
                Log($"arming {caseload.Reminders.Count} reminders through Orleans' reminder table");
                var clock = Stopwatch.StartNew();
                await caseload.ArmAsync(silo.ReminderTable);
                arming = clock.Elapsed;
                await ExecuteAsync(connectionString, "VACUUM ANALYZE");
                Log($"memory: activating {caseload.Townships.Count} township grains on an in-process silo");
                memory = await AlertRuns.MemoryAsync(silo, caseload);
            }
            Log($"  {memory.TownshipBytes / (double)memory.Cases:F0} bytes per case in the township grains; {memory.Check}");

            Log("GET latency through the service binary");
            var api = await AlertRuns.ApiAsync(connectionString, caseload, options, work, PostgresCpuNow, Log);

            Log($"fake clock: {options.FakeStep.TotalMinutes:F0}-minute steps across the next {options.FakeMidnights} local midnights, a sweep after each");
            var fake = await AlertRuns.FakeClockAsync(connectionString, caseload, options, Log);

            var target = DeadlinePolicy.EndOfDay(DeadlinePolicy.LocalDate(fake.End));
            Log($"real clock: the grains' clock shifted so that {AlertRuns.Local(target)} comes {(options.RealLead + 2 * memory.Activation).TotalSeconds:F0} s after the silo starts");
            var real = await AlertRuns.RealClockAsync(connectionString, caseload, options, target, memory.Activation, Log);

            AlertReport.Print(options, postgres, loadAtStart, caseload, arming, memory, api, fake, real, total.Elapsed);
            var checks = memory.Check == "ok" && api.Check == "ok" && fake.Leftover == 0 && fake.Lateness.Count == fake.Expected
                && real.Leftover == 0 && !real.TimedOut;
            return checks ? 0 : 1;
        }
        finally
        {
            TryDelete(work);
        }
    }

    private static Domain.Deadlines.DeadlinePolicy DeadlinePolicy => Domain.Deadlines.DeadlinePolicy.Default;

    private static async Task<string> DescribePostgresAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('shared_buffers')",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return $"PostgreSQL {reader.GetString(0)}, private initdb cluster on 127.0.0.1 under {Path.GetTempPath()} ({MachineInfo.FileSystemOf(Path.GetTempPath())}); "
            + $"fsync={reader.GetString(1)}, synchronous_commit={reader.GetString(2)}, shared_buffers={reader.GetString(3)}";
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    private static void Log(string line) => Console.Error.WriteLine($"[alerts {DateTime.Now:HH:mm:ss}] {line}");

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it lives under the temp folder.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort.
        }
    }
}
