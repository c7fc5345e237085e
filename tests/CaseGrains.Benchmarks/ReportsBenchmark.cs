using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CaseGrains.Domain;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Reports;
using CaseGrains.Domain.Rollups;
using CaseGrains.Domain.Townships;
using CaseGrains.Grains;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Grains.Imports;
using CaseGrains.Grains.Townships;
using CaseGrains.Server.Imports;
using CaseGrains.Server.Reports;
using CaseGrains.Storage;
using CaseGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseGrains.Benchmarks;

/// <summary>
/// <c>reports [--townships 40] [--cases 400000] [--import-rows 10000] [--runs 20]</c>: a county of townships
/// seeded straight through the case store's AppendAsync with the rows the grains write (events, the
/// current-state row with its summary and snapshot), then on a real silo over PostgreSQL: the latency of the
/// county rollup and of the county report (md, docx) next to the same figures from a SQL GROUP BY over
/// grain_index, and the rate of a ledger import through the import grain. Prints figures; asserts nothing
/// but that the two ways of counting agree.
/// </summary>
internal static class ReportsBenchmark
{
    private const int Year = 2024;
    private static readonly DeadlinePolicy Policy = DeadlinePolicy.Default;
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var townships = Arg(args, "--townships", 40);
        var cases = Arg(args, "--cases", 400_000);
        var importRows = Arg(args, "--import-rows", 10_000);
        var runs = Arg(args, "--runs", 20);
        await using var bench = await BenchStore.OpenAsync(StoreKind.PostgreSql);
        var store = bench.Store;
        var now = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(1, townships).Select(i => $"t{i:D2}").ToArray();

