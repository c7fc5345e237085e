using CaseGrains.Testing;
using Orleans;
using Orleans.Runtime;

namespace CaseGrains.Storage.Tests;

/// <summary>
/// Orleans' ADO.NET reminder provider on our tables and statements: upserts with etags, reads by grain, by
/// name and by slice of the hash ring (signed 32-bit, wrapped or not), removal at an etag, and clearing a service.
/// </summary>
public abstract class OrleansReminderTests(StoreKind kind) : IAsyncLifetime
{
    private AdoNetCaseStore _store = null!;
    private string _connectionString = "";
    private readonly List<IAsyncDisposable> _owned = [];

    public async Task InitializeAsync() => (_store, _connectionString) = await TestStores.CreateAsync(kind);

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
        if (_store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    private async Task<IReminderTable> TableAsync(string? serviceId = null)
    {
        var host = OrleansProviderHost.Create(_store, _connectionString, serviceId: serviceId);
        _owned.Add(host);
        return await host.ReminderTableAsync();
    }

    private static GrainId NewGrain() => GrainId.Create(GrainType.Create("deadline-timer"), GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid(), "t1/2024-XF-0001"));

    private static ReminderEntry Reminder(GrainId grain, string name, TimeSpan? period = null, int startSeconds = 0) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = StoredTime.Sample(startSeconds),
        Period = period ?? TimeSpan.FromMinutes(5),
    };

    [Fact]
    public async Task Every_upsert_returns_a_new_etag_and_a_read_returns_what_was_written()
    {
        var table = await TableAsync();
        var grain = NewGrain();
        // Longer than int.MaxValue milliseconds: Orleans passes the period as a long then.
        var reminder = Reminder(grain, "受理期限 'overdue'", TimeSpan.FromDays(40));

        var first = await table.UpsertRow(reminder);
        var read = await table.ReadRow(grain, reminder.ReminderName);
        Assert.NotNull(read);
        Assert.Equal(first, read.ETag);
        Assert.Equal(grain, read.GrainId);
        Assert.Equal(reminder.ReminderName, read.ReminderName);
        Assert.Equal(TimeSpan.FromDays(40), read.Period);
        Assert.Equal(StoredTime.Of(kind, reminder.StartAt), read.StartAt);
        Assert.Equal(DateTimeKind.Utc, read.StartAt.Kind);

        reminder.StartAt = StoredTime.Sample(60);
        reminder.Period = TimeSpan.FromSeconds(30);
        var second = await table.UpsertRow(reminder);
        Assert.NotEqual(first, second);
        var reread = await table.ReadRow(grain, reminder.ReminderName);
        Assert.Equal(second, reread!.ETag);
        Assert.Equal(TimeSpan.FromSeconds(30), reread.Period);
        Assert.Equal(StoredTime.Of(kind, StoredTime.Sample(60)), reread.StartAt);

        Assert.Null(await table.ReadRow(grain, "no such reminder"));
    }

    [Fact]
    public async Task Concurrent_upserts_of_one_reminder_each_get_their_own_etag()
    {
        var table = await TableAsync();
        var grain = NewGrain();

        var etags = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => table.UpsertRow(Reminder(grain, "r", startSeconds: i)))));

        Assert.Equal(10, etags.Distinct().Count());
        Assert.Contains((await table.ReadRow(grain, "r"))!.ETag, etags);
    }

    [Fact]
    public async Task Reading_by_grain_returns_that_grains_reminders_only()
    {
        var table = await TableAsync();
        var (a, b) = (NewGrain(), NewGrain());
        await table.UpsertRow(Reminder(a, "one"));
        await table.UpsertRow(Reminder(a, "two"));
        await table.UpsertRow(Reminder(b, "one"));

        var rows = await table.ReadRows(a);

        Assert.Equal(["one", "two"], rows.Reminders.Select(r => r.ReminderName).Order());
        Assert.All(rows.Reminders, r => Assert.Equal(a, r.GrainId));
        Assert.Empty((await table.ReadRows(NewGrain())).Reminders);
    }

    [Fact]
    public async Task Reading_a_slice_of_the_ring_follows_orleans_unsigned_ring_in_every_shape()
    {
        var table = await TableAsync();
        var grains = Enumerable.Range(0, 48).Select(_ => NewGrain()).ToList();
        foreach (var grain in grains)
        {
            await table.UpsertRow(Reminder(grain, "r"));
        }
        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToArray();
        Assert.Contains(hashes, h => h > int.MaxValue);
        Assert.Contains(hashes, h => h <= int.MaxValue);
        var highest = hashes[^1];
        var lowAbove = hashes.First(h => h > int.MaxValue);
        var highBelow = hashes.Last(h => h <= int.MaxValue);

        (uint Begin, uint End)[] slices =
        [
            (0, uint.MaxValue),                 // everything but hash 0
            (0, 0),                             // begin = end: the whole ring
            (hashes[10], hashes[10]),           // the whole ring again, away from zero
            (hashes[5], hashes[30]),            // plain slice
            (hashes[40], hashes[8]),            // wraps past the top
            (highBelow, lowAbove),              // crosses int.MaxValue: unsigned order differs from signed
            (highBelow - 1, highest),           // from below to the top of the unsigned range
            (lowAbove, hashes[2]),              // starts above int.MaxValue and wraps
            (lowAbove - 1, highest - 1),        // both ends above int.MaxValue
            (highest, uint.MaxValue),           // nothing
        ];
        foreach (var (begin, end) in slices)
        {
            var expected = begin < end
                ? hashes.Where(h => h > begin && h <= end)
                : hashes.Where(h => h > begin || h <= end);

            var rows = await table.ReadRows(begin, end);

            Assert.True(expected.Order().SequenceEqual(rows.Reminders.Select(r => r.GrainId.GetUniformHashCode()).Order()),
                $"slice ({begin}, {end}]: expected {expected.Count()} reminders, read {rows.Reminders.Count}");
        }
    }

    [Fact]
    public async Task A_reminder_is_removed_only_at_its_current_etag()
    {
        var table = await TableAsync();
        var grain = NewGrain();
        var old = (await table.UpsertRow(Reminder(grain, "r")))!;
        var current = (await table.UpsertRow(Reminder(grain, "r", startSeconds: 5)))!;

        Assert.False(await table.RemoveRow(grain, "r", old));
        Assert.False(await table.RemoveRow(grain, "other name", current));
        Assert.False(await table.RemoveRow(NewGrain(), "r", current));
        Assert.NotNull(await table.ReadRow(grain, "r"));

        Assert.True(await table.RemoveRow(grain, "r", current));
        Assert.Null(await table.ReadRow(grain, "r"));
        Assert.False(await table.RemoveRow(grain, "r", current));
    }

    [Fact]
    public async Task Clearing_the_table_removes_this_services_reminders_only()
    {
        var table = await TableAsync();
        var other = await TableAsync();
        var grain = NewGrain();
        await table.UpsertRow(Reminder(grain, "a"));
        await table.UpsertRow(Reminder(NewGrain(), "b"));
        await other.UpsertRow(Reminder(grain, "a"));

        await table.TestOnlyClearTable();

        Assert.Empty((await table.ReadRows(0, 0)).Reminders);
        Assert.Single((await other.ReadRows(0, 0)).Reminders);
        Assert.NotNull(await other.ReadRow(grain, "a"));
    }
}

public sealed class SqliteOrleansReminderTests() : OrleansReminderTests(StoreKind.Sqlite);

public sealed class PostgresOrleansReminderTests() : OrleansReminderTests(StoreKind.PostgreSql);
