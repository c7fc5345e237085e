using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CaseGrains.Testing;

/// <summary>
/// A throwaway PostgreSQL server on 127.0.0.1. The test command (tests/run.sh) starts one and passes
/// it in <c>CASEGRAINS_TEST_PG</c>; without it, the first test that needs PostgreSQL starts its own
/// cluster with initdb. Tests never skip for want of PostgreSQL: if neither works, they fail.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>The environment variable holding the admin connection string of a running server.</summary>
    public const string EnvironmentVariable = "CASEGRAINS_TEST_PG";

    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static PostgresCluster? _shared;

    private readonly string? _dataDirectory;
    private readonly string? _binDirectory;
    private readonly bool _owned;
    private readonly bool _durable;
    private readonly IReadOnlyList<string> _settings;

    private PostgresCluster(string adminConnectionString, string? dataDirectory, string? binDirectory, int port, bool owned,
        bool durable = false, IReadOnlyList<string>? settings = null)
    {
        AdminConnectionString = adminConnectionString;
        _dataDirectory = dataDirectory;
        _binDirectory = binDirectory;
        Port = port;
        _owned = owned;
        _durable = durable;
        _settings = settings ?? [];
    }

    /// <summary>Connection string to the <c>postgres</c> database as superuser.</summary>
    public string AdminConnectionString { get; }

    /// <summary>The port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The server binaries (initdb, pg_ctl, pgbench) of a cluster started here; null for one from the environment.</summary>
    public string? BinDirectory => _binDirectory;

    /// <summary>The data folder of a cluster started here; null for one from the environment.</summary>
    public string? DataDirectory => _dataDirectory;

    /// <summary>The server's log file of a cluster started here; null for one from the environment.</summary>
    public string? LogFile => _dataDirectory is null ? null : Path.Combine(Path.GetDirectoryName(_dataDirectory)!, "server.log");

    /// <summary>The cluster shared by all tests in this process.</summary>
    public static async Task<PostgresCluster> SharedAsync()
    {
        await SharedGate.WaitAsync();
        try
        {
            if (_shared is null)
            {
                var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
                _shared = string.IsNullOrWhiteSpace(fromEnvironment)
                    ? await StartPrivateAsync()
                    : new PostgresCluster(fromEnvironment, null, null, new NpgsqlConnectionStringBuilder(fromEnvironment).Port, owned: false);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _shared?.StopQuietly();
            }
            return _shared;
        }
        finally
        {
            SharedGate.Release();
        }
    }

    /// <summary>A fresh, empty database on the shared cluster; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var cluster = await SharedAsync();
        return await cluster.NewDatabaseAsync();
    }

    /// <summary>A fresh, empty database on this cluster.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..20];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ToString();
    }

    /// <summary>
    /// Starts a cluster of its own (for tests that stop and restart the server). Tests keep the default, fsync,
    /// synchronous_commit and full_page_writes off, for speed; <paramref name="durable"/> leaves all three on, as a
    /// production server has them, for benchmarks whose figures must include the flush of every commit.
    /// <paramref name="settings"/> are extra <c>name=value</c> server settings (e.g. <c>shared_preload_libraries=pg_stat_statements</c>).
    /// </summary>
    public static async Task<PostgresCluster> StartPrivateAsync(bool durable = false, params string[] settings)
    {
        var bin = FindBinDirectory();
        var root = Path.Combine(Path.GetTempPath(), "casegrains-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var data = Path.Combine(root, "data");
        var asPostgres = Environment.UserName == "root";
        if (asPostgres)
        {
            await RunAsync("chown", $"postgres {root}");
        }
        await RunAsync(Path.Combine(bin, "initdb"), $"-D {data} -U postgres -A trust --no-sync -E UTF8 --locale=C", asPostgres);
        var port = FreePort();
        var cluster = new PostgresCluster($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=5", data, bin, port, owned: true,
            durable, settings);
        await cluster.StartAsync();
        return cluster;
    }

    /// <summary>Starts the server (again).</summary>
    public Task StartAsync()
    {
        if (_dataDirectory is null || _binDirectory is null)
        {
            throw new InvalidOperationException("Only a cluster started by the tests can be started or stopped.");
        }
        var durability = _durable
            ? "-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
            : "-c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        var extra = string.Concat(_settings.Select(setting => $" -c {setting}"));
        var options = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' {durability} -c max_connections=300{extra}";
        return RunAsync(Path.Combine(_binDirectory, "pg_ctl"), $"-D {_dataDirectory} -o \"{options}\" -l {_dataDirectory}/../server.log -w -t 30 start", Environment.UserName == "root");
    }

    /// <summary>Stops the server immediately (as a crash or an outage would).</summary>
    public Task StopAsync()
    {
        if (_dataDirectory is null || _binDirectory is null)
        {
            throw new InvalidOperationException("Only a cluster started by the tests can be started or stopped.");
        }
        return RunAsync(Path.Combine(_binDirectory, "pg_ctl"), $"-D {_dataDirectory} -m immediate -w -t 30 stop", Environment.UserName == "root");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_owned)
        {
            try
            {
                await StopAsync();
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }
            TryDeleteDirectory();
        }
    }

    private void StopQuietly()
    {
        if (!_owned)
        {
            return;
        }
        try
        {
            StopAsync().GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        TryDeleteDirectory();
    }

    private void TryDeleteDirectory()
    {
        try
        {
            if (_dataDirectory is not null)
            {
                Directory.Delete(Path.GetDirectoryName(_dataDirectory)!, recursive: true);
            }
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

    private static string FindBinDirectory()
    {
        var root = "/usr/lib/postgresql";
        if (Directory.Exists(root))
        {
            var newest = Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }
        throw new InvalidOperationException(
            $"PostgreSQL server binaries are not installed (no initdb under {root}). Run the test command from the README (tests/run.sh), which installs them, or set {EnvironmentVariable}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string arguments, bool asPostgres = false)
    {
        var start = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }
}
