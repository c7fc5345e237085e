using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CaseGrains.Benchmarks.Api;
using CaseGrains.Testing;

namespace CaseGrains.Benchmarks.Bench;

/// <summary>
/// Where the mix is sent, and the PostgreSQL behind it that pgbench runs on: one service process on a private
/// durable cluster, the local cluster of <c>deploy/local-cluster.sh</c>, or a deployment at a URL.
/// </summary>
internal sealed partial class BenchTarget : IAsyncDisposable
{
    private readonly Func<ValueTask> _dispose;
    private readonly Func<TimeSpan> _serviceCpu;
    private readonly Func<TimeSpan> _postgresCpu;

    private BenchTarget(string name, string description, Uri address, string? connectionString, string? pgBinDirectory, TimeSpan ready,
        Func<TimeSpan> serviceCpu, Func<TimeSpan> postgresCpu, Func<long> residentBytes, Func<ValueTask> dispose)
    {
        Name = name;
        Description = description;
        Address = address;
        ConnectionString = connectionString;
        PgBinDirectory = pgBinDirectory;
        Ready = ready;
        _serviceCpu = serviceCpu;
        _postgresCpu = postgresCpu;
        ResidentBytes = residentBytes;
        _dispose = dispose;
    }

    /// <summary><c>single</c>, <c>cluster</c> or <c>url</c>.</summary>
    public string Name { get; }

    /// <summary>One line on what runs where.</summary>
    public string Description { get; }

    /// <summary>Where requests go (the service, or the balancer).</summary>
    public Uri Address { get; }

    /// <summary>The database the service uses, for pgbench; null when unknown (no ratio then).</summary>
    public string? ConnectionString { get; }

    /// <summary>Where the server's binaries (pgbench among them) are, when known.</summary>
    public string? PgBinDirectory { get; }

    /// <summary>From start to <c>/readyz</c> 200 (the balancer's, for the cluster).</summary>
    public TimeSpan Ready { get; }

    /// <summary>Resident memory of the service processes now (summed over the nodes).</summary>
    public Func<long> ResidentBytes { get; }

    /// <summary>CPU the service processes and PostgreSQL have used so far; zero where they cannot be seen.</summary>
    public (TimeSpan Service, TimeSpan Postgres) Cpu() => (_serviceCpu(), _postgresCpu());

