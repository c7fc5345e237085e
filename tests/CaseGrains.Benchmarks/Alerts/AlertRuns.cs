using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CaseGrains.Benchmarks.Api;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Rollups;
using CaseGrains.Grains;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Grains.Townships;
using CaseGrains.Storage;
using CaseGrains.Testing;
using Npgsql;

namespace CaseGrains.Benchmarks.Alerts;

/// <summary>What the townships' in-memory maps cost, measured on the grains and on a replica of their two maps.</summary>
internal sealed record MemoryResult(
    int Townships, int Cases, int Alerts, long TownshipBytes, TimeSpan Activation, long SummaryMapBytes, long AlertIndexBytes,
    Percentiles FanOut, int FanOutCalls, string Load, string Check);

/// <summary>One measured GET shape, with the size of one answer.</summary>
internal sealed record GetResult(string Endpoint, LoadResult Load, long Bytes, int Items, string LoadAverage);

/// <summary>The through-the-service part.</summary>
internal sealed record ApiResult(TimeSpan Ready, TimeSpan FirstAlerts, IReadOnlyList<TimeSpan> FirstBusy, long AlertsBytes, int AlertsItems, long TownshipBytes, int TownshipItems,
    IReadOnlyList<GetResult> Runs, long ResidentBytes, string? Profile, string Check);

/// <summary>One lateness: as recorded on the grains' clock, and the real time from the clock's step to the recording.</summary>
internal readonly record struct Lateness(double RecordedMs, double RealDelayMs, string Reminder)
{
    /// <summary>What a clock moving with real time between its steps would have recorded.</summary>
    public double TotalMs => RecordedMs + RealDelayMs;
}

/// <summary>The fake-clock run: steps, sweeps, lateness.</summary>
internal sealed record FakeClockResult(DateTimeOffset Start, DateTimeOffset End, TimeSpan Step, IReadOnlyList<(DateTimeOffset Midnight, int Armed)> Midnights,
    int Steps, int BusySteps, TimeSpan BusySweeps, TimeSpan IdleSweeps, int Handled, int SweepReturned, int Expected, IReadOnlyList<Lateness> Lateness, int Leftover,
    TimeSpan Elapsed, double MachineCpuPercent, int Warnings, int Errors, IReadOnlyList<string> LogSamples, string Load, IndexLateness Index);

/// <summary>The real-clock run: one midnight, fired by Orleans' reminder service.</summary>
internal sealed record RealClockResult(DateTimeOffset Target, TimeSpan Shift, TimeSpan Lead, TimeSpan SiloStart, TimeSpan WarmedBefore, int ArmedOverdue,
    int ArmedDueSoon, int ArmedEarlier, IReadOnlyList<Lateness> Lateness, TimeSpan FirstAfter, TimeSpan LastAfter, int Leftover, bool TimedOut,
    double MachineCpuPercent, int Warnings, int Errors, IReadOnlyList<string> LogSamples, string Load, IndexLateness Index);

/// <summary>The measurements of the alert benchmark, each on the seeded database.</summary>
internal static class AlertRuns
{
    private const int FanOutCalls = 40;
    private static readonly TimeSpan IndexPoll = TimeSpan.FromMilliseconds(50);
    private static readonly DeadlinePolicy Policy = DeadlinePolicy.Default;

