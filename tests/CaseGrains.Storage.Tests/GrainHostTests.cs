using CaseGrains.Runtime.Hosting;
using CaseGrains.Runtime.Reminders;
using CaseGrains.Storage;
using CaseGrains.Testing;

namespace CaseGrains.Storage.Tests;

/// <summary>The host's guarantees (turns, durability, races, collection, reminders) on both stores.</summary>
public abstract class GrainHostTests(StoreKind kind) : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private readonly List<GrainHost> _hosts = [];
    private AdoNetCaseStore _store = null!;
    private string _connectionString = "";

    public async Task InitializeAsync() => (_store, _connectionString) = await TestStores.CreateAsync(kind);

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    private GrainHost NewHost(string node, ICaseStore? store = null)
    {
        var host = TestHosts.Create(store ?? _store, CounterGrains.Register, _time, node,
            new GrainOptions { CollectionAge = TimeSpan.FromMinutes(10) },
            new ReminderOptions { LeaseDuration = TimeSpan.FromMinutes(1), RetryDelay = TimeSpan.FromSeconds(5) });
        _hosts.Add(host);
        return host;
    }

    [Fact]
    public async Task A_thousand_concurrent_commands_on_one_grain_apply_exactly_once_in_one_order()
    {
        var grain = NewHost("a").GetGrain<ICounterGrain>("hot");

        var versions = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(() => grain.Add($"cmd-{i}", 1))));

        Assert.Equal(Enumerable.Range(1, 1000).Select(v => (long)v), versions.Order());
        var state = await grain.Get();
        Assert.Equal(1000, state.Total);
        Assert.Equal(1000, state.Applied.Distinct().Count());
        var stored = await _store.ReadStreamAsync("counter/hot", 0);
        Assert.Equal(Enumerable.Range(1, 1000).Select(v => (long)v), stored.Select(e => e.Version));
        // The order in storage is the order the turns ran in: each caller's answer is its event's version.
        var byCommand = stored.ToDictionary(e => System.Text.Json.JsonDocument.Parse(e.Payload).RootElement.GetProperty("commandId").GetString()!, e => e.Version);
        Assert.All(Enumerable.Range(0, 1000), i => Assert.Equal(versions[i], byCommand[$"cmd-{i}"]));
        Assert.Equal(state.Applied, stored.Select(e => System.Text.Json.JsonDocument.Parse(e.Payload).RootElement.GetProperty("commandId").GetString()));
    }

    [Fact]
    public async Task Two_hosts_racing_on_one_grain_lose_and_duplicate_nothing()
    {
        var a = NewHost("a").GetGrain<ICounterGrain>("shared");
        var b = NewHost("b").GetGrain<ICounterGrain>("shared");

        var commands = Enumerable.Range(0, 300).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).Add($"cmd-{i}", 1)));
        await Task.WhenAll(commands);

        var stored = await _store.ReadStreamAsync("counter/shared", 0);
        Assert.Equal(300, stored.Count);
        Assert.Equal(Enumerable.Range(1, 300).Select(v => (long)v), stored.Select(e => e.Version));
        var ids = stored.Select(e => System.Text.Json.JsonDocument.Parse(e.Payload).RootElement.GetProperty("commandId").GetString()).ToList();
        Assert.Equal(300, ids.Distinct().Count());
        // Each host catches up on its next command and sees everything.
        await a.Add("final-a", 0);
        Assert.Equal(301, (await a.Get()).Applied.Count);
        await b.Add("final-b", 0);
        Assert.Equal(302, (await b.Get()).Applied.Count);
        Assert.Equal(302, (await _store.GetIndexRowAsync("counter/shared"))!.Version);
    }

    [Fact]
    public async Task A_loser_re_decides_against_the_winners_state()
    {
        var a = NewHost("a").GetGrain<ICounterGrain>("dedupe");
        var b = NewHost("b").GetGrain<ICounterGrain>("dedupe");
        await a.Add("warm-up", 1);
        await b.Add("warm-up-b", 1);

        // Host a is behind; the same command id through a must be recognised as already applied after the re-read.
        await b.Add("once", 5);
        Assert.Equal(-1, await a.Add("once", 5));
        Assert.Equal(7, (await a.Get()).Total);
        Assert.Equal(3, (await _store.ReadStreamAsync("counter/dedupe", 0)).Count);
    }

    [Fact]
    public async Task Idle_activations_are_collected_and_come_back_with_identical_state()
    {
        var host = NewHost("a");
        var grain = host.GetGrain<ICounterGrain>("idle");
        for (var i = 0; i < 5; i++)
        {
            await grain.Add($"c{i}", i);
        }
        var before = await grain.Get();
        _ = host.GetGrain<ICounterGrain>("busy").Add("x", 1);

        Assert.Equal(0, await host.CollectIdleActivationsAsync());
        _time.Advance(TimeSpan.FromMinutes(11));
        await host.GetGrain<ICounterGrain>("busy").Add("y", 1);
        Assert.Equal(1, await host.CollectIdleActivationsAsync());
        Assert.Equal(1, host.ActivationCount);

        var after = await grain.Get();
        Assert.Equal(before.Total, after.Total);
        Assert.Equal(before.Applied, after.Applied);
        Assert.Equal(5, await grain.GetVersion());
        Assert.Equal(2, host.ActivationCount);
    }

    [Fact]
    public async Task A_grain_that_asks_to_be_deactivated_is_collected_and_comes_back_on_the_next_call()
    {
        var host = NewHost("a");
        var grain = host.GetGrain<ICounterGrain>("retiring");
        await grain.Add("a", 1);

        // Calls queued behind the request still run, in this activation or (if they arrive after it closed) in a new one.
        await Task.WhenAll(grain.Retire(), grain.Add("b", 1));
        await grain.Retire();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (host.ActivationCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        Assert.Equal(0, host.ActivationCount);
        Assert.Equal(2, (await grain.Get()).Total);
        Assert.Equal(1, host.ActivationCount);
    }

    [Fact]
    public async Task A_grain_failure_reaches_the_caller_and_the_activation_lives_on()
    {
        var grain = NewHost("a").GetGrain<ICounterGrain>("faulty");
        await grain.Add("a", 1);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Fail("boom"));
        Assert.Equal("boom", error.Message);
        Assert.Equal(2, (await grain.Add("b", 1)));
    }

    [Fact]
    public async Task A_reminder_survives_a_restart_and_fires_once_with_its_lateness()
    {
        var due = _time.GetUtcNow().AddHours(1);
        var first = NewHost("a");
        await first.GetGrain<ICounterGrain>("r").ArmDeadline(due);
        Assert.Equal(0, await first.Reminders.PollOnceAsync());
        await first.DisposeAsync();

        // An outage: the node comes back two hours later and fires the missed reminder at once.
        _time.Advance(TimeSpan.FromHours(3));
        var second = NewHost("b");
        Assert.Equal(1, await second.Reminders.PollOnceAsync());
        Assert.Equal(0, await second.Reminders.PollOnceAsync());

        var state = await second.GetGrain<ICounterGrain>("r").Get();
        Assert.Equal([due], state.DeadlineFirings);
        Assert.Equal(TimeSpan.FromHours(2).TotalSeconds, state.LastLatenessSeconds, 3);
        Assert.Null(await _store.GetReminderAsync(new ReminderKey("counter", "r", CounterGrain.DeadlineReminder)));
    }

    [Fact]
    public async Task Reminders_fire_once_per_arming_across_two_hosts()
    {
        var a = NewHost("a");
        var b = NewHost("b");
        var due = _time.GetUtcNow().AddMinutes(5);
        for (var i = 0; i < 30; i++)
        {
            await a.GetGrain<ICounterGrain>($"g{i}").ArmDeadline(due);
        }
        _time.Advance(TimeSpan.FromMinutes(6));

        var fired = await Task.WhenAll(a.Reminders.PollOnceAsync(), b.Reminders.PollOnceAsync(), a.Reminders.PollOnceAsync(), b.Reminders.PollOnceAsync());

        Assert.Equal(30, fired.Sum());
        for (var i = 0; i < 30; i++)
        {
            var events = await _store.ReadStreamAsync($"counter/g{i}", 0);
            Assert.Single(events, e => e.EventType == "deadlineFired");
        }
    }

    [Fact]
    public async Task A_reminder_leased_by_a_dead_node_fires_after_its_lease_and_the_handler_stays_idempotent()
    {
        var host = NewHost("a");
        var grain = host.GetGrain<ICounterGrain>("crash");
        var due = _time.GetUtcNow().AddMinutes(1);
        await grain.ArmDeadline(due);
        _time.Advance(TimeSpan.FromMinutes(2));

        // A node leased the reminder, then died before delivering it: the lease holds it back, then it runs out.
        var leased = Assert.Single(await _store.LeaseDueRemindersAsync("dead-node", _time.GetUtcNow(), _time.GetUtcNow().AddMinutes(1), 10));
        Assert.Equal(0, await host.Reminders.PollOnceAsync());
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await host.Reminders.PollOnceAsync());

        // A second delivery of the same arming (the dead node had delivered it after all) changes nothing.
        await grain.ReceiveReminderThroughHost(host, leased);

        var state = await grain.Get();
        Assert.Single(state.DeadlineFirings);
        Assert.Single((await _store.ReadStreamAsync("counter/crash", 0)), e => e.EventType == "deadlineFired");
    }

    [Fact]
    public async Task A_failing_reminder_handler_is_retried_later()
    {
        var host = NewHost("a");
        await host.GetGrain<ICounterGrain>("plain").ArmRaw("unknown-reminder", _time.GetUtcNow());
        // The counter ignores unknown reminders, so this fires and completes.
        Assert.Equal(1, await host.Reminders.PollOnceAsync());

        await _store.UpsertReminderAsync(new ReminderKey("unregistered-type", "k", "x"), _time.GetUtcNow());
        Assert.Equal(0, await host.Reminders.PollOnceAsync());
        Assert.NotNull(await _store.GetReminderAsync(new ReminderKey("unregistered-type", "k", "x")));
        Assert.Equal(0, await host.Reminders.PollOnceAsync());
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(0, await host.Reminders.PollOnceAsync());
        var row = await _store.GetReminderAsync(new ReminderKey("unregistered-type", "k", "x"));
        Assert.NotNull(row!.LeaseUntil);
    }

    [Fact]
    public async Task The_current_state_row_and_reminder_are_written_with_the_events()
    {
        var grain = NewHost("a").GetGrain<ICounterGrain>("indexed");
        var due = _time.GetUtcNow().AddDays(15);
        await grain.Add("one", 1);
        await grain.ArmDeadline(due);

        var row = await _store.GetIndexRowAsync("counter/indexed");
        Assert.Equal(2, row!.Version);
        Assert.Equal("odd", row.Entry.Status);
        Assert.Equal(due, row.Entry.DueAt);
        Assert.Equal(due, (await _store.GetReminderAsync(new ReminderKey("counter", "indexed", CounterGrain.DeadlineReminder)))!.DueAt);
    }
}

internal static class ReminderTestExtensions
{
    /// <summary>Delivers a leased reminder the way a node does, without completing it (as if the node then died).</summary>
    public static Task ReceiveReminderThroughHost(this ICounterGrain grain, GrainHost host, ReminderRow reminder)
        => host.InvokeAsync(new GrainId(reminder.Key.GrainType, reminder.Key.GrainKey), "ReceiveReminder", async g =>
        {
            await ((IRemindable)g).ReceiveReminder(reminder.Key.Name, new ReminderTick(reminder.DueAt, host.TimeProvider.GetUtcNow()));
            return true;
        });
}

public sealed class SqliteGrainHostTests() : GrainHostTests(StoreKind.Sqlite);

public sealed class PostgresGrainHostTests() : GrainHostTests(StoreKind.PostgreSql);
