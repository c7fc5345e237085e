using CaseGrains.Storage;
using CaseGrains.Testing;

namespace CaseGrains.Storage.Tests;

/// <summary>
/// The storage conformance kit: every test here runs against SQLite and PostgreSQL alike.
/// A store that passes it can carry the grains (the SQL of Orleans' providers has its own suite).
/// </summary>
public abstract class StoreConformanceTests(StoreKind kind) : IAsyncLifetime
{
    private AdoNetCaseStore _store = null!;
    private static readonly DateTimeOffset T0 = new(2024, 3, 5, 1, 30, 0, TimeSpan.Zero);

    public async Task InitializeAsync() => (_store, _) = await TestStores.CreateAsync(kind);

    public async Task DisposeAsync()
    {
        if (_store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    private static NewEvent Event(string type, string payload = "{}", string? actor = "officer-1") => new(type, payload, T0, actor);

    private static IndexEntry Entry(string status = "registered", string partition = "t1", string? owner = null, DateTimeOffset? due = null, DateTimeOffset? created = null, int period = 2024)
        => new("petition", partition, status, period, owner, due, created ?? T0, $$"""{"status":"{{status}}"}""");

    [Fact]
    public async Task Appended_events_read_back_in_order_with_metadata()
    {
        await _store.AppendAsync(new AppendRequest("petition/t1/1", 0, [Event("a", """{"x":1}"""), Event("b", """{"x":"中文"}""", null)]));
        await _store.AppendAsync(new AppendRequest("petition/t1/1", 2, [Event("c")]));

        var events = await _store.ReadStreamAsync("petition/t1/1", 0);
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Version));
        Assert.Equal(["a", "b", "c"], events.Select(e => e.EventType));
        Assert.Equal("""{"x":"中文"}""", events[1].Payload);
        Assert.Equal("officer-1", events[0].Actor);
        Assert.Null(events[1].Actor);
        Assert.Equal(T0, events[0].OccurredAt);
        Assert.Equal([3L], (await _store.ReadStreamAsync("petition/t1/1", 2)).Select(e => e.Version));
        Assert.Empty(await _store.ReadStreamAsync("petition/t1/unknown", 0));
    }

    [Fact]
    public async Task A_stale_expected_version_is_a_conflict_and_writes_nothing()
    {
        var key = new IdempotencyRecord("officer-1|POST /api/townships/t1/petitions", "k-1", "hash", 201, "/api/townships/t1/petitions/1", "", T0);
        await _store.AppendAsync(new AppendRequest("s", 0, [Event("a")], Entry("registered") with { State = """{"v":1}""" }));

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() =>
            _store.AppendAsync(new AppendRequest("s", 0, [Event("b"), Event("c")], Entry("accepted") with { State = """{"v":3}""" }, key,
                [new AccessLogEntry(T0, "officer-1", "officer", "t1", "t1/1", "command")])));