    /// <summary>
    /// Activates every township grain on a fresh silo and compares the managed heap after a full collection before
    /// and after; then builds the two maps a township keeps (summaries by case, alerts by case) the way TownshipGrain
    /// builds them, from the same rows, and measures each. Then times the fan-out <c>GET /api/alerts</c> makes.
    /// </summary>
    public static async Task<MemoryResult> MemoryAsync(AlertSilo silo, AlertCaseload caseload)
    {
        var townships = caseload.Townships;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var activation = Stopwatch.StartNew();
        var alerts = 0;
        foreach (var township in townships)
        {
            alerts += (await silo.Grains.GetGrain<ITownshipGrain>(township).Alerts()).Count;
        }
        activation.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var load = LoadAverage();

        var cases = 0;
        foreach (var township in townships)
        {
            cases += (await silo.Grains.GetGrain<ITownshipGrain>(township).Cases()).Count;
        }

        // The grain side of GET /api/alerts: every township's Alerts() at once, from outside any grain.
        var fanOut = new List<double>();
        for (var i = 0; i < FanOutCalls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(townships.Select(t => silo.Grains.GetGrain<ITownshipGrain>(t).Alerts()));
            fanOut.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // A replica of TownshipGrain's two maps (ReadCasesAsync, then UseCases), to tell them apart.
        var r0 = GC.GetTotalMemory(forceFullCollection: true);
        var maps = new List<Dictionary<string, CaseSummary>>();
        foreach (var township in townships)
        {
            var map = new Dictionary<string, CaseSummary>(StringComparer.Ordinal);
            foreach (var type in (string[])[GrainTypes.Petition, GrainTypes.Dispute])
            {
                var page = await silo.Store.QueryIndexAsync(new IndexQuery(type) { Partitions = [township] });
                foreach (var row in page.Rows)
                {
                    var summary = JsonSerializer.Deserialize<CaseSummary>(row.Entry.Summary, GrainJson.Options)!;
                    map[summary.Id] = summary;
                }
            }
            maps.Add(map);
        }
        var r1 = GC.GetTotalMemory(forceFullCollection: true);
        var indexes = new List<Dictionary<string, CaseAlert>>();
        foreach (var map in maps)
        {
            var index = new Dictionary<string, CaseAlert>(StringComparer.Ordinal);
            foreach (var summary in map.Values)
            {
                if (CaseAlert.Of(summary) is { } alert)
                {
                    index[summary.Id] = alert;
                }
            }
            indexes.Add(index);
        }
        var r2 = GC.GetTotalMemory(forceFullCollection: true);
        var replicaAlerts = indexes.Sum(i => i.Count);
        GC.KeepAlive(maps);
        GC.KeepAlive(indexes);

        var check = cases == caseload.Cases && alerts == caseload.Alerts && replicaAlerts == alerts
            ? "ok"
            : $"MISMATCH: {cases} cases and {alerts} alerts in the grains, {replicaAlerts} in the replica; seeded {caseload.Cases} and {caseload.Alerts}";
        return new MemoryResult(townships.Count, cases, alerts, after - before, activation.Elapsed, r1 - r0, r2 - r1,
            Percentiles.Of(fanOut), FanOutCalls, load, check);
    }

    /// <summary>
    /// The service binary on the seeded database; a county supervisor's <c>GET /api/alerts</c> and one township's
    /// <c>GET /api/townships/{t}/alerts</c> (townships in turn) in closed loops at each connection count, after warm-up.
    /// </summary>
    public static async Task<ApiResult> ApiAsync(string connectionString, AlertCaseload caseload, AlertBenchmarkOptions options, string work,
        Func<TimeSpan> postgresCpu, Action<string> log)
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var supervisor = Server.Auth.TokenMinter.Mint(key, Server.Auth.Roles.Supervisor, counties: [AlertCaseload.County],
            subject: "supervisor-bench", name: "赵科长");
        var perf = options.Profile ? PerfProfile.Find() : null;
        if (options.Profile && perf is null)
        {
            log("perf is not installed (Debian: linux-perf): no profile");
        }
        await using var service = ServiceProcess.Start(connectionString, key, work, perf is null ? null : PerfProfile.ServiceEnvironment);
        var ready = await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(180));
        log($"service ready in {ready.TotalSeconds:F1} s on {service.Address}");
        (TimeSpan, TimeSpan) Cpu() => (service.CpuTime, postgresCpu());

        var townships = caseload.Townships;
        HttpRequestMessage Get(string path)
        {
            var message = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", supervisor);
            return message;
        }
        var shapes = new (string Name, RequestFactory Factory)[]
        {
            ("GET /api/alerts", (_, _) => Get("/api/alerts")),
            ("GET /api/townships/{t}/alerts", (_, sequence) => Get($"/api/townships/{townships[(int)(sequence % townships.Count)]}/alerts")),
        };

        // The first answer activates the county's township grains (each reads its cases' current-state rows).
        using var client = LoadRun.Client(service.Address, 1);
        client.Timeout = TimeSpan.FromMinutes(3);
        // On a loaded machine the county's cold activations can outlast the grains' answer limit: the service then
        // answers 503 (case.timeout) while the townships go on activating. Those answers are counted, and the request repeated.
        var started = Stopwatch.GetTimestamp();
        var busy = new List<TimeSpan>();
        long allBytes;
        int allItems;
        while (true)
        {
            try
            {
                (allBytes, allItems) = await ReadAsync(client, Get("/api/alerts"));
                break;
            }
            catch (BusyException) when (busy.Count < 10)
            {
                busy.Add(Stopwatch.GetElapsedTime(started));
                log($"  GET /api/alerts answered 503 after {busy[^1].TotalSeconds:F1} s; asking again");
            }
        }
        var first = Stopwatch.GetElapsedTime(started);
        var (oneBytes, oneItems) = await ReadAsync(client, Get($"/api/townships/{townships[0]}/alerts"));
        log($"first GET /api/alerts in {first.TotalSeconds:F1} s: {allItems} alerts, {allBytes} bytes");