        Console.Error.WriteLine($"[reports] seeding {townships} townships and {cases} cases through AppendAsync");
        var seeding = Stopwatch.StartNew();
        foreach (var id in ids)
        {
            await SeedTownshipAsync(store, id, "county-bench");
        }
        await SeedTownshipAsync(store, "import-target", "county-import");
        var seeded = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, cases), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var township = ids[i % townships];
            var rng = new Random(i);
            await store.AppendAsync(i % 10 < 7 ? Petition(township, i / townships + 1, rng, now) : Dispute(township, i / townships + 1, rng, now), ct);
            if (Interlocked.Increment(ref seeded) % 50_000 == 0)
            {
                Console.Error.WriteLine($"[reports]   {seeded} cases, {seeding.Elapsed.TotalSeconds:F0} s");
            }
        });
        seeding.Stop();

        // What the report and import paths need beyond the grains: the snapshot grain storage (imports), no start-up
        // sweep, and room for the cold county rollup, which is measured, not required to fit the service's 30 s limit.
        await using var silo = await BenchSilo.StartAsync(bench, silo =>
        {
            silo.AddAdoNetGrainStorage(CaseGrainsSilo.SnapshotStorage, o => { o.Invariant = bench.Store.OrleansInvariant; o.ConnectionString = bench.ConnectionString; });
            silo.Services.Configure<DeadlineReminderOptions>(o => o.SweepOnStart = false);
            silo.Services.Configure<GrainOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(10));
        });
        var source = new ReportSource(silo.Grains, store, Policy);
        var asOf = Policy.LocalDate(now);
        var countyTownships = await source.CountyTownshipsAsync("county-bench");

        Console.Error.WriteLine("[reports] county rollup, cold (activates every township grain) and warm");
        var cold = Stopwatch.StartNew();
        var county = await source.CountyRollupAsync("county-bench", countyTownships, Year, asOf);
        cold.Stop();
        var rollup = await TimeAsync(runs, () => source.CountyRollupAsync("county-bench", countyTownships, Year, asOf));
        var names = countyTownships.ToDictionary(t => t.Id, t => t.Name);
        var md = await TimeAsync(runs, async () =>
        {
            var c = await source.CountyRollupAsync("county-bench", countyTownships, Year, asOf);
            return MarkdownReport.Render(AnnualReport.County(c, "county-bench", id => names[id]));
        });
        var docx = await TimeAsync(Math.Max(3, runs / 4), async () =>
        {
            var c = await source.CountyRollupAsync("county-bench", countyTownships, Year, asOf);
            return OfficeFiles.Document(AnnualReport.County(c, "county-bench", id => names[id]));
        });

        Console.Error.WriteLine("[reports] the same figures by SQL GROUP BY over grain_index");
        var sqlRuns = new List<double>();
        Dictionary<string, long[]> sql = [];
        for (var r = 0; r < runs; r++)
        {
            var watch = Stopwatch.StartNew();
            sql = await GroupByAsync(bench.ConnectionString, ids);
            sqlRuns.Add(watch.Elapsed.TotalMilliseconds);
        }
        var agrees = ids.All(id =>
        {
            var t = county.Townships.Single(x => x.Scope == id);
            var row = sql[id];
            return row[0] == t.Petitions.Registered && row[1] == t.Petitions.Accepted && row[2] == t.Petitions.Concluded
                && row[3] == t.Petitions.ConcludedOnTime && row[4] == t.Disputes.Registered && row[5] == t.Disputes.Resolved && row[6] == t.Disputes.Failed;
        });

        Console.Error.WriteLine($"[reports] importing a {importRows}-row ledger");
        var ledger = LedgerCsv(importRows, now);
        var parse = Stopwatch.StartNew();
        var table = LedgerFiles.Read(ledger, "csv", out var problem) ?? throw new InvalidOperationException(problem);
        parse.Stop();
        var import = silo.Grains.GetGrain<IImportGrain>("import-target/00000000000bench1");
        var importing = Stopwatch.StartNew();
        var status = await import.Start(new ImportRequest([.. table.Header], [.. table.Rows.Select(r => r.ToArray())], "csv", "bench", "admin"));
        TimeSpan? validated = null;
        while (ImportStatuses.Running(status.Status))
        {
            await Task.Delay(50);
            status = (await import.Status())!;
            if (validated is null && status.Status != ImportStatuses.Validating)
            {
                validated = importing.Elapsed;
            }
        }
        importing.Stop();

        Console.WriteLine("CaseGrains reports benchmark");
        Console.WriteLine($"command line: {Environment.CommandLine}");
        Console.WriteLine($"machine:      {MachineInfo.Describe()}");
        Console.WriteLine($"store:        {bench.Description}");
        if (bench.Caveat is not null)
        {
            Console.WriteLine($"caveat:       {bench.Caveat}");
        }
        Console.WriteLine($"seeded:       {townships} townships x {cases / townships} cases = {cases} cases ({cases * 7 / 10} petitions, {cases - cases * 7 / 10} disputes) in {seeding.Elapsed.TotalSeconds:F0} s through AppendAsync");
        Console.WriteLine();
        var latency = new TextTable("what", "runs", "p50 ms", "p95 ms", "max ms", "note");
        latency.Add("county rollup, cold", "1", $"{cold.Elapsed.TotalMilliseconds:F0}", "", "", $"activates {townships} township grains, each reading its {cases / townships} current-state rows");
        latency.Add("county rollup, warm", $"{runs}", Ms(rollup, 0.5), Ms(rollup, 0.95), Ms(rollup, 1), "40 township grains' live summaries -> Rollup.Compute, summed");
        latency.Add("county report, md", $"{runs}", Ms(md, 0.5), Ms(md, 0.95), Ms(md, 1), "rollup + narrative, one section per township");
        latency.Add("county report, docx", $"{docx.Count}", Ms(docx, 0.5), Ms(docx, 0.95), Ms(docx, 1), "rollup + narrative + Open XML document");
        latency.Add("SQL GROUP BY", $"{runs}", Ms(sqlRuns, 0.5), Ms(sqlRuns, 0.95), Ms(sqlRuns, 1), $"7 counts per township over grain_index (jsonb of the summary); figures agree: {(agrees ? "yes" : "NO")}");
        Console.Write(latency);
        Console.WriteLine();
        var imports = new TextTable("ledger rows", "status", "parse ms", "validate s", "import s", "total s", "rows/s");
        var total = importing.Elapsed.TotalSeconds;
        imports.Add($"{importRows}", status.Status, $"{parse.Elapsed.TotalMilliseconds:F0}", $"{validated?.TotalSeconds ?? 0:F1}",
            $"{total - (validated?.TotalSeconds ?? 0):F1}", $"{total:F1}", $"{importRows / total:F0}");
        Console.Write(imports);
        Console.WriteLine("The SQL counts only what grain_index holds now; the rollup is as of a date (asOf) and adds the rates, channels and categories.");
        return agrees && status.Status == ImportStatuses.Done ? 0 : 1;
    }

    private static async Task SeedTownshipAsync(ICaseStore store, string id, string county)
    {
        var state = TownshipState.New(id);
        var events = new List<TownshipEvent> { new TownshipProfileSet(id + "镇", county), new LeaderUpserted("wang", "王书记", "党委书记", true) };
        state = events.Aggregate(state, Township.Evolve);
        await store.AppendAsync(new AppendRequest($"township/{id}", 0,
            [.. events.Select(e => new NewEvent(char.ToLowerInvariant(e.GetType().Name[0]) + e.GetType().Name[1..], JsonSerializer.Serialize(e, GrainJson.Options), DateTimeOffset.UtcNow, "bench"))],
            new IndexEntry(GrainTypes.Township, county, "active", 0, null, null, DateTimeOffset.UnixEpoch,
                JsonSerializer.Serialize(new { state.Id, state.Name, state.CountyId }, GrainJson.Options), JsonSerializer.Serialize(state, GrainJson.Options))));
    }

    /// <summary>A petition decided by the domain in memory, and the append its grain would make.</summary>
    private static AppendRequest Petition(string township, int sequence, Random rng, DateTimeOffset now)
    {
        var id = CaseNumber.Format(Year, CaseKind.Petition, sequence);
        var received = new DateTimeOffset(Year, 1, 1, 9, 0, 0, Beijing).AddDays(rng.Next(0, 360));
        var channel = (PetitionChannel)rng.Next(0, 8);
        PetitionCommand[] commands =
        [
            new RegisterPetition(township, id, channel, received, "反映问题", "请求解决", $"类别{rng.Next(12)}", [new Person("张三")], null, "村", null,
                channel == PetitionChannel.Hotline12345 ? "GD1" : null, channel == PetitionChannel.Hotline12345 ? DateOnly.FromDateTime(received.Date).AddDays(7) : null),
            new AcceptPetition(received.AddDays(1)),
            .. rng.Next(10) < 9 ? [new ConcludePetition(received.AddDays(rng.Next(2, 70)), PetitionOutcome.Supported, "已答复")] : Array.Empty<PetitionCommand>(),
        ];
        var state = PetitionState.Empty;
        var events = new List<PetitionEvent>();
        foreach (var command in commands)
        {
            var decision = CaseGrains.Domain.Petitions.Petition.Decide(state, command, new PetitionContext(now, Policy, new HashSet<string>()));
            events.AddRange(decision.Events);
            state = decision.Events.Aggregate(state, CaseGrains.Domain.Petitions.Petition.Evolve);
        }
        return Append(GrainTypes.Petition, township, id, events, CaseGrains.Domain.Petitions.Petition.Summarize(state), state);
    }

    private static AppendRequest Dispute(string township, int sequence, Random rng, DateTimeOffset now)
    {
        var id = CaseNumber.Format(Year, CaseKind.Dispute, sequence);
        var reported = new DateTimeOffset(Year, 1, 1, 9, 0, 0, Beijing).AddDays(rng.Next(0, 360));
        var roll = rng.Next(20);
        DisputeCommand[] commands =
        [
            new RegisterDispute(township, id, (DisputeSource)rng.Next(0, 7), reported, DisputeCategories.Default[rng.Next(DisputeCategories.Default.Count)].Name,
                "纠纷", "争执", [new Person("李四")], "村", RiskLevel.Low),
            new AcceptDispute(reported.AddHours(2)),
            .. roll < 17 ? [new ResolveDispute(reported.AddDays(rng.Next(1, 20)), roll < 10 ? MediationProcedure.Simple : MediationProcedure.General, AgreementForm.Written)]
                : roll < 19 ? [new FailDispute(reported.AddDays(5), ReferralRoute.Litigation, "调解不成")] : Array.Empty<DisputeCommand>(),
        ];
        var state = DisputeState.Empty;
        var events = new List<DisputeEvent>();
        foreach (var command in commands)
        {
            var decision = CaseGrains.Domain.Disputes.Dispute.Decide(state, command, new DisputeContext(now, Policy, new HashSet<string>()));
            events.AddRange(decision.Events);
            state = decision.Events.Aggregate(state, CaseGrains.Domain.Disputes.Dispute.Evolve);
        }
        return Append(GrainTypes.Dispute, township, id, events, CaseGrains.Domain.Disputes.Dispute.Summarize(state), state);
    }

    /// <summary>What CaseGrain writes: the events, and the current-state row with its summary and the state snapshot.</summary>
    private static AppendRequest Append<TEvent, TState>(string type, string township, string id, IReadOnlyList<TEvent> events, CaseSummary summary, TState state)
        where TEvent : class
        => new($"{type}/{township}/{id}", 0,
            [.. events.Select(e => new NewEvent(char.ToLowerInvariant(e.GetType().Name[0]) + e.GetType().Name[1..], JsonSerializer.Serialize<TEvent>(e, GrainJson.Options), DateTimeOffset.UtcNow, "bench"))],
            new IndexEntry(type, township, summary.Status, summary.Year, summary.LeaderId, summary.DueOn is { } due ? Policy.EndOfDay(due) : null,
                summary.RegisteredAt, JsonSerializer.Serialize(summary, GrainJson.Options), JsonSerializer.Serialize(state, GrainJson.Options)));

    private static async Task<Dictionary<string, long[]>> GroupByAsync(string connectionString, string[] townships)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT partition_key,
                count(*) FILTER (WHERE grain_type = 'petition'),
                count(*) FILTER (WHERE grain_type = 'petition' AND summary::jsonb ->> 'acceptedAt' IS NOT NULL),
                count(*) FILTER (WHERE grain_type = 'petition' AND status IN ('concluded', 'underReview', 'reviewed', 'underRecheck', 'final')),
                count(*) FILTER (WHERE grain_type = 'petition' AND summary::jsonb ->> 'concludedOnTime' = 'true'),
                count(*) FILTER (WHERE grain_type = 'dispute'),
                count(*) FILTER (WHERE grain_type = 'dispute' AND status IN ('resolved', 'closed')),
                count(*) FILTER (WHERE grain_type = 'dispute' AND status = 'failed')
            FROM grain_index
            WHERE grain_type IN ('petition', 'dispute') AND period = @year AND partition_key = ANY(@townships)
            GROUP BY partition_key
            """, connection);
        command.Parameters.AddWithValue("year", Year);
        command.Parameters.AddWithValue("townships", townships);
        var result = new Dictionary<string, long[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = [.. Enumerable.Range(1, 7).Select(reader.GetInt64)];
        }
        return result;
    }

    /// <summary>A ledger of petitions (accepted, 包案, mostly answered) and disputes (mostly resolved), in the template's columns.</summary>
    private static byte[] LedgerCsv(int rows, DateTimeOffset now)
    {
        var headers = LedgerColumns.All.Select(c => c.Header).ToArray();
        var csv = new StringBuilder(string.Join(",", headers)).Append("\r\n");
        for (var i = 1; i <= rows; i++)
        {
            var day = new DateTime(Year, 1, 1).AddDays(i % 330);
            var row = new Dictionary<LedgerField, string>
            {
                [LedgerField.LedgerNumber] = $"B-{i:D6}",
                [LedgerField.RegisteredAt] = day.ToString("yyyy-MM-dd 09:00", CultureInfo.InvariantCulture),
                [LedgerField.Subject] = "反映问题",
                [LedgerField.People] = "张三",
                [LedgerField.Leader] = "王书记",
                [LedgerField.AcceptedAt] = day.ToString("yyyy-MM-dd 15:00", CultureInfo.InvariantCulture),
            };
            if (i % 10 < 7)
            {
                row[LedgerField.Kind] = "信访件";
                row[LedgerField.Channel] = "来信";
                row[LedgerField.Category] = "城乡建设";
                if (i % 10 < 6)
                {
                    row[LedgerField.ConcludedAt] = day.AddDays(20).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    row[LedgerField.Outcome] = "予以支持";
                }
            }
            else
            {
                row[LedgerField.Kind] = "矛盾纠纷";
                row[LedgerField.Channel] = "排查发现";
                row[LedgerField.Category] = "邻里";
                row[LedgerField.ConcludedAt] = day.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                row[LedgerField.Outcome] = LedgerImport.Resolved;
                row[LedgerField.Procedure] = "简易程序";
            }
            csv.Append(string.Join(",", LedgerColumns.All.Select(c => row.GetValueOrDefault(c.Field, "")))).Append("\r\n");
        }
        _ = now;
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    private static async Task<List<double>> TimeAsync<T>(int runs, Func<Task<T>> work)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await work();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    private static string Ms(List<double> times, double quantile)
    {
        var sorted = times.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)].ToString("F1", CultureInfo.InvariantCulture);
    }

    private static int Arg(IReadOnlyList<string> args, string name, int fallback)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == name && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return value;
            }
        }
        return fallback;
    }
}
