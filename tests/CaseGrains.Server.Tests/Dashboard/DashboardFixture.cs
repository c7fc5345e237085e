using CaseGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Orleans.Reminders;
using Orleans.TestingHost;

namespace CaseGrains.Server.Tests.Dashboard;

/// <summary>
/// The real clock moved by a fixed offset: it ticks in real time (so reminders fire when a deadline passes,
/// seconds after the test sets it near), but it can be placed anywhere, such as a few seconds before the end
/// of a deadline's day.
/// </summary>
internal sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
{
    private long _offsetTicks = (start - TimeProvider.System.GetUtcNow()).Ticks;

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>From now on the clock reads <paramref name="now"/> and goes on ticking; only ever forward, as a real clock would.</summary>
    public void MoveTo(DateTimeOffset now)
    {
        var offset = (now - TimeProvider.System.GetUtcNow()).Ticks;
        if (offset < Interlocked.Read(ref _offsetTicks))
        {
            throw new InvalidOperationException($"The clock only moves forward; it reads {GetUtcNow():O}.");
        }
        Interlocked.Exchange(ref _offsetTicks, offset);
    }
}

/// <summary>
/// One running service (the world of the API tests: two townships in one county, one in another) on a
/// loopback port, on a clock placed in 2024, and one headless Debian Chromium driven by Playwright.
/// Shared by the browser tests of one store; each test opens a context (a fresh tab and session) of its own.
/// </summary>
public abstract class DashboardFixture(StoreKind kind) : IAsyncLifetime
{
    /// <summary>The day the clock starts on (10:00 Shanghai time); the tests' deadlines fall on it.</summary>
    public static readonly DateOnly Day = new(2024, 6, 20);

    public static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    public StoreKind Kind { get; } = kind;

    internal ShiftedClock Clock { get; } = new(new DateTimeOffset(Day.ToDateTime(new TimeOnly(10, 0)), Shanghai));

    internal ApiWorld World { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        World = await ApiWorld.StartAsync(Kind, services =>
        {
            // Grains, endpoints and Orleans' reminders read the shifted clock; Orleans' own housekeeping keeps real time.
            services.AddSingleton<TimeProvider>(Clock);
            services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, Clock);
        });
        using (var probe = World.App.CreateClient())
        {
            BaseAddress = probe.BaseAddress!;
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            // Debian's chromium package; Playwright downloads no browser.
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu"],
        });
    }

    /// <summary>A fresh browser context (its own session storage) at a width: 1280×800 for a desk, 390×844 for a phone.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (World is not null)
        {
            await World.DisposeAsync();
        }
    }
}

public sealed class SqliteDashboardFixture() : DashboardFixture(StoreKind.Sqlite);

public sealed class PostgreSqlDashboardFixture() : DashboardFixture(StoreKind.PostgreSql);
