using System.Text.Json;
using CaseGrains.Domain;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Rollups;
using CaseGrains.Domain.Townships;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Disputes;
using CaseGrains.Grains.Petitions;
using CaseGrains.Grains.Townships;
using CaseGrains.Grains.EventSourcing;
using CaseGrains.Storage;
using CaseGrains.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CaseGrains.Grains.Tests;

/// <summary>
/// A fresh database per test and Orleans nodes over it that share one manual clock. Each concrete
/// test class has a SQLite and a PostgreSQL subclass, so every grain rule is proven on both stores.
/// </summary>
public abstract class GrainTestBase(StoreKind kind) : IAsyncLifetime
{
    /// <summary>The township most tests work in; the database is fresh per test, so the key never clashes.</summary>
    protected const string TownshipId = "tianjiazhai";

    private readonly List<TestNode> _nodes = [];
    private readonly List<AdoNetCaseStore> _stores = [];
    private string _connectionString = "";

    protected static DeadlinePolicy Policy => DeadlinePolicy.Default;

    /// <summary>The store kind of this run.</summary>
    protected StoreKind Kind => kind;

    /// <summary>The test database.</summary>
    protected string ConnectionString => _connectionString;

    protected ManualTimeProvider Time { get; } = new();

    /// <summary>The store of the first node; other nodes open their own over the same database.</summary>
    protected AdoNetCaseStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        (Store, _connectionString) = await TestStores.CreateAsync(kind);
        _stores.Add(Store);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
        foreach (var store in _stores.OfType<IAsyncDisposable>())
        {
            await store.DisposeAsync();
        }
    }

    /// <summary>
    /// A node: an Orleans cluster of its own over the test's database. A second node is a second cluster on the same
    /// database, as a silo that lost touch with the others would be; <paramref name="ownStore"/> is kept for the
    /// reader: every node has its own connection pool anyway.
    /// </summary>
    protected async Task<TestNode> NewHostAsync(string nodeId, bool ownStore = false)
    {
        _ = (nodeId, ownStore);
        var node = await TestNode.StartAsync(kind, _connectionString, Time, Policy);
        _nodes.Add(node);
        return node;
    }

    /// <summary>One cluster of several silos over the test's database.</summary>
    protected async Task<TestNode> NewClusterAsync(short silos)
    {
        var node = await TestNode.StartAsync(kind, _connectionString, Time, Policy, silos);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Orleans' reminder table of the first node, as its provider reads it.</summary>
    protected IReminderTable ReminderTable => _nodes[0].Cluster.GetSiloServiceProvider().GetRequiredService<IReminderTable>();

    /// <summary>Creates <see cref="TownshipId"/> with active leaders <paramref name="leaders"/>.</summary>
    protected static async Task<ITownshipGrain> SetUpTownshipAsync(TestNode host, params string[] leaders)
    {
        var township = host.GetGrain<ITownshipGrain>(TownshipId);
        Ok(await township.SetProfile(new SetTownshipProfile("田家寨镇", "county-1")));
        foreach (var leader in leaders)
        {
            Ok(await township.UpsertLeader(new UpsertLeader(leader, "领导" + leader, "副镇长", true)));
        }
        return township;
    }

    protected static IPetitionGrain Petition(TestNode host, string caseId) => host.GetGrain<IPetitionGrain>(GrainTypes.CaseKey(TownshipId, caseId));

    protected static IDisputeGrain Dispute(TestNode host, string caseId) => host.GetGrain<IDisputeGrain>(GrainTypes.CaseKey(TownshipId, caseId));

    protected static string PetitionStream(string caseId) => $"{GrainTypes.Petition}/{GrainTypes.CaseKey(TownshipId, caseId)}";

    protected static string DisputeStream(string caseId) => $"{GrainTypes.Dispute}/{GrainTypes.CaseKey(TownshipId, caseId)}";

    /// <summary>A valid petition; the township fills in its own id and the number.</summary>
    protected static RegisterPetition NewPetition(DateTimeOffset receivedAt, IReadOnlyList<Person>? petitioners = null, PetitionChannel channel = PetitionChannel.Letter) =>
        new("", "", channel, receivedAt, "道路破损", "村道破损影响出行，请求修复", "城乡建设",
            petitioners ?? [new Person("张三", Phone: "13812345678")], null, "南堡村", null, null, null);

    /// <summary>A valid dispute; the township fills in its own id and the number.</summary>
    protected static RegisterDispute NewDispute(DateTimeOffset reportedAt, IReadOnlyList<Person>? parties = null, string category = "邻里") =>
        new("", "", DisputeSource.GridReport, reportedAt, category, "宅前排水纠纷", "两户因排水沟走向发生争执",
            parties ?? [new Person("李四"), new Person("王五")], "南堡村", RiskLevel.Low);

    /// <summary>The value of a successful command; fails the test with the domain error otherwise.</summary>
    protected static T Ok<T>(CaseResult<T> result) where T : class
    {
        Assert.True(result.Error is null, $"refused: {result.Error?.Code} {result.Error?.MessageEn}");
        return result.Value!;
    }

    /// <summary>The domain error of a refused command.</summary>
    protected static DomainError Refused<T>(CaseResult<T> result) where T : class
    {
        Assert.True(result.IsError, "the command was expected to be refused");
        Assert.Null(result.Value);
        return result.Error!;
    }

    /// <summary>The events of a petition as stored, decoded the way the grain decodes them.</summary>
    protected async Task<List<PetitionEvent>> StoredPetitionEventsAsync(string caseId) =>
        [.. (await Store.ReadStreamAsync(PetitionStream(caseId), 0)).Select(e => JsonSerializer.Deserialize<PetitionEvent>(e.Payload, GrainJson.Options)!)];

    /// <summary>The events of a dispute as stored.</summary>
    protected async Task<List<DisputeEvent>> StoredDisputeEventsAsync(string caseId) =>
        [.. (await Store.ReadStreamAsync(DisputeStream(caseId), 0)).Select(e => JsonSerializer.Deserialize<DisputeEvent>(e.Payload, GrainJson.Options)!)];

    /// <summary>Every case row of the township, as stored.</summary>
    protected async Task<List<IndexRow>> StoredCaseRowsAsync()
    {
        var rows = new List<IndexRow>();
        foreach (var type in (string[])[GrainTypes.Petition, GrainTypes.Dispute])
        {
            rows.AddRange((await Store.QueryIndexAsync(new IndexQuery(type) { Partitions = [TownshipId] })).Rows);
        }
        return rows;
    }

    /// <summary>Summaries in a stable order, so that two sources compare element by element.</summary>
    protected static List<CaseSummary> Ordered(IEnumerable<CaseSummary> summaries) => [.. summaries.OrderBy(s => s.Id, StringComparer.Ordinal)];

    /// <summary>Compares two sets of summaries and names the first case that differs, not just "lists differ".</summary>
    protected static void AssertSameCases(IEnumerable<CaseSummary> expected, IEnumerable<CaseSummary> actual, string what)
    {
        var e = Ordered(expected);
        var a = Ordered(actual);
        Assert.True(e.Select(s => s.Id).SequenceEqual(a.Select(s => s.Id)),
            $"{what}: case ids differ; only expected: [{string.Join(", ", e.Select(s => s.Id).Except(a.Select(s => s.Id)).Take(10))}], only actual: [{string.Join(", ", a.Select(s => s.Id).Except(e.Select(s => s.Id)).Take(10))}]");
        for (var i = 0; i < e.Count; i++)
        {
            if (e[i] != a[i])
            {
                Assert.Fail($"{what}: case {e[i].Id} differs.\nexpected: {JsonSerializer.Serialize(e[i], GrainJson.Options)}\nactual:   {JsonSerializer.Serialize(a[i], GrainJson.Options)}");
            }
        }
    }

    /// <summary>A state as JSON: states hold lists, which records compare by reference, so compare their content.</summary>
    protected static string Json<T>(T value) => JsonSerializer.Serialize(value, GrainJson.Options);
}