        var largest = options.Connections.Max();
        if (options.WarmUp > TimeSpan.Zero)
        {
            foreach (var (name, factory) in shapes)
            {
                var warm = await LoadRun.RunAsync(name, largest, options.WarmUp, service.Address, HttpStatusCode.OK, factory, Cpu);
                log($"warm-up: {name}, {largest} connections, {warm.RequestsPerSecond:F1} req/s, service {warm.ServiceCpuMsPerRequest:F1} ms cpu/req");
            }
        }
        var runs = new List<GetResult>();
        string? profile = null;
        foreach (var connections in options.Connections)
        {
            foreach (var (name, factory) in shapes)
            {
                await LoadRun.RunAsync(name, connections, TimeSpan.FromSeconds(2), service.Address, HttpStatusCode.OK, factory, Cpu);
                var recording = perf is not null && connections == options.Connections.Min() && name == shapes[0].Name
                    ? PerfProfile.Start(perf, service.Id, TimeSpan.FromSeconds(Math.Max(1, options.Duration.TotalSeconds - 2)), work)
                    : ((Process Process, string File)?)null;
                var result = await LoadRun.RunAsync(name, connections, options.Duration, service.Address, HttpStatusCode.OK, factory, Cpu);
                runs.Add(new GetResult(name, result, name == shapes[0].Name ? allBytes : oneBytes, name == shapes[0].Name ? allItems : oneItems, LoadAverage()));
                log($"{name}, {connections} connections: {result.RequestsPerSecond:F1} req/s, p50 {result.Latency.P50:F1} ms, p99 {result.Latency.P99:F1} ms, {result.Errors} errors"
                    + (result.FirstError is null ? "" : $" (first: {result.FirstError})"));
                if (recording is { } r)
                {
                    profile = await PerfProfile.FinishAsync(perf!, r.Process, r.File, $"{name} at {connections} connection(s)", result.ServiceCpuMsPerRequest);
                }
            }
        }
        var check = allItems == caseload.Alerts && runs.All(r => r.Load.Errors == 0)
            ? "ok"
            : $"MISMATCH: GET /api/alerts listed {allItems} alerts (seeded {caseload.Alerts}); errors {runs.Sum(r => r.Load.Errors)}";
        return new ApiResult(ready, first, busy, allBytes, allItems, oneBytes, oneItems, runs, service.ResidentBytes, profile, check);
    }

    private static async Task<(long Bytes, int Items)> ReadAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var answer = await client.SendAsync(request);
            var body = await answer.Content.ReadAsByteArrayAsync();
            if (answer.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                throw new BusyException();
            }
            if (answer.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET {request.RequestUri}: {(int)answer.StatusCode} {System.Text.Encoding.UTF8.GetString(body)[..Math.Min(300, body.Length)]}");
            }
            using var document = JsonDocument.Parse(body);
            return (body.LongLength, document.RootElement.GetArrayLength());
        }
    }

    /// <summary>
    /// The grains on a manual clock (reminders read it too, so a reminder's start is its deadline moment; Orleans'
    /// housekeeping keeps real time), moved forward in steps from now across the next local midnights (every deadline
    /// moment is a local midnight), the start-up sweep run after each step as the tests run it. The reminder service
    /// refreshes its list only every 12 hours here, so the sweep alone handles what passes.
    /// </summary>
    public static async Task<FakeClockResult> FakeClockAsync(string connectionString, AlertCaseload caseload, AlertBenchmarkOptions options, Action<string> log)
    {
        var start = DateTimeOffset.UtcNow;
        var clock = new ManualTimeProvider(start);
        await using var silo = await AlertSilo.StartAsync(connectionString, clock, clock, TimeSpan.FromHours(12));
        // In a running service the township grains are active; the case grains mostly are not (collected when idle).
        foreach (var township in caseload.Townships)
        {
            await silo.Grains.GetGrain<ITownshipGrain>(township).Alerts();
        }
        var midnights = Enumerable.Range(0, options.FakeMidnights).Select(k => Policy.EndOfDay(Policy.LocalDate(start).AddDays(k))).ToList();
        var end = midnights[^1];
        // What is armed up to the last midnight (a midnight that passed in real time since seeding, too).
        var expected = await ArmedUpToAsync(connectionString, end);

        using var recorder = new LatenessRecorder();
        var watcher = await IndexWatcher.StartAsync(silo.Grains, caseload.Townships, IndexPoll);
        var stepStarts = new List<long>();
        var stepClocks = new List<DateTimeOffset>();
        int steps = 0, busy = 0, handled = 0, sweepReturned = 0;
        TimeSpan busyTime = TimeSpan.Zero, idleTime = TimeSpan.Zero;
        var cpuBefore = CpuSample.Take();
        var elapsed = Stopwatch.StartNew();
        while (clock.GetUtcNow() < end)
        {
            clock.Advance(options.FakeStep);
            var stepStarted = Stopwatch.GetTimestamp();
            lock (stepStarts)
            {
                stepStarts.Add(stepStarted);
                stepClocks.Add(clock.GetUtcNow());
            }
            // Counted from the grains' own lateness records: a case the sweep activates notes its deadline while activating,
            // so the sweep's CheckDeadlines call (what SweepAsync adds up) then finds nothing left and answers 0.
            var recordedBefore = recorder.Count;
            var swept = await silo.SweepAsync();
            var took = Stopwatch.GetElapsedTime(stepStarted);
            var count = recorder.Count - recordedBefore;
            sweepReturned += swept;
            steps++;
            handled += count;
            if (count > 0)
            {
                busy++;
                busyTime += took;
                log($"  fake clock {Policy.LocalDate(clock.GetUtcNow()):yyyy-MM-dd} {TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Policy.Settings.TimeZone):HH:mm}: "
                    + $"sweep handled {count} in {took.TotalSeconds:F1} s ({count / took.TotalSeconds:F0}/s; SweepAsync returned {swept})");
            }
            else
            {
                idleTime += took;
            }
        }
        elapsed.Stop();
        var machine = CpuSample.Take().MachinePercentSince(cpuBefore);
        var load = LoadAverage();
        await watcher.StopAsync();
        var leftover = (await silo.Store.FindPassedRemindersAsync(AlertSilo.ServiceId, clock.GetUtcNow())).Count;
        int StepOf(long timestamp)
        {
            var found = stepStarts.BinarySearch(timestamp);
            return found >= 0 ? found : Math.Max(0, ~found - 1);
        }
        var index = watcher.Lateness(Policy, expected, timestamp =>
        {
            var k = StepOf(timestamp);
            var delay = Stopwatch.GetElapsedTime(stepStarts[k], timestamp);
            return (delay.TotalMilliseconds, stepClocks[k] + delay);
        });

        // Each recording belongs to the latest step that started before it.
        var lateness = recorder.Samples.Select(s =>
        {
            var step = stepStarts[StepOf(s.Timestamp)];
            return new Lateness(s.Milliseconds, Stopwatch.GetElapsedTime(step, s.Timestamp).TotalMilliseconds, s.Reminder);
        }).ToList();
        return new FakeClockResult(start, clock.GetUtcNow(), options.FakeStep, [.. midnights.Select(m => (m, caseload.RemindersAt(m)))], steps, busy,
            busyTime, idleTime, handled, sweepReturned, expected, lateness, leftover, elapsed.Elapsed, machine, silo.Log.Warnings, silo.Log.Errors, silo.Log.Samples, load, index);
    }

    /// <summary>
    /// The grains and Orleans' reminder service on a clock that runs in real time, shifted so that <paramref name="target"/>
    /// (a local midnight nothing has handled yet) comes <see cref="AlertBenchmarkOptions.RealLead"/> after the silo is
    /// started; reminders are timers of real duration, as in production. Waits until every reminder armed for the
    /// target is handled, or the timeout.
    /// </summary>
    public static async Task<RealClockResult> RealClockAsync(string connectionString, AlertCaseload caseload, AlertBenchmarkOptions options,
        DateTimeOffset target, TimeSpan activation, Action<string> log)
    {
        var (overdue, dueSoon, earlier) = await ArmedAsync(connectionString, target);
        log($"  armed for {Local(target)}: {overdue} overdue, {dueSoon} due-soon; {earlier} armed earlier and not handled");
        // The townships must be active (and watched) before the midnight: the lead is the option plus twice what
        // activating them took in the memory run, since a loaded machine can make that minutes.
        var lead = options.RealLead + 2 * activation;
        var shift = target - lead - DateTimeOffset.UtcNow;
        var clock = new ShiftedTimeProvider(shift);
        using var recorder = new LatenessRecorder();
        var started = Stopwatch.StartNew();
        await using var silo = await AlertSilo.StartAsync(connectionString, clock, clock, DeadlineReminderOptions.DefaultRefreshInterval);
        var siloStart = started.Elapsed;
        foreach (var township in caseload.Townships)
        {
            await silo.Grains.GetGrain<ITownshipGrain>(township).Alerts();
        }
        var warmedBefore = target - clock.GetUtcNow();
        log($"  silo started in {siloStart.TotalSeconds:F1} s, townships active {warmedBefore.TotalSeconds:F0} s before the midnight");
        var watcher = await IndexWatcher.StartAsync(silo.Grains, caseload.Townships, IndexPoll);

        var cpuBefore = CpuSample.Take();
        var expected = overdue + dueSoon + earlier;
        var deadline = target + options.RealTimeout;
        while (recorder.Count < expected && clock.GetUtcNow() < deadline)
        {
            await Task.Delay(250);
        }
        var timedOut = recorder.Count < expected;
        var machine = CpuSample.Take().MachinePercentSince(cpuBefore);
        var load = LoadAverage();
        // A little longer for what a late firing would add (a second recording of one deadline must not happen).
        await Task.Delay(TimeSpan.FromSeconds(2));
        await watcher.StopAsync();
        var (leftOverdue, leftDueSoon, leftEarlier) = await ArmedAsync(connectionString, target);

        // Map each recording's stopwatch instant onto the shifted clock.
        var referenceTimestamp = Stopwatch.GetTimestamp();
        var referenceNow = clock.GetUtcNow();
        var samples = recorder.Samples;
        DateTimeOffset At(long timestamp) => referenceNow - Stopwatch.GetElapsedTime(timestamp, referenceTimestamp);
        var firstAfter = samples.Count == 0 ? TimeSpan.Zero : At(samples.Min(s => s.Timestamp)) - target;
        var lastAfter = samples.Count == 0 ? TimeSpan.Zero : At(samples.Max(s => s.Timestamp)) - target;
        var index = watcher.Lateness(Policy, expected, timestamp => (0, At(timestamp)));
        return new RealClockResult(target, shift, lead, siloStart, warmedBefore, overdue, dueSoon, earlier,
            [.. samples.Select(s => new Lateness(s.Milliseconds, 0, s.Reminder))], firstAfter, lastAfter, leftOverdue + leftDueSoon + leftEarlier, timedOut,
            machine, silo.Log.Warnings, silo.Log.Errors, silo.Log.Samples, load, index);
    }

    /// <summary>Reminder rows armed for exactly <paramref name="at"/> by name, and those armed before it.</summary>
    private static async Task<(int Overdue, int DueSoon, int Earlier)> ArmedAsync(string connectionString, DateTimeOffset at)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FILTER (WHERE start_time = @at AND reminder_name = 'overdue'),
                   count(*) FILTER (WHERE start_time = @at AND reminder_name = 'due-soon'),
                   count(*) FILTER (WHERE start_time < @at)
            FROM orleans_reminders WHERE service_id = @service
            """, connection);
        command.Parameters.AddWithValue("at", at.UtcDateTime);
        command.Parameters.AddWithValue("service", AlertSilo.ServiceId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return ((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2));
    }

    /// <summary>Reminder rows armed for <paramref name="at"/> or earlier.</summary>
    private static async Task<int> ArmedUpToAsync(string connectionString, DateTimeOffset at)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleans_reminders WHERE service_id = @service AND start_time <= @at", connection);
        command.Parameters.AddWithValue("at", at.UtcDateTime);
        command.Parameters.AddWithValue("service", AlertSilo.ServiceId);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The instant in the deployment's time zone.</summary>
    public static string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Policy.Settings.TimeZone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    /// <summary>The machine's load average (1, 5, 15 minutes), for beside a figure.</summary>
    public static string LoadAverage()
    {
        const string file = "/proc/loadavg";
        return File.Exists(file) ? string.Join(' ', File.ReadAllText(file).Split(' ').Take(3)) : "n/a";
    }
}

/// <summary>The service answered 503: a grain did not answer within its limit.</summary>
internal sealed class BusyException : InvalidOperationException
{
    public BusyException() : base("503")
    {
    }
}
