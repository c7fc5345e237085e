using CaseGrains.Domain;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;

namespace CaseGrains.Domain.Tests;

/// <summary>Dates, policies and builders shared by the tests; everything in China Standard Time unless a test says otherwise.</summary>
internal static class Kit
{
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    public static readonly IReadOnlySet<string> Leaders = new HashSet<string>(StringComparer.Ordinal) { "leader-1", "leader-2" };

    public static DeadlinePolicy Policy => DeadlinePolicy.Default;

    public static DeadlinePolicy RollForward { get; } =
        new(new DeadlineSettings { RollForwardHolidays = true, Holidays = HolidayCalendar.China });

    public static DateTimeOffset At(int year, int month, int day, int hour = 9, int minute = 0) =>
        new(year, month, day, hour, minute, 0, Cst);

    public static DateOnly D(int year, int month, int day) => new(year, month, day);

    public static RegisterPetition RegisterPetition(
        DateTimeOffset receivedAt,
        string caseId = "2024-XF-0001",
        PetitionChannel channel = PetitionChannel.Letter,
        int? headcount = null,
        string? repeatOf = null,
        string? externalOrderId = null,
        DateOnly? platformDueOn = null,
        IReadOnlyList<Person>? petitioners = null,
        string subject = "道路破损",
        string summary = "村道破损影响出行，请求修复",
        string category = "城乡建设") =>
        new("t-1", caseId, channel, receivedAt, subject, summary, category,
            petitioners ?? [new Person("张三", "610102199001011234", "13812345678", "陕西省西安市长安区王曲街道南堡村5组")],
            headcount, "南堡村", repeatOf, externalOrderId, platformDueOn);

    public static RegisterPetition RegisterHotline(DateTimeOffset receivedAt, DateOnly platformDueOn, string caseId = "2024-XF-0001") =>
        RegisterPetition(receivedAt, caseId, PetitionChannel.Hotline12345, externalOrderId: "12345-2024-000123", platformDueOn: platformDueOn);

    public static RegisterDispute RegisterDispute(
        DateTimeOffset reportedAt,
        string caseId = "2024-JF-0001",
        string category = "邻里",
        DisputeSource source = DisputeSource.GridReport,
        IReadOnlyList<Person>? parties = null) =>
        new("t-1", caseId, source, reportedAt, category, "宅前排水纠纷", "两户因排水沟走向发生争执",
            parties ?? [new Person("李四"), new Person("王五")], "南堡村", RiskLevel.Low);

    /// <summary>The instant a command is dated with, if it carries one.</summary>
    public static DateTimeOffset? InstantOf(object command) =>
        command.GetType().GetProperty("At")?.GetValue(command) as DateTimeOffset?
        ?? command.GetType().GetProperty("ReceivedAt")?.GetValue(command) as DateTimeOffset?
        ?? command.GetType().GetProperty("ReportedAt")?.GetValue(command) as DateTimeOffset?;
}

/// <summary>A petition driven through commands, as a grain would, failing the test on any unexpected refusal.</summary>
internal sealed class PetitionCase(DeadlinePolicy? policy = null)
{
    private DateTimeOffset _now;

    public DeadlinePolicy Policy { get; } = policy ?? Kit.Policy;

    public PetitionState State { get; private set; } = PetitionState.Empty;

    public List<PetitionEvent> Events { get; } = [];

    public static PetitionCase Registered(DateTimeOffset receivedAt, DeadlinePolicy? policy = null) =>
        new PetitionCase(policy).Do(Kit.RegisterPetition(receivedAt));

    public static PetitionCase Accepted(DateTimeOffset receivedAt, DateTimeOffset acceptedAt, DeadlinePolicy? policy = null) =>
        Registered(receivedAt, policy).Do(new AcceptPetition(acceptedAt));

    public static PetitionCase Concluded(DateTimeOffset acceptedAt, DateTimeOffset concludedAt, DeadlinePolicy? policy = null) =>
        Accepted(acceptedAt, acceptedAt, policy).Do(new ConcludePetition(concludedAt, PetitionOutcome.Supported, "已修复"));

    public static PetitionCase Reviewed(DateTimeOffset concludedAt, DateTimeOffset reviewRequestedAt, DateTimeOffset reviewAnsweredAt) =>
        Concluded(concludedAt.AddDays(-10), concludedAt)
            .Do(new RequestReview(reviewRequestedAt))
            .Do(new ConcludeReview(reviewAnsweredAt, ReviewDecision.Upheld));

    public PetitionCase Do(PetitionCommand command, DateTimeOffset? now = null)
    {
        var d = Try(command, now);
        if (d.IsError)
        {
            throw new Xunit.Sdk.XunitException($"{command.GetType().Name} refused: {d.Error.Code} {d.Error.MessageEn}");
        }

        foreach (var e in d.Events)
        {
            State = Petition.Evolve(State, e);
            Events.Add(e);
        }

        return this;
    }

    public Decision<PetitionEvent> Try(PetitionCommand command, DateTimeOffset? now = null)
    {
        _now = now ?? Later(_now, Kit.InstantOf(command));
        return Petition.Decide(State, command, new PetitionContext(_now, Policy, Kit.Leaders));
    }

    public DomainError Fails(PetitionCommand command, DateTimeOffset? now = null)
    {
        var d = Try(command, now);
        Assert.True(d.IsError, $"{command.GetType().Name} was expected to be refused.");
        Assert.Empty(d.Events);
        return d.Error;
    }

    private static DateTimeOffset Later(DateTimeOffset current, DateTimeOffset? candidate) =>
        candidate is { } c && c > current ? c : current;
}

/// <summary>A dispute driven through commands.</summary>
internal sealed class DisputeCase(DeadlinePolicy? policy = null)
{
    private DateTimeOffset _now;

    public DeadlinePolicy Policy { get; } = policy ?? Kit.Policy;

    public DisputeState State { get; private set; } = DisputeState.Empty;

    public List<DisputeEvent> Events { get; } = [];

    public static DisputeCase Registered(DateTimeOffset reportedAt, DeadlinePolicy? policy = null, string category = "邻里") =>
        new DisputeCase(policy).Do(Kit.RegisterDispute(reportedAt, category: category));

    public static DisputeCase Accepted(DateTimeOffset at, DeadlinePolicy? policy = null, string category = "邻里", MediationProcedure? procedure = null) =>
        Registered(at, policy, category).Do(new AcceptDispute(at, procedure));

    public DisputeCase Do(DisputeCommand command, DateTimeOffset? now = null)
    {
        var d = Try(command, now);
        if (d.IsError)
        {
            throw new Xunit.Sdk.XunitException($"{command.GetType().Name} refused: {d.Error.Code} {d.Error.MessageEn}");
        }

        foreach (var e in d.Events)
        {
            State = Dispute.Evolve(State, e);
            Events.Add(e);
        }

        return this;
    }

    public Decision<DisputeEvent> Try(DisputeCommand command, DateTimeOffset? now = null)
    {
        var candidate = Kit.InstantOf(command);
        _now = now ?? (candidate is { } c && c > _now ? c : _now);
        return Dispute.Decide(State, command, new DisputeContext(_now, Policy, Kit.Leaders));
    }

    public DomainError Fails(DisputeCommand command, DateTimeOffset? now = null)
    {
        var d = Try(command, now);
        Assert.True(d.IsError, $"{command.GetType().Name} was expected to be refused.");
        Assert.Empty(d.Events);
        return d.Error;
    }
}