    /// <summary>The service binary on a private PostgreSQL with fsync, synchronous_commit and full_page_writes on.</summary>
    public static async Task<BenchTarget> StartSingleAsync(byte[] key, string work, IReadOnlyDictionary<string, string>? environment)
    {
        var cluster = await PostgresCluster.StartPrivateAsync(durable: true);
        try
        {
            var connectionString = await cluster.NewDatabaseAsync();
            var postmaster = PostgresCpu.PostmasterPid(cluster.DataDirectory);
            var service = ServiceProcess.Start(connectionString, key, work, environment);
            try
            {
                var ready = await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
                return new BenchTarget("single", $"one service process (silo and API; pid {service.Id}) on a private durable PostgreSQL, loopback",
                    service.Address, connectionString, cluster.BinDirectory, ready,
                    () => service.CpuTime, () => postmaster is { } pid ? PostgresCpu.Of(pid) : TimeSpan.Zero, () => service.ResidentBytes,
                    async () =>
                    {
                        await service.DisposeAsync();
                        await cluster.DisposeAsync();
                    })
                {
                    ServicePid = service.Id,
                };
            }
            catch
            {
                await service.DisposeAsync();
                throw;
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The service's pid for a profile (single only).</summary>
    public int? ServicePid { get; private init; }

    /// <summary>Where the local cluster script lives in this checkout, or null when it is not there.</summary>
    public static string? FindClusterScript()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var script = Path.Combine(folder.FullName, "deploy", "local-cluster.sh");
            if (File.Exists(script))
            {
                return script;
            }
            if (File.Exists(Path.Combine(folder.FullName, "CaseGrains.sln")))
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>
    /// <c>deploy/local-cluster.sh up</c> in a state folder of its own, on free ports, running this build's server binary
    /// with the benchmark's signing key and rate limit; its PostgreSQL is the script's own (durable).
    /// </summary>
    public static async Task<BenchTarget> StartClusterAsync(string script, byte[] key, string work)
    {
        var state = Path.Combine(work, "local-cluster");
        var environment = new Dictionary<string, string>
        {
            ["CASEGRAINS_CLUSTER_DIR"] = state,
            ["CASEGRAINS_CLUSTER_PORT"] = FreeBase().ToString(CultureInfo.InvariantCulture),
            ["CASEGRAINS_SERVER"] = ServiceProcess.ServerDll,
            ["Auth__SigningKey"] = Convert.ToBase64String(key),
            // As for the single service: the per-caller budget would otherwise be the thing measured.
            ["RateLimit__PermitsPerMinute"] = "100000000",
            ["RateLimit__Burst"] = "10000000",
        };
        async Task Down()
        {
            // purge stops everything and removes the state folder and the database's files; older scripts only know down.
            if ((await RunScriptAsync(script, "purge", environment, TimeSpan.FromMinutes(2))).ExitCode != 0)
            {
                await RunScriptAsync(script, "down", environment, TimeSpan.FromMinutes(2));
            }
        }

        var started = Stopwatch.GetTimestamp();
        var up = await RunScriptAsync(script, "up", environment, TimeSpan.FromMinutes(5));
        var ready = Stopwatch.GetElapsedTime(started);
        var last = up.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (up.ExitCode != 0 || last is null || !Uri.TryCreate(last, UriKind.Absolute, out var balancer))
        {
            await Down();
            throw new InvalidOperationException($"local-cluster.sh up failed ({up.ExitCode}): {up.Error[^Math.Min(up.Error.Length, 1500)..]}");
        }
        var status = await RunScriptAsync(script, "status", environment, TimeSpan.FromMinutes(1));
        var processes = ParseStatus(status.Output);
        var nodes = processes.Where(p => p.Role is "silo" or "gateway").ToList();
        var postgres = processes.FirstOrDefault(p => p.Role == "postgres");
        var database = DatabaseLine().Match(status.Output);
        string? connectionString = database.Success
            ? $"Host={database.Groups[1].Value};Port={database.Groups[2].Value};Username=postgres;Database=casegrains;Timeout=5"
            : null;
        var description = $"deploy/local-cluster.sh: {string.Join(", ", nodes.Select(n => $"{n.Name} (pid {n.Pid})"))} behind nginx at {balancer}, "
            + $"PostgreSQL {(database.Success ? $"on {database.Groups[1].Value}:{database.Groups[2].Value}" : "(address not in status)")}";
        return new BenchTarget("cluster", description, balancer, connectionString, null, ready,
            () => nodes.Aggregate(TimeSpan.Zero, (sum, n) => sum + PostgresCpu.Of(n.Pid)),
            () => postgres is null ? TimeSpan.Zero : PostgresCpu.Of(postgres.Pid),
            () => nodes.Sum(n => ResidentOf(n.Pid)),
            async () => await Down());
    }

    /// <summary>A deployment somebody else runs: only its address, and its database when given.</summary>
    public static async Task<BenchTarget> AtAsync(Uri url, string? connectionString)
    {
        using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
        var started = Stopwatch.GetTimestamp();
        using var answer = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        if (!answer.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{url}readyz answered {(int)answer.StatusCode}");
        }
        return new BenchTarget("url", $"a running deployment at {url}", url, connectionString, null, Stopwatch.GetElapsedTime(started),
            () => TimeSpan.Zero, () => TimeSpan.Zero, () => 0, () => ValueTask.CompletedTask);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dispose();

    private sealed record StatusLine(string Role, string Name, int Pid);

    // "silo      silo-1     12345    http://127.0.0.1:5101    active": role, name, pid ("-" when stopped).
    private static List<StatusLine> ParseStatus(string output)
    {
        var lines = new List<StatusLine>();
        foreach (var line in output.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 3 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                lines.Add(new StatusLine(parts[0], parts[1], pid));
            }
        }
        return lines;
    }

    private static long ResidentOf(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.WorkingSet64;
        }
        catch (ArgumentException)
        {
            return 0;
        }
    }

    /// <summary>A balancer port whose neighbours the script uses (+1…+14 nodes, +20 PostgreSQL, +10x Orleans) look free.</summary>
    private static int FreeBase()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var candidate = Random.Shared.Next(20_000, 40_000);
            int[] offsets = [0, 1, 2, 3, 4, 11, 12, 20, 101, 102, 103, 104, 201, 202, 203, 204];
            if (offsets.All(o => PortFree(candidate + o)))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("no free range of loopback ports for the local cluster");
    }

    private static bool PortFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunScriptAsync(string script, string verb,
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(verb);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"local-cluster.sh {verb} did not finish within {timeout.TotalSeconds:F0} s");
        }
        return (process.ExitCode, await output, await error);
    }

    // "database on 127.0.0.1:5120"
    [GeneratedRegex(@"database on ([0-9.]+):([0-9]+)")]
    private static partial Regex DatabaseLine();
}
