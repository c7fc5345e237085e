using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CaseGrains.Benchmarks.Api;

/// <summary>
/// The real service binary as a child process (<c>dotnet CaseGrains.Server.dll</c>), on PostgreSQL and free
/// loopback ports, as an operator runs it. Its output is drained into a short tail for error messages.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private const int TailLines = 40;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    private ServiceProcess(Process process, Uri address, long startedTimestamp)
    {
        _process = process;
        Address = address;
        StartedTimestamp = startedTimestamp;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The service's own build output, copied beside this program by the project reference.</summary>
    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "CaseGrains.Server.dll");

    /// <summary>Where the service listens.</summary>
    public Uri Address { get; }

    /// <summary>When the process was started (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long StartedTimestamp { get; }

    /// <summary>The process id, for dotnet-trace.</summary>
    public int Id => _process.Id;

    /// <summary>The last lines the service printed.</summary>
    public string Tail { get { lock (_tail) { return string.Join('\n', _tail); } } }

    /// <summary>CPU the service has used so far (user and system).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited ({_process.ExitCode}) during the run:\n{Tail}");
            }
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Resident memory of the service now.</summary>
    public long ResidentBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>Starts the service on PostgreSQL with a signing key, a high rate limit and free ports.</summary>
    public static ServiceProcess Start(string connectionString, byte[] signingKey, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerDll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        start.Environment["Storage__Provider"] = "PostgreSql";
        start.Environment["Storage__ConnectionString"] = connectionString;
        start.Environment["Auth__SigningKey"] = Convert.ToBase64String(signingKey);
        // The load comes from a handful of callers; the per-caller budget would otherwise be the thing measured.
        start.Environment["RateLimit__PermitsPerMinute"] = "100000000";
        start.Environment["RateLimit__Burst"] = "10000000";
        start.Environment["Orleans__SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Orleans__GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        // Each run is its own cluster, whatever else shares this machine.
        start.Environment["Orleans__ClusterId"] = "bench-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        return new ServiceProcess(process, address, started);
    }

    /// <summary>Waits until <c>/readyz</c> answers 200; returns the time since the process started.</summary>
    public async Task<TimeSpan> WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited ({_process.ExitCode}):\n{Tail}");
            }
            try
            {
                using var answer = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return Stopwatch.GetElapsedTime(StartedTimestamp);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"The service was not ready within {timeout.TotalSeconds:F0} s:\n{Tail}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }

    /// <summary>A free loopback port.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the service at once: it needs no graceful stop to keep what it acknowledged.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

/// <summary>CPU of a PostgreSQL cluster's processes: the postmaster, its live backends and the ones it has reaped (Linux).</summary>
internal static class PostgresCpu
{
    // /proc reports CPU in USER_HZ ticks, which Linux fixes at 100 per second for user space.
    private const double TicksPerSecond = 100;

    /// <summary>CPU used so far by the cluster whose postmaster has <paramref name="postmasterPid"/>; zero off Linux.</summary>
    public static TimeSpan Of(int postmasterPid)
    {
        if (ReadStat(postmasterPid) is not { } postmaster)
        {
            return TimeSpan.Zero;
        }
        // utime + stime of the postmaster, plus cutime + cstime: the backends that exited and were waited for.
        var ticks = postmaster.Fields[11] + postmaster.Fields[12] + postmaster.Fields[13] + postmaster.Fields[14];
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != postmasterPid && ReadStat(pid) is { } child && child.ParentPid == postmasterPid)
            {
                ticks += child.Fields[11] + child.Fields[12];
            }
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>The postmaster's pid from its data folder's postmaster.pid.</summary>
    public static int? PostmasterPid(string? dataDirectory)
    {
        var file = dataDirectory is null ? null : Path.Combine(dataDirectory, "postmaster.pid");
        return file is not null && File.Exists(file)
            && int.TryParse(File.ReadLines(file).First(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static (int ParentPid, long[] Fields)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // pid (comm) state ppid ...: comm may hold spaces, so split after its closing parenthesis.
            var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // rest[0] is the state, rest[1] the ppid; rest[i] is field i+3 of proc(5), so utime (14) is rest[11].
            var fields = rest.Select(f => long.TryParse(f, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : 0).ToArray();
            return ((int)fields[1], fields);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
