using CaseGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CaseGrains.Storage.Tests;

/// <summary>The state a test grain keeps through Orleans' grain storage (the storage serializer allows generated types).</summary>
[GenerateSerializer]
public sealed class CaseFileState
{
    [Id(0)]
    public string Title { get; set; } = "";

    [Id(1)]
    public int Revisions { get; set; }
}

/// <summary>
/// Orleans' ADO.NET grain storage on our table and statements, inside a started silo: inserts without an
/// etag, updates at an etag, clashes as <see cref="InconsistentStateException"/>, reads, clears (payload
/// dropped, version kept moving) and, with DeleteStateOnClear, deletes.
/// </summary>
public abstract class OrleansGrainStorageTests(StoreKind kind) : IAsyncLifetime
{
    private const string StateName = "CaseFile";
    private AdoNetCaseStore _store = null!;
    private OrleansProviderHost _host = null!;

    public async Task InitializeAsync()
    {
        (_store, var connectionString) = await TestStores.CreateAsync(kind);
        _host = OrleansProviderHost.Create(_store, connectionString);
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        if (_store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    private IGrainStorage Storage(string name = OrleansProviderHost.ClearingStorage) => _host.Services.GetRequiredKeyedService<IGrainStorage>(name);

    private static GrainId NewGrain() => GrainId.Create("case-file", "t1/2024-XF-" + Guid.NewGuid().ToString("N")[..8]);

    private static GrainState<CaseFileState> State(string title, string? etag = null, int revisions = 0)
        => new() { State = new CaseFileState { Title = title, Revisions = revisions }, ETag = etag };

    private async Task<GrainState<CaseFileState>> ReadAsync(GrainId grain, string name = OrleansProviderHost.ClearingStorage)
    {
        var state = new GrainState<CaseFileState>();
        await Storage(name).ReadStateAsync(StateName, grain, state);
        return state;
    }

    [Fact]
    public async Task A_grain_that_never_wrote_reads_as_default_state_without_etag()
    {
        var read = await ReadAsync(NewGrain());

        Assert.Null(read.ETag);
        Assert.False(read.RecordExists);
        Assert.NotNull(read.State);
        Assert.Equal("", read.State.Title);
    }

    [Fact]
    public async Task A_first_write_inserts_and_later_writes_need_the_current_etag()
    {
        var grain = NewGrain();
        var state = State("调解 王某与李某宅基地纠纷");
        await Storage().WriteStateAsync(StateName, grain, state);
        Assert.NotNull(state.ETag);
        Assert.True(state.RecordExists);
        var firstEtag = state.ETag;

        var read = await ReadAsync(grain);
        Assert.Equal(firstEtag, read.ETag);
        Assert.True(read.RecordExists);
        Assert.Equal("调解 王某与李某宅基地纠纷", read.State!.Title);

        state.State!.Revisions = 1;
        await Storage().WriteStateAsync(StateName, grain, state);
        Assert.NotEqual(firstEtag, state.ETag);

        var stale = State("stale writer", firstEtag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage().WriteStateAsync(StateName, grain, stale));
        var after = await ReadAsync(grain);
        Assert.Equal(1, after.State!.Revisions);
        Assert.Equal(state.ETag, after.ETag);
    }

    [Fact]
    public async Task Two_first_writers_of_one_grain_clash_instead_of_both_winning()
    {
        var grain = NewGrain();
        await Storage().WriteStateAsync(StateName, grain, State("first"));

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage().WriteStateAsync(StateName, grain, State("second, without etag")));
        Assert.Equal("first", (await ReadAsync(grain)).State!.Title);
    }

    [Fact]
    public async Task A_write_at_an_etag_for_a_row_that_does_not_exist_is_a_clash()
    {
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage().WriteStateAsync(StateName, NewGrain(), State("ghost", "7")));
    }

    [Fact]
    public async Task Clearing_drops_the_payload_keeps_the_version_moving_and_a_write_can_follow()
    {
        var grain = NewGrain();
        var state = State("to be cleared");
        await Storage().WriteStateAsync(StateName, grain, state);
        var written = state.ETag;

        await Storage().ClearStateAsync(StateName, grain, state);
        Assert.NotNull(state.ETag);
        Assert.NotEqual(written, state.ETag);
        Assert.False(state.RecordExists);

        var read = await ReadAsync(grain);
        Assert.Equal(state.ETag, read.ETag);
        Assert.False(read.RecordExists);
        Assert.Equal("", read.State!.Title);

        // A stale clear or write clashes; the holder of the cleared etag can clear again and write.
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage().ClearStateAsync(StateName, grain, State("x", written)));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage().WriteStateAsync(StateName, grain, State("x", written)));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage().WriteStateAsync(StateName, grain, State("no etag")));
        var clearedTwice = State("", read.ETag);
        clearedTwice.RecordExists = false;
        await Storage().ClearStateAsync(StateName, grain, clearedTwice);
        Assert.NotEqual(read.ETag, clearedTwice.ETag);

        var rewritten = State("written after clear", clearedTwice.ETag);
        await Storage().WriteStateAsync(StateName, grain, rewritten);
        var final = await ReadAsync(grain);
        Assert.True(final.RecordExists);
        Assert.Equal("written after clear", final.State!.Title);
        Assert.Equal(rewritten.ETag, final.ETag);
    }

    [Fact]
    public async Task With_delete_on_clear_the_row_goes_and_the_next_write_starts_afresh()
    {
        const string deleting = OrleansProviderHost.DeletingStorage;
        var grain = NewGrain();
        var state = State("to be deleted");
        await Storage(deleting).WriteStateAsync(StateName, grain, state);
        var written = state.ETag;

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage(deleting).ClearStateAsync(StateName, grain, State("x", "99")));
        await Storage(deleting).ClearStateAsync(StateName, grain, state);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);

        var read = await ReadAsync(grain, deleting);
        Assert.Null(read.ETag);
        Assert.False(read.RecordExists);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage(deleting).WriteStateAsync(StateName, grain, State("x", written)));

        var again = State("after delete");
        await Storage(deleting).WriteStateAsync(StateName, grain, again);
        Assert.Equal("after delete", (await ReadAsync(grain, deleting)).State!.Title);
    }

    [Fact]
    public async Task Keys_of_different_kinds_and_state_types_never_share_a_row()
    {
        var type = GrainType.Create("case-file");
        var grains = new[]
        {
            GrainId.Create(type, "s"),                                                 // string key "s"
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(0, "s")),       // integer 0, extension "s"
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(0)),            // integer 0, no extension
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(-42, "x")),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"))),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), "x")),
        };
        foreach (var (grain, i) in grains.Select((g, i) => (g, i)))
        {
            await Storage().WriteStateAsync(StateName, grain, State($"grain {i}"));
            await Storage().WriteStateAsync("OtherState", grain, State($"other {i}"));
        }

        foreach (var (grain, i) in grains.Select((g, i) => (g, i)))
        {
            Assert.Equal($"grain {i}", (await ReadAsync(grain)).State!.Title);
            var other = new GrainState<CaseFileState>();
            await Storage().ReadStateAsync("OtherState", grain, other);
            Assert.Equal($"other {i}", other.State!.Title);
        }
    }
}

public sealed class SqliteOrleansGrainStorageTests() : OrleansGrainStorageTests(StoreKind.Sqlite);

public sealed class PostgresOrleansGrainStorageTests() : OrleansGrainStorageTests(StoreKind.PostgreSql);