        Assert.Equal("s", conflict.StreamId);
        Assert.Equal(["a"], (await _store.ReadStreamAsync("s", 0)).Select(e => e.EventType));
        var row = await _store.GetIndexRowAsync("s");
        Assert.Equal("registered", row!.Entry.Status);
        Assert.Equal("""{"v":1}""", row.Entry.State);
        Assert.Equal(1, row.Version);
        // Nothing the losing command carried was written: neither its idempotency key nor its access-log row.
        Assert.Null(await _store.GetIdempotencyRecordAsync(key.Scope, key.Key));
        Assert.Empty(await _store.ReadAccessLogAsync("t1", 10));
    }

    [Fact]
    public async Task Concurrent_appends_at_one_version_let_exactly_one_win()
    {
        await _store.AppendAsync(new AppendRequest("race", 0, [Event("first")], Entry()));
        var attempts = Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                await _store.AppendAsync(new AppendRequest("race", 1, [Event($"writer-{i}")], Entry($"s{i}")));
                return true;
            }
            catch (StreamVersionConflictException)
            {
                return false;
            }
        });

        var outcomes = await Task.WhenAll(attempts);

        Assert.Single(outcomes, won => won);
        var events = await _store.ReadStreamAsync("race", 0);
        Assert.Equal(2, events.Count);
        var row = await _store.GetIndexRowAsync("race");
        Assert.Equal(events[1].EventType, "writer-" + row!.Entry.Status[1..]);
        Assert.Equal(2, row.Version);
    }

    [Fact]
    public async Task Index_rows_filter_page_and_sort_newest_first()
    {
        for (var i = 1; i <= 7; i++)
        {
            await _store.AppendAsync(new AppendRequest($"petition/t{(i % 2) + 1}/{i}", 0, [Event("a")],
                Entry(i <= 3 ? "accepted" : "registered", $"t{(i % 2) + 1}", i % 3 == 0 ? "leader-1" : null, T0.AddDays(i), T0.AddHours(i), i == 7 ? 2023 : 2024)));
        }

        var all = await _store.QueryIndexAsync(new IndexQuery("petition"));
        Assert.Equal(7, all.Total);
        Assert.Equal(Enumerable.Range(1, 7).Reverse().Select(i => $"petition/t{(i % 2) + 1}/{i}"), all.Rows.Select(r => r.StreamId));

        var page = await _store.QueryIndexAsync(new IndexQuery("petition") { Skip = 2, Take = 2 });
        Assert.Equal(7, page.Total);
        Assert.Equal(["petition/t2/5", "petition/t1/4"], page.Rows.Select(r => r.StreamId));

        Assert.Equal(4, (await _store.QueryIndexAsync(new IndexQuery("petition") { Partitions = ["t2"] })).Total);
        Assert.Equal(7, (await _store.QueryIndexAsync(new IndexQuery("petition") { Partitions = ["t1", "t2"] })).Total);
        Assert.Equal(0, (await _store.QueryIndexAsync(new IndexQuery("petition") { Partitions = [] })).Total);
        Assert.Equal(3, (await _store.QueryIndexAsync(new IndexQuery("petition") { Status = "accepted" })).Total);
        Assert.Equal(2, (await _store.QueryIndexAsync(new IndexQuery("petition") { Owner = "leader-1" })).Total);
        Assert.Equal(1, (await _store.QueryIndexAsync(new IndexQuery("petition") { Period = 2023 })).Total);
        Assert.Equal(3, (await _store.QueryIndexAsync(new IndexQuery("petition") { DueAtOrBefore = T0.AddDays(3) })).Total);
        Assert.Equal(4, (await _store.QueryIndexAsync(new IndexQuery("petition") { NotDueBy = T0.AddDays(3) })).Total);
        Assert.Equal(0, (await _store.QueryIndexAsync(new IndexQuery("dispute"))).Total);

        var row = all.Rows.Single(r => r.StreamId == "petition/t1/6");
        Assert.Equal(T0.AddDays(6), row.Entry.DueAt);
        Assert.Equal(T0.AddHours(6), row.Entry.CreatedAt);
        Assert.Equal("""{"status":"registered"}""", row.Entry.Summary);
    }

    [Fact]
    public async Task The_index_row_follows_every_append()
    {
        await _store.AppendAsync(new AppendRequest("p", 0, [Event("a")], Entry("registered")));
        await _store.AppendAsync(new AppendRequest("p", 1, [Event("b"), Event("c")], Entry("accepted", owner: "l1", due: T0.AddDays(60))));

        var row = await _store.GetIndexRowAsync("p");
        Assert.Equal(3, row!.Version);
        Assert.Equal("accepted", row.Entry.Status);
        Assert.Equal("l1", row.Entry.Owner);
        Assert.Equal(T0.AddDays(60), row.Entry.DueAt);
        Assert.Null(await _store.GetIndexRowAsync("missing"));
    }

    [Fact]
    public async Task An_idempotency_key_is_taken_with_the_events_and_only_once()
    {
        var first = new IdempotencyRecord("officer-1|POST /api/townships/t1/petitions", "key-1", "hash-a", 201, "/api/townships/t1/petitions/2024-XF-0001", "", T0);
        var access = new AccessLogEntry(T0, "officer-1", "officer", "t1", "t1/2024-XF-0001", "register");
        Assert.Null(await _store.GetIdempotencyRecordAsync(first.Scope, first.Key));

        await _store.AppendAsync(new AppendRequest("petition/t1/2024-XF-0001", 0, [Event("registered")], Entry(), first, [access]));
        Assert.Equal(first, await _store.GetIdempotencyRecordAsync(first.Scope, first.Key));
        Assert.Equal([access], await _store.ReadAccessLogAsync("t1", 10));

        // A second request with the same key, deciding on another number, creates nothing at all.
        var second = first with { Location = "/api/townships/t1/petitions/2024-XF-0002" };
        var taken = await Assert.ThrowsAsync<IdempotencyKeyTakenException>(() =>
            _store.AppendAsync(new AppendRequest("petition/t1/2024-XF-0002", 0, [Event("registered")], Entry(), second, [access with { StreamId = "t1/2024-XF-0002" }])));
        Assert.Equal(first.Key, taken.Key);
        Assert.Empty(await _store.ReadStreamAsync("petition/t1/2024-XF-0002", 0));
        Assert.Null(await _store.GetIndexRowAsync("petition/t1/2024-XF-0002"));
        Assert.Equal(first, await _store.GetIdempotencyRecordAsync(first.Scope, first.Key));
        Assert.Single(await _store.ReadAccessLogAsync("t1", 10));
        // Keys are per caller and route.
        Assert.Null(await _store.GetIdempotencyRecordAsync("officer-2|POST /api/townships/t1/petitions", first.Key));
    }

    [Fact]
    public async Task The_access_log_keeps_reads_newest_first_per_township()
    {
        await _store.AppendAccessLogAsync([new AccessLogEntry(T0, "officer-1", "officer", "t1", "petition/t1/2024-XF-0001", "view")]);
        await _store.AppendAccessLogAsync([
            new AccessLogEntry(T0.AddMinutes(1), "admin-1", "admin", "t2", "petition/t2/2024-XF-0001", "events"),
            new AccessLogEntry(T0.AddMinutes(2), "officer-1", "officer", "t1", "dispute/t1/2024-JF-0001", "view")]);
        await _store.AppendAccessLogAsync([]);

        var t1 = await _store.ReadAccessLogAsync("t1", 10);
        Assert.Equal(["dispute/t1/2024-JF-0001", "petition/t1/2024-XF-0001"], t1.Select(e => e.StreamId));
        Assert.Equal(T0.AddMinutes(2), t1[0].At);
        Assert.Equal(2, (await _store.ReadAccessLogAsync(null, 2)).Count);
    }

    [Fact]
    public async Task Migrations_are_versioned_and_idempotent()
    {
        await _store.MigrateAsync();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _store.MigrateAsync()));
        var health = await _store.CheckHealthAsync();
        Assert.True(health.Ready);
        Assert.Equal(_store.ExpectedSchemaVersion, health.SchemaVersion);
    }

    [Fact]
    public async Task An_unmigrated_database_is_reachable_but_not_ready()
    {
        var fresh = TestStores.Open(kind, await TestStores.NewConnectionStringAsync(kind));
        var health = await fresh.CheckHealthAsync();
        Assert.True(health.Reachable);
        Assert.False(health.Ready);
        await fresh.MigrateAsync();
        Assert.True((await fresh.CheckHealthAsync()).Ready);
    }
}

public sealed class SqliteStoreConformanceTests() : StoreConformanceTests(StoreKind.Sqlite);

public sealed class PostgresStoreConformanceTests() : StoreConformanceTests(StoreKind.PostgreSql);
