using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CaseGrains.Testing;

namespace CaseGrains.Server.Tests;

/// <summary>The server binary as an operator runs it: defaults, configuration, fail-fast, verbs, a killed process.</summary>
public sealed class ProcessTests
{
    [Fact]
    public async Task A_fresh_start_listens_on_the_default_address_with_sqlite_under_data_and_its_token_verb_works()
    {
        // The one test of the defaults binds the default ports; every other test picks free ones, so only a service
        // running outside the suite can be in the way, and then the test says so.
        await ServerProcess.WaitForFreePortsAsync(TimeSpan.FromSeconds(60), 5080, 11111, 30000);
        var folder = ServerProcess.NewWorkingDirectory();
        await using var server = ServerProcess.Start(folder, new Dictionary<string, string> { [ServerProcess.DefaultPorts] = "" });
        var address = new Uri("http://127.0.0.1:5080");
        await server.WaitUntilUpAsync(address);

        Assert.True(File.Exists(Path.Combine(folder, "data", "casegrains.db")));
        Assert.True(File.Exists(Path.Combine(folder, "data", "signing-key")));
        Assert.Contains("token --role", server.Output, StringComparison.Ordinal);

        var (exit, token, _) = await ServerProcess.RunAsync(folder, null, "token", "--role", "admin");
        Assert.Equal(0, exit);
        using var client = new HttpClient { BaseAddress = address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/townships/t1")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsJsonAsync("/api/townships/t1", new { name = "一镇", countyId = "c1" })).StatusCode);
    }

    [Theory]
    [InlineData("env")]
    [InlineData("arg")]
    public async Task The_listening_address_honours_ASPNETCORE_URLS_and_urls(string how)
    {
        var folder = ServerProcess.NewWorkingDirectory();
        var url = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        await using var server = how == "env"
            ? ServerProcess.Start(folder, new Dictionary<string, string> { ["ASPNETCORE_URLS"] = url })
            : ServerProcess.Start(folder, null, "--urls", url);
        await server.WaitUntilUpAsync(new Uri(url));
        Assert.Contains(url, server.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PostgreSql", "Host=127.0.0.1;Port=1;Timeout=2", "cannot reach the postgresql database")]
    [InlineData("PostgreSql", "Nonsense=yes", "Storage:ConnectionString")]
    [InlineData("PostgreSql", "", "Storage:ConnectionString is required")]
    [InlineData("Oracle", "", "Storage:Provider")]
    public async Task A_wrong_database_setting_fails_fast_with_one_clear_line(string provider, string connectionString, string expected)
    {
        var folder = ServerProcess.NewWorkingDirectory();
        await using var server = ServerProcess.Start(folder, new Dictionary<string, string>
        {
            ["Storage__Provider"] = provider,
            ["Storage__ConnectionString"] = connectionString,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ServerProcess.FreePort()}",
        });
        await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, server.ExitCode);
        var lines = server.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("casegrains: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Auth__SigningKey", "not-base64!", "Auth:SigningKey")]
    [InlineData("Auth__Authority", "not a url", "Auth:Authority")]
    [InlineData("Grains__CollectionAge", "00:00:00", "Grains:CollectionAge")]
    [InlineData("Grains__ResponseTimeout", "-00:00:01", "Grains:ResponseTimeout")]
    [InlineData("Grains__MaxConflictRetries", "0", "Grains:MaxConflictRetries")]
    [InlineData("Reminders__RefreshInterval", "00:00:00", "Reminders:RefreshInterval")]
    [InlineData("Deadlines__TimeZone", "Mars/Olympus_Mons", "Deadlines")]
    [InlineData("Deadlines__DueSoonDays", "-1", "Deadlines")]
    [InlineData("Otlp__Endpoint", "collector-without-scheme", "Otlp:Endpoint")]
    [InlineData("Otlp__Protocol", "carrier-pigeon", "Otlp:Protocol")]
    [InlineData("Otlp__ExportIntervalMilliseconds", "0", "Otlp:ExportIntervalMilliseconds")]
    [InlineData("RateLimit__PermitsPerMinute", "0", "RateLimit:PermitsPerMinute")]
    [InlineData("RateLimit__Burst", "abc", "RateLimit")]
    [InlineData("Orleans__SiloPort", "0", "Orleans:SiloPort")]
    [InlineData("Orleans__ClusterId", "two words", "Orleans:ClusterId")]
    [InlineData("Orleans__AdvertisedAddress", "0.0.0.0", "Orleans:AdvertisedAddress")]
    public async Task Every_options_class_refuses_a_bad_value_at_start_with_one_clear_line(string setting, string value, string expected)
    {
        var folder = ServerProcess.NewWorkingDirectory();
        await using var server = ServerProcess.Start(folder, new Dictionary<string, string>
        {
            [setting] = value,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ServerProcess.FreePort()}",
        });
        await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, server.ExitCode);
        var lines = server.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("casegrains: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_migrate_verb_prepares_a_database()
    {
        var connectionString = await TestStores.NewConnectionStringAsync(StoreKind.PostgreSql);
        var environment = new Dictionary<string, string> { ["Storage__Provider"] = "PostgreSql", ["Storage__ConnectionString"] = connectionString };
        var (exit, output, error) = await ServerProcess.RunAsync(ServerProcess.NewWorkingDirectory(), environment, "migrate");
        Assert.True(exit == 0, error);
        Assert.Contains("version", output, StringComparison.Ordinal);
        Assert.True((await TestStores.Open(StoreKind.PostgreSql, connectionString).CheckHealthAsync()).Ready);
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.PostgreSql)]
    public async Task A_killed_process_loses_no_acknowledged_registration(StoreKind kind)
    {
        var folder = ServerProcess.NewWorkingDirectory();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ServerProcess.FreePort()}",
            ["Auth__SigningKey"] = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 7 + 1)).ToArray()),
            ["RateLimit__PermitsPerMinute"] = "1000000",
            ["RateLimit__Burst"] = "100000",
            // A restarted silo comes back on its own ports, as under systemd: Orleans then knows the killed
            // incarnation is gone instead of waiting for it to answer.
            ["Orleans__SiloPort"] = ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (kind == StoreKind.PostgreSql)
        {
            environment["Storage__Provider"] = "PostgreSql";
            environment["Storage__ConnectionString"] = await TestStores.NewConnectionStringAsync(kind);
        }
        var address = new Uri(environment["ASPNETCORE_URLS"]);
        var key = Convert.FromBase64String(environment["Auth__SigningKey"]);
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Auth.TokenMinter.Mint(key, "admin"));

        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        await using (var server = ServerProcess.Start(folder, environment))
        {
            await server.WaitUntilUpAsync(address);
            (await client.PutAsJsonAsync("/api/townships/t1", new { name = "一镇", countyId = "c1" })).EnsureSuccessStatusCode();
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var answer = await client.PostAsJsonAsync("/api/townships/t1/petitions", new
                        {
                            channel = "letter", receivedAt = "2024-05-01T10:00:00+08:00", subject = "反映问题", summary = "内容",
                            category = "其他", petitioners = new[] { new { name = "李四" } },
                        });
                        if (answer.StatusCode == HttpStatusCode.Created)
                        {
                            acknowledged.Add(answer.Headers.Location!.OriginalString);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }
                    catch (TaskCanceledException)
                    {
                        return;
                    }
                }
            })).ToList();
            var enough = DateTime.UtcNow.AddSeconds(90);
            while (acknowledged.Count < 40)
            {
                Assert.True(DateTime.UtcNow < enough, $"only {acknowledged.Count} registrations acknowledged in 90 s: {server.Error}");
                Assert.False(server.HasExited, $"the server exited: {server.Error}");
                await Task.Delay(20);
            }
            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        await using var restarted = ServerProcess.Start(folder, environment);
        await restarted.WaitUntilUpAsync(address);
        foreach (var location in acknowledged)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(location)).StatusCode);
        }
        // Numbering continues after the highest stored number: no duplicate after a crash.
        var next = await client.PostAsJsonAsync("/api/townships/t1/petitions", new
        {
            channel = "letter", receivedAt = "2024-05-01T10:00:00+08:00", subject = "反映问题", summary = "内容",
            category = "其他", petitioners = new[] { new { name = "李四" } },
        });
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        Assert.DoesNotContain(next.Headers.Location!.OriginalString, acknowledged);
    }
}
