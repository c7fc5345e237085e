using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CaseGrains.Server.Auth;
using CaseGrains.Testing;

namespace CaseGrains.Server.Tests;

/// <summary>
/// The cluster of <c>deploy/local-cluster.sh</c>, run by the script itself as an operator runs it: a private
/// PostgreSQL (durable settings), three silos, one gateway node and nginx on loopback, with the test build of
/// the server. The fault tests share it; each starts by bringing back whatever an earlier one stopped.
/// </summary>
public sealed class LocalCluster : IAsyncLifetime
{
    /// <summary>The signing key every node shares.</summary>
    public static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 5))];

    /// <summary>Orleans:ProbeTimeout as the script sets it.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Orleans:MissedProbesLimit as the script sets it.</summary>
    public const int MissedProbesLimit = 3;

    /// <summary>
    /// The membership timeout: a silo that stops answering is suspected after this many seconds of missed probes and
    /// voted dead by the others (ProbeTimeout × MissedProbesLimit = 6 s).
    /// </summary>
    public static TimeSpan MembershipTimeout => ProbeTimeout * MissedProbesLimit;

    private readonly string _state = Path.Combine(Path.GetTempPath(), "casegrains-lc-" + Guid.NewGuid().ToString("N")[..10]);
    private int _port;

    /// <summary>The repository root (the script and the nginx rules live there).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The balancer's URL, as <c>up</c> printed it last.</summary>
    public Uri Balancer { get; private set; } = null!;

    /// <summary>The case store's connection string.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={_port + 20};Username=postgres;Database=casegrains;Timeout=5";

    /// <summary>The PostgreSQL server's admin connection string (for databases of their own).</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={_port + 20};Username=postgres;Database=postgres;Timeout=5";

    public static readonly string[] Silos = ["silo-1", "silo-2", "silo-3"];

    public const string Gateway = "gateway-1";

    /// <summary>What <c>up</c> printed (the status table on stderr and the URL).</summary>
    public string UpOutput { get; private set; } = "";

    public int SiloPort(string silo) => _port + 100 + int.Parse(silo[(silo.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);

    public Uri NodeUrl(string name) => new($"http://127.0.0.1:{_port + (name.StartsWith("silo-", StringComparison.Ordinal) ? 0 : 10) + int.Parse(name[(name.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture)}");

    public async Task InitializeAsync()
    {
        _port = FreeRange();
        var (code, output, error) = await RunAsync(TimeSpan.FromMinutes(4), "up");
        UpOutput = error + output;
        Assert.True(code == 0, $"local-cluster.sh up failed ({code}):\n{error}\n{output}");
        Balancer = new Uri(output.Trim().Split('\n')[^1].Trim());
    }

    public async Task DisposeAsync()
    {
        await RunAsync(TimeSpan.FromMinutes(2), "purge");
    }

    /// <summary>Runs the script with the cluster's folder, ports and the test build of the server.</summary>
    public async Task<(int Code, string Output, string Error)> RunAsync(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Root };
        start.ArgumentList.Add(Path.Combine(Root, "deploy", "local-cluster.sh"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "Storage__Provider", "Storage__ConnectionString", PostgresCluster.EnvironmentVariable })
        {
            start.Environment.Remove(inherited);
        }
        start.Environment["CASEGRAINS_CLUSTER_DIR"] = _state;
        start.Environment["CASEGRAINS_CLUSTER_PORT"] = _port.ToString(CultureInfo.InvariantCulture);
        start.Environment["CASEGRAINS_SERVER"] = ServerProcess.ServerDll;
        start.Environment["Auth__SigningKey"] = Convert.ToBase64String(Key);
        // The load comes from one caller through one balancer; the limiter is not what these tests are about.
        start.Environment["RateLimit__PermitsPerMinute"] = "1000000";
        start.Environment["RateLimit__Burst"] = "100000";
        // A silo that takes over a dead one's reminders reads the table soon after.
        start.Environment["Reminders__RefreshInterval"] = "00:00:05";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            // The script alone: the nodes it started are on their own, and the fixture's purge stops them.
            process.Kill();
            throw new TimeoutException($"local-cluster.sh {string.Join(' ', args)} took over {timeout.TotalSeconds} s: {await error}");
        }
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Brings back whatever is not running (the script's <c>up</c> is idempotent) and waits until every silo is active.</summary>
    public async Task HealAsync()
    {
        var (code, output, error) = await RunAsync(TimeSpan.FromMinutes(3), "up");
        Assert.True(code == 0, $"local-cluster.sh up failed ({code}):\n{error}\n{output}");
        using var admin = Client(Roles.Admin);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var active = await ActiveSiloPortsAsync(admin);
            if (Silos.All(s => active.Contains(SiloPort(s))) && active.Count == Silos.Length)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the silos did not all become active: {string.Join(", ", active)}");
            await Task.Delay(500);
        }
    }

    /// <summary>The silo ports of the incarnations the membership table holds active.</summary>
    public static async Task<List<int>> ActiveSiloPortsAsync(HttpClient admin)
    {
        try
        {
            var cluster = await admin.GetFromJsonAsync<JsonElement>("/api/cluster");
            return [.. cluster.GetProperty("silos").EnumerateArray()
                .Where(s => s.GetProperty("status").GetString() == "active")
                .Select(s => SiloAddress.FromParsableString(s.GetProperty("address").GetString()!).Endpoint.Port)];
        }
        catch (HttpRequestException)
        {
            return [];
        }
    }

    public int Pid(string name) => int.Parse(File.ReadAllText(Path.Combine(_state, "run", name + ".pid")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>kill -9: the process dies at once, mid-request, as a crash or an OOM kill leaves it.</summary>
    public void Kill(string name)
    {
        using var process = Process.GetProcessById(Pid(name));
        process.Kill();
        process.WaitForExit(10_000);
    }

    public string Log(string name) => File.Exists(LogPath(name)) ? ReadShared(LogPath(name)) : "";

    private string LogPath(string name) => Path.Combine(_state, "logs", name + ".log");

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A client of the balancer with a token of this role.</summary>
    public HttpClient Client(string role, Uri? address = null)
    {
        var client = new HttpClient { BaseAddress = address ?? Balancer, Timeout = TimeSpan.FromSeconds(45) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenMinter.Mint(Key, role, null, subject: $"{role}-faults"));
        return client;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CaseGrains.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (CaseGrains.sln) is not above the test binaries.");
    }

    /// <summary>A base port whose whole range (balancer, nodes, PostgreSQL, Orleans ports) is free.</summary>
    private static int FreeRange()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20_000, 40_000 - 300);
            int[] needed = [port, port + 1, port + 2, port + 3, port + 4, port + 11, port + 20, port + 101, port + 102, port + 103, port + 104, port + 201, port + 202, port + 203, port + 204];
            if (needed.All(IsFree))
            {
                return port;
            }
        }
        throw new InvalidOperationException("No free range of loopback ports.");
    }

    private static bool IsFree(int port)
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
}
