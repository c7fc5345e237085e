using System.Globalization;

namespace CaseGrains.Benchmarks.Alerts;

/// <summary>Prints the alert benchmark's figures to stdout (progress went to stderr).</summary>
internal static class AlertReport
{
    public static void Print(AlertBenchmarkOptions options, string postgres, string loadAtStart, AlertCaseload caseload, TimeSpan arming,
        MemoryResult memory, ApiResult api, FakeClockResult fake, RealClockResult real, TimeSpan total)
    {
        Console.WriteLine("CaseGrains alert benchmark (issue 8)");
        Console.WriteLine($"command line: {Environment.CommandLine}");
        Console.WriteLine($"machine:      {MachineInfo.Describe()}; {CpuModel()}");
        Console.WriteLine($"load average: {loadAtStart} at start, {AlertRuns.LoadAverage()} at the end (1, 5, 15 min); run took {total.TotalMinutes:F1} min");
        Console.WriteLine($"store:        {postgres}");
        Console.WriteLine($"caseload:     {caseload.Cases} open cases ({caseload.Petitions} petitions, {caseload.Disputes} disputes) in {caseload.Townships.Count} townships of "
            + $"{AlertCaseload.County}, as of {AlertRuns.Local(caseload.SeededAt)}; {caseload.Overdue} overdue and {caseload.DueSoon} due soon; "
            + $"{caseload.Events} events");
        Console.WriteLine($"              shapes: {string.Join(", ", caseload.Shapes.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}"))}");
        Console.WriteLine($"              seeded through ICaseStore.AppendAsync in {caseload.Seeding.TotalSeconds:F0} s ({caseload.Cases / caseload.Seeding.TotalSeconds:F0} cases/s); "
            + $"{caseload.Reminders.Count} reminders written through Orleans' reminder table in {arming.TotalSeconds:F0} s");
        Console.WriteLine();

        var memoryTable = new TextTable("what", "bytes", "per case", "per alert", "count");
        memoryTable.Add("township grains, heap after - before activation", Bytes(memory.TownshipBytes), PerItem(memory.TownshipBytes, memory.Cases),
            PerItem(memory.TownshipBytes, memory.Alerts), $"{memory.Townships} grains");
        memoryTable.Add("  replica: case map (summary by case id)", Bytes(memory.SummaryMapBytes), PerItem(memory.SummaryMapBytes, memory.Cases), "", $"{memory.Cases} cases");
        memoryTable.Add("  replica: alert index (_alerts)", Bytes(memory.AlertIndexBytes), "", PerItem(memory.AlertIndexBytes, memory.Alerts), $"{memory.Alerts} alerts");
        Console.WriteLine($"Memory (managed heap after a forced full GC, GC.GetTotalMemory; the townships activated in {memory.Activation.TotalSeconds:F1} s on an in-process silo, load {memory.Load}; "
            + $"the replica rebuilds the two maps as TownshipGrain does, from the same rows, measured one after the other): {memory.Check}");
        Console.Write(memoryTable);
        Console.WriteLine($"alert index / township grains: {100.0 * memory.AlertIndexBytes / Math.Max(1, memory.TownshipBytes):F1}% of the heap the townships hold");
        Console.WriteLine($"grain side of GET /api/alerts (Alerts() of all {memory.Townships} townships at once, in process, {memory.FanOutCalls} calls): "
            + $"p50 {memory.FanOut.P50:F2} ms, p99 {memory.FanOut.P99:F2} ms, max {memory.FanOut.Max:F2} ms");
        Console.WriteLine();

        var getTable = new TextTable("endpoint", "conns", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "items", "bytes/answer", "service cpu ms/req", "machine cpu%", "load after");
        foreach (var run in api.Runs)
        {
            var r = run.Load;
            getTable.Add(run.Endpoint, $"{r.Connections}", $"{r.RequestsPerSecond:F1}", $"{r.Latency.P50:F1}", $"{r.Latency.P99:F1}", $"{r.Latency.Max:F1}",
                $"{r.Errors}", $"{run.Items}", $"{run.Bytes}", $"{r.ServiceCpuMsPerRequest:F2}", $"{r.MachineCpuPercent:F0}", run.LoadAverage);
        }
        Console.WriteLine($"GET through the service binary (county supervisor's token; closed loop, {options.Duration.TotalSeconds:F0} s per row after {options.WarmUp.TotalSeconds:F0} s warm-up; "
            + $"service ready in {api.Ready.TotalSeconds:F1} s, first GET /api/alerts (activates the townships) {api.FirstAlerts.TotalSeconds:F1} s"
            + (api.FirstBusy.Count == 0 ? "; " : $" after {api.FirstBusy.Count} x 503 case.timeout (at {string.Join(", ", api.FirstBusy.Select(b => $"{b.TotalSeconds:F0} s"))}); ")
            + $"service RSS {Bytes(api.ResidentBytes)}): {api.Check}");
        Console.Write(getTable);
        foreach (var connections in options.Connections)
        {
            var all = api.Runs.FirstOrDefault(r => r.Load.Connections == connections && r.Endpoint == "GET /api/alerts");
            var one = api.Runs.FirstOrDefault(r => r.Load.Connections == connections && r.Endpoint != "GET /api/alerts");
            if (all is not null && one is not null)
            {
                Console.WriteLine($"ratio at {connections} connection(s): GET /api/alerts p50 = {all.Load.Latency.P50 / one.Load.Latency.P50:F1} x one township's "
                    + $"(answers {all.Bytes / (double)Math.Max(1, one.Bytes):F1} x larger)");
            }
        }
        if (api.Profile is not null)
        {
            Console.WriteLine(api.Profile);
        }
        Console.WriteLine();

        Console.WriteLine($"Lateness on a fake clock ({fake.Step.TotalMinutes:F0}-minute steps from {AlertRuns.Local(fake.Start)} to {AlertRuns.Local(fake.End)}, "
            + $"the start-up sweep after each step; {fake.Steps} steps, {fake.BusySteps} with work; load {fake.Load}, machine cpu {fake.MachineCpuPercent:F0}%):");
        Console.WriteLine($"  midnights passed (armed at seeding): {string.Join(", ", fake.Midnights.Select(m => $"{AlertRuns.Local(m.Midnight)} {m.Armed}"))}");
        Console.WriteLine($"  sweeps handled {fake.Handled} passed deadlines of {fake.Expected} armed up to the end ({fake.BusySweeps.TotalSeconds:F1} s in busy sweeps, "
            + $"{fake.Handled / Math.Max(0.001, fake.BusySweeps.TotalSeconds):F0}/s; idle sweeps {fake.IdleSweeps.TotalSeconds:F1} s in all; SweepAsync's own count {fake.SweepReturned}); "
            + $"{fake.Leftover} armed and passed left over; "
            + $"silo warnings {fake.Warnings}, errors {fake.Errors}");
        PrintLateness(fake.Lateness, fake.Index, fake: true);
        Samples(fake.LogSamples);
        Console.WriteLine();

        Console.WriteLine($"Lateness on the real clock (Orleans' reminder service firing; grains' clock = wall clock + {real.Shift.TotalHours:F2} h, so that {AlertRuns.Local(real.Target)} "
            + $"came {real.Lead.TotalSeconds:F0} s after the silo started; townships active {real.WarmedBefore.TotalSeconds:F0} s before it; load {real.Load}, machine cpu {real.MachineCpuPercent:F0}%):");
        Console.WriteLine($"  armed for that midnight: {real.ArmedOverdue} overdue, {real.ArmedDueSoon} due soon, {real.ArmedEarlier} armed earlier and unhandled; "
            + $"handled {real.Lateness.Count}{(real.TimedOut ? " (TIMED OUT)" : "")}, first {real.FirstAfter.TotalSeconds:F2} s and last {real.LastAfter.TotalSeconds:F2} s after the midnight; "
            + $"{real.Leftover} left armed; silo warnings {real.Warnings}, errors {real.Errors}");
        PrintLateness(real.Lateness, real.Index, fake: false);
        Samples(real.LogSamples);
        Console.WriteLine();
        Console.WriteLine("machine cpu%: share of both cores busy over the run, this process, PostgreSQL and any other build on the machine included.");
    }

    private static void PrintLateness(IReadOnlyList<Lateness> lateness, IndexLateness index, bool fake)
    {
        var table = new TextTable("measure", "n", "p50 ms", "p99 ms", "max ms");
        void Row(string name, IEnumerable<double> values)
        {
            var list = values.ToList();
            var p = Percentiles.Of(list);
            table.Add(name, $"{list.Count}", Ms(p.P50), Ms(p.P99), Ms(p.Max));
        }
        if (fake)
        {
            Row("grain: handled at (fake clock) - due at", lateness.Select(l => l.RecordedMs));
            Row("grain: real ms from the step to the commit", lateness.Select(l => l.RealDelayMs));
            Row("index: real ms from the step to the alert in _alerts", index.RealDelayMs);
            Row("index: on a clock running between steps", index.TotalMs);
        }
        else
        {
            foreach (var group in lateness.GroupBy(l => l.Reminder).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                Row($"grain: handled at - due at ({group.Key})", group.Select(l => l.RecordedMs));
            }
            Row("grain: handled at - due at (all)", lateness.Select(l => l.RecordedMs));
            Row("index: alert in _alerts - due at (all)", index.TotalMs);
        }
        Console.Write(table);
        Console.WriteLine($"  index: every township's Alerts() polled every {index.Interval.TotalMilliseconds:F0} ms (a poll took p50 {index.Poll.P50:F1} ms, p99 {index.Poll.P99:F1} ms); "
            + $"{index.Seen} new alerts seen, {index.Missing} expected and never seen");
    }

    private static void Samples(IReadOnlyList<string> samples)
    {
        foreach (var sample in samples)
        {
            Console.WriteLine($"  log: {sample}");
        }
    }

    private static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString("F0", CultureInfo.InvariantCulture);

    private static string Bytes(long bytes) => bytes >= 10 << 20 ? $"{bytes / (1024.0 * 1024):F1} MiB" : $"{bytes / 1024.0:F0} KiB";

    private static string PerItem(long bytes, int items) => items == 0 ? "-" : $"{bytes / (double)items:F0}";

    /// <summary>The CPU model and core count from /proc/cpuinfo (Linux).</summary>
    public static string CpuModel()
    {
        const string info = "/proc/cpuinfo";
        if (!File.Exists(info))
        {
            return "CPU model unknown";
        }
        var model = File.ReadLines(info).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        return $"{model ?? "CPU model unknown"} (nproc {Environment.ProcessorCount})";
    }
}
