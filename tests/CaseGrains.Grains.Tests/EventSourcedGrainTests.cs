using System.Text.Json;
using CaseGrains.Testing;

namespace CaseGrains.Grains.Tests;

/// <summary>The event-sourced grain's guarantees on Orleans (turns, durability, races, collection, snapshots) on both stores.</summary>
public abstract class EventSourcedGrainTests(StoreKind kind) : GrainTestBase(kind)
{
    private static string CommandId(string payload) => JsonDocument.Parse(payload).RootElement.GetProperty("commandId").GetString()!;

    [Fact]
    public async Task A_thousand_concurrent_commands_on_one_grain_apply_exactly_once_in_one_order()
    {
        var grain = (await NewHostAsync("a")).GetGrain<ICounterGrain>("hot");

        var versions = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(() => grain.Add($"cmd-{i}", 1))));

        Assert.Equal(Enumerable.Range(1, 1000).Select(v => (long)v), versions.Order());
        var state = await grain.Get();
        Assert.Equal(1000, state.Total);
        Assert.Equal(1000, state.Applied.Distinct().Count());
        var stored = await Store.ReadStreamAsync("counter/hot", 0);
        Assert.Equal(Enumerable.Range(1, 1000).Select(v => (long)v), stored.Select(e => e.Version));
        // The order in storage is the order the turns ran in: each caller's answer is its event's version.
        var byCommand = stored.ToDictionary(e => CommandId(e.Payload), e => e.Version);
        Assert.All(Enumerable.Range(0, 1000), i => Assert.Equal(versions[i], byCommand[$"cmd-{i}"]));
        Assert.Equal(state.Applied, stored.Select(e => CommandId(e.Payload)));
    }

    [Fact]
    public async Task Two_nodes_racing_on_one_grain_lose_and_duplicate_nothing()
    {
        var a = (await NewHostAsync("a")).GetGrain<ICounterGrain>("shared");
        var b = (await NewHostAsync("b")).GetGrain<ICounterGrain>("shared");

        // A command that keeps losing the race answers a retryable clash (409 over HTTP); the caller retries it, and the
        // command id makes the retry safe.
        async Task AddWithRetriesAsync(ICounterGrain grain, string id)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await grain.Add(id, 1);
                    return;
                }
                catch (Storage.StreamVersionConflictException) when (attempt < 20)
                {
                    await Task.Delay(Random.Shared.Next(10, 50));
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => AddWithRetriesAsync(i % 2 == 0 ? a : b, $"cmd-{i}"))));

        var stored = await Store.ReadStreamAsync("counter/shared", 0);
        Assert.Equal(300, stored.Count);
        Assert.Equal(Enumerable.Range(1, 300).Select(v => (long)v), stored.Select(e => e.Version));
        Assert.Equal(300, stored.Select(e => CommandId(e.Payload)).Distinct().Count());
        // Each node catches up on its next command and sees everything.
        await a.Add("final-a", 0);
        Assert.Equal(301, (await a.Get()).Applied.Count);
        await b.Add("final-b", 0);
        Assert.Equal(302, (await b.Get()).Applied.Count);
        Assert.Equal(302, (await Store.GetIndexRowAsync("counter/shared"))!.Version);
    }

    [Fact]
    public async Task A_loser_re_decides_against_the_winners_state()
    {
        var a = (await NewHostAsync("a")).GetGrain<ICounterGrain>("dedupe");
        var b = (await NewHostAsync("b")).GetGrain<ICounterGrain>("dedupe");
        await a.Add("warm-up", 1);
        await b.Add("warm-up-b", 1);

        // Node a is behind; the same command id through a must be recognised as already applied after the re-read.
        await b.Add("once", 5);
        Assert.Equal(-1, await a.Add("once", 5));
        Assert.Equal(7, (await a.Get()).Total);
        Assert.Equal(3, (await Store.ReadStreamAsync("counter/dedupe", 0)).Count);
    }

    [Fact]
    public async Task Idle_activations_are_collected_and_come_back_with_identical_state_from_their_snapshot()
    {
        var host = await NewHostAsync("a");
        var grain = host.GetGrain<ICounterGrain>("idle");
        for (var i = 0; i < 5; i++)
        {
            await grain.Add($"c{i}", i);
        }
        var before = await grain.Get();

        Assert.Equal(0, await host.CollectIdleActivationsAsync(TimeSpan.FromHours(1)));
        Assert.Equal(1, await host.CollectIdleActivationsAsync(TimeSpan.Zero));
        Assert.Equal(0, await host.ActivationCountAsync());
        var row = (await Store.GetIndexRowAsync("counter/idle"))!;
        Assert.Equal(JsonSerializer.Serialize(before, EventSourcing.GrainJson.Options), row.Entry.State);

        var after = await grain.Get();
        Assert.Equal(before.Total, after.Total);
        Assert.Equal(before.Applied, after.Applied);
        Assert.Equal(5, await grain.GetVersion());
        Assert.Equal(1, await host.ActivationCountAsync());

        // The snapshot is what a reactivation reads, not the stream: make it say something the events do not, and the grain says it too.
        Assert.Equal(1, await TestStores.ExecuteAsync(Kind, ConnectionString,
            """UPDATE grain_index SET state = '{"total":999,"applied":["c0"]}' WHERE stream_id = 'counter/idle'"""));
        Assert.Equal(1, await host.CollectIdleActivationsAsync(TimeSpan.Zero));
        Assert.Equal(999, (await grain.Get()).Total);
    }

    [Fact]
    public async Task A_grain_that_asks_to_be_deactivated_is_collected_and_comes_back_on_the_next_call()
    {
        var host = await NewHostAsync("a");
        var grain = host.GetGrain<ICounterGrain>("retiring");
        await grain.Add("a", 1);

        // Calls queued behind the request still run, in this activation or (if they arrive after it closed) in a new one.
        await Task.WhenAll(grain.Retire(), grain.Add("b", 1));
        await grain.Retire();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await host.ActivationCountAsync() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.Equal(0, await host.ActivationCountAsync());
        Assert.Equal(2, (await grain.Get()).Total);
        Assert.Equal(1, await host.ActivationCountAsync());
    }

    [Fact]
    public async Task A_grain_failure_reaches_the_caller_and_the_activation_lives_on()
    {
        var grain = (await NewHostAsync("a")).GetGrain<ICounterGrain>("faulty");
        await grain.Add("a", 1);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Fail("boom"));
        Assert.Equal("boom", error.Message);
        Assert.Equal(2, await grain.Add("b", 1));
    }

    [Fact]
    public async Task An_activation_ahead_of_a_database_that_lost_writes_reloads_instead_of_refusing_forever()
    {
        var grain = (await NewHostAsync("a")).GetGrain<ICounterGrain>("rewound");
        await grain.Add("a", 1);
        await grain.Add("b", 1);
        await grain.Add("c", 1);
        // The database forgets the last commit (a fail-over to a replica that lagged behind).
        await TestStores.ExecuteAsync(Kind, ConnectionString, "DELETE FROM grain_events WHERE stream_id = 'counter/rewound' AND version = 3");
        await TestStores.ExecuteAsync(Kind, ConnectionString,
            """UPDATE grain_index SET version = 2, state = '{"total":2,"applied":["a","b"]}' WHERE stream_id = 'counter/rewound'""");

        Assert.Equal(3, await grain.Add("d", 1));
        Assert.Equal(["a", "b", "d"], (await grain.Get()).Applied);
        Assert.Equal(["a", "b", "d"], (await Store.ReadStreamAsync("counter/rewound", 0)).Select(e => CommandId(e.Payload)));
    }

    [Fact]
    public async Task The_current_state_row_and_its_snapshot_are_written_with_the_events()
    {
        var grain = (await NewHostAsync("a")).GetGrain<ICounterGrain>("indexed");
        await grain.Add("one", 1);
        await grain.Add("two", 2);

        var row = await Store.GetIndexRowAsync("counter/indexed");
        Assert.Equal(2, row!.Version);
        Assert.Equal("odd", row.Entry.Status);
        Assert.Equal("""{"total":3}""", row.Entry.Summary);
        Assert.Equal(JsonSerializer.Serialize(await grain.Get(), EventSourcing.GrainJson.Options), row.Entry.State);
    }
}

public sealed class SqliteEventSourcedGrainTests() : EventSourcedGrainTests(StoreKind.Sqlite);

public sealed class PostgresEventSourcedGrainTests() : EventSourcedGrainTests(StoreKind.PostgreSql);
