using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CaseGrains.Server.Tests;

/// <summary>The server binary run as a child process, as an operator runs it.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private ServerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (_error) { _error.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>An environment key (not passed on) that keeps the silo on its default ports.</summary>
    public const string DefaultPorts = "(default ports)";

    /// <summary>The server's own build output (a project reference copies it beside the tests).</summary>
    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "CaseGrains.Server.dll");

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public string Error { get { lock (_error) { return _error.ToString(); } } }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>dotnet CaseGrains.Server.dll args</c> in <paramref name="workingDirectory"/>.</summary>
    public static ServerProcess Start(string workingDirectory, IDictionary<string, string>? environment = null, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // The child must not inherit a test run's settings by accident.
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("Storage__Provider");
        start.Environment.Remove("Storage__ConnectionString");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Tests run side by side: every silo gets ports of its own unless a test asks for the defaults.
        if (environment?.ContainsKey(DefaultPorts) != true)
        {
            start.Environment["Orleans__SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["Orleans__GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            if (key != DefaultPorts)
            {
                start.Environment[key] = value;
            }
        }
        return new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>Runs a verb to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string workingDirectory, IDictionary<string, string>? environment, params string[] args)
    {
        await using var process = Start(workingDirectory, environment, args);
        await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, process.Output.Trim(), process.Error.Trim());
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        _process.WaitForExit();
    }

    /// <summary>Waits until <c>/healthz</c> answers on <paramref name="baseAddress"/>.</summary>
    public async Task WaitUntilUpAsync(Uri baseAddress, TimeSpan? timeout = null)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited ({_process.ExitCode}): {Error}{Output}");
            }
            try
            {
                if ((await client.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
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
            await Task.Delay(100);
        }
        throw new TimeoutException($"The server did not come up: {Error}{Output}");
    }

    /// <summary>Kills the process at once, as a crash would.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Waits until nothing listens on these loopback ports (another run's service, say); fails with a clear message after a while.</summary>
    public static async Task WaitForFreePortsAsync(TimeSpan timeout, params int[] ports)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var busy = ports.Where(port => !IsFree(port)).ToList();
            if (busy.Count == 0)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Ports {string.Join(", ", busy)} stayed in use; stop whatever listens there (a running CaseGrains?) and run again.");
            }
            await Task.Delay(250);
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string NewWorkingDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "casegrains-proc-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }

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
