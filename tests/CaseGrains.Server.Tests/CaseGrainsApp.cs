using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using CaseGrains.Server.Auth;
using CaseGrains.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaseGrains.Server.Tests;

/// <summary>
/// The real service on a real loopback port (Kestrel), over a fresh database of the given kind.
/// Every log line it writes is captured, so tests can check that no personal data reaches a log.
/// </summary>
public sealed class CaseGrainsApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    private readonly Action<IServiceCollection>? _services;

    private CaseGrainsApp(StoreKind kind, string connectionString, IDictionary<string, string?>? settings, Action<IServiceCollection>? services = null)
    {
        _services = services;
        Kind = kind;
        ConnectionString = connectionString;
        _settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = kind == StoreKind.Sqlite ? "Sqlite" : "PostgreSql",
            ["Storage:ConnectionString"] = connectionString,
            ["Auth:SigningKey"] = Convert.ToBase64String(SigningKey),
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
            ["urls"] = "http://127.0.0.1:0",
            // Many apps run at once in one test run: each silo on ports of its own.
            ["Orleans:SiloPort"] = ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = "test-" + Guid.NewGuid().ToString("N")[..12],
            // Tests fire thousands of requests as one caller; the limiter has a test of its own.
            ["RateLimit:PermitsPerMinute"] = "10000000",
            ["RateLimit:Burst"] = "1000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
        UseKestrel(0);
    }

    /// <summary>The key tokens are signed with in this app.</summary>
    public byte[] SigningKey { get; } = RandomNumberGenerator.GetBytes(32);

    public StoreKind Kind { get; }

    public string ConnectionString { get; }

    /// <summary>Every answer the app's test clients received, each checked against the served document.</summary>
    internal ConcurrentQueue<Exchange> Exchanges { get; } = new();

    private Task<OpenApiContract>? _contract;

    /// <summary>The served <c>/openapi/v1.json</c> as a validator, read once.</summary>
    internal Task<OpenApiContract> ContractAsync() => LazyInitializer.EnsureInitialized(ref _contract, async () =>
    {
        using var client = CreateClient();
        return OpenApiContract.Parse(await client.GetStringAsync("/openapi/v1.json"));
    });

    /// <summary>An HTTP client on the real port whose every answer must match the served document (else the request throws).</summary>
    public HttpClient CheckedClient() => CreateDefaultClient(BaseAddressOf(),
        // The handlers CreateClient() uses (redirects, cookies: the redirect handler also buffers request bodies, so they
        // go out with a Content-Length), then the check, innermost, so that it sees every answer on the wire.
        new Microsoft.AspNetCore.Mvc.Testing.Handlers.RedirectHandler(), new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(),
        new ContractCheckingHandler(ContractAsync, Exchanges));

    private Uri BaseAddressOf()
    {
        using var probe = CreateClient();
        return probe.BaseAddress!;
    }

    /// <summary>Every log line written so far (message, state values and exception text).</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>Starts the app over a new, empty database; <paramref name="services"/> replaces services of the app (a clock).</summary>
    public static async Task<CaseGrainsApp> StartAsync(StoreKind kind, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var app = new CaseGrainsApp(kind, await TestStores.NewConnectionStringAsync(kind), settings, services);
        app.StartServer();
        return app;
    }

    /// <summary>Starts the app over an existing database.</summary>
    public static CaseGrainsApp StartOn(StoreKind kind, string connectionString, IDictionary<string, string?>? settings = null)
    {
        var app = new CaseGrainsApp(kind, connectionString, settings);
        app.StartServer();
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logs));
            _services?.Invoke(services);
        });
    }

    /// <summary>A token for a caller of this app.</summary>
    public string Token(string role, string[]? townships = null, string[]? counties = null, string? subject = null)
        => TokenMinter.Mint(SigningKey, role, townships, counties, subject);

    /// <summary>An HTTP client on the real port, with a bearer token when a role is given.</summary>
    public HttpClient Client(string? role = null, string[]? townships = null, string[]? counties = null, string? subject = null)
    {
        var client = CheckedClient();
        if (role is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(role, townships, counties, subject));
        }
        return client;
    }

    /// <summary>Creates a township with a roster of active leaders, as an admin.</summary>
    public async Task CreateTownshipAsync(string townshipId, string countyId = "county-1", params string[] leaders)
    {
        using var admin = Client(Roles.Admin);
        (await admin.PutAsJsonAsync($"/api/townships/{townshipId}", new { name = $"{townshipId}镇", countyId })).EnsureSuccessStatusCode();
        foreach (var leader in leaders)
        {
            (await admin.PutAsJsonAsync($"/api/townships/{townshipId}/leaders/{leader}", new { name = "王书记", title = "党委书记", active = true }))
                .EnsureSuccessStatusCode();
        }
    }
}

/// <summary>Keeps every log line, formatted with its state values, in memory.</summary>
internal sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            lines.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)} {values} {exception}");
        }
    }
}
