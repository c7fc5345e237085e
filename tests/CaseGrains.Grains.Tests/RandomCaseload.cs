using CaseGrains.Domain;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Rollups;

namespace CaseGrains.Grains.Tests;

/// <summary>One case the random caseload drives, with the state and version its last accepted command answered.</summary>
internal sealed class CaseHandle(CaseKind kind, string id, long version, PetitionState? petition, DisputeState? dispute)
{
    public CaseKind Kind { get; } = kind;

    public string Id { get; } = id;

    public long Version { get; set; } = version;

    public PetitionState? Petition { get; set; } = petition;

    public DisputeState? Dispute { get; set; } = dispute;

    public DateTimeOffset LastStepAt => Petition?.LastStepAt ?? Dispute!.LastStepAt;

    public DateTimeOffset RegisteredAt => Petition?.ReceivedAt ?? Dispute!.ReportedAt;

    public CaseSummary Summary => Petition is { } p ? Domain.Petitions.Petition.Summarize(p) : Domain.Disputes.Dispute.Summarize(Dispute!);
}

/// <summary>
/// Seeded random commands for a township's cases: mostly the plausible next step of a case's
/// lifecycle, often any command at all, and regularly a broken one (a blank reason, a date in the
/// future or before the last step, a leader off the roster, days out of range), so that the run
/// exercises refusals as much as changes.
/// </summary>
internal sealed class RandomCaseload(Random rng)
{
    private static readonly string[] PetitionCategories = ["城乡建设", "劳动保障", "土地征收", "农业农村", "生态环境"];

    private static readonly string[] DisputeCategories = ["婚姻家庭", "邻里", "土地承包", "劳动争议/欠薪", "劳动争议", "合同债务", "山林水利", "物业消费"];

    /// <summary>Leaders the generator may name: the roster's and some that are not on it.</summary>
    public List<string> Leaders { get; } = ["ghost"];

    public RegisterPetition NewPetition(DateTimeOffset now, IReadOnlyList<string> earlierPetitions)
    {
        var receivedAt = Recent(now, TimeSpan.FromDays(3));
        if (rng.Next(40) == 0)
        {
            receivedAt = now.AddDays(1);
        }
        var channel = Pick(Enum.GetValues<PetitionChannel>());
        var hotline = channel == PetitionChannel.Hotline12345;
        var receivedOn = DateOnly.FromDateTime(receivedAt.ToOffset(TimeSpan.FromHours(8)).DateTime);
        IReadOnlyList<Person> petitioners = rng.Next(20) == 0 ? [] : [.. Enumerable.Range(0, rng.Next(1, 3)).Select(i => new Person($"信访人{i}"))];
        int? headcount = rng.Next(6) == 0 ? rng.Next(1, 12) : null;
        var repeatOf = earlierPetitions.Count > 0 && rng.Next(8) == 0 ? earlierPetitions[rng.Next(earlierPetitions.Count)] : null;
        return new RegisterPetition("", "", channel, receivedAt, "事由", "诉求", Pick(PetitionCategories), petitioners, headcount,
            rng.Next(3) == 0 ? null : $"村{rng.Next(5)}", repeatOf,
            hotline && rng.Next(15) != 0 ? $"12345-{rng.Next(100000)}" : null,
            hotline ? receivedOn.AddDays(rng.Next(-1, 12)) : null);
    }

    public RegisterDispute NewDispute(DateTimeOffset now)
    {
        var reportedAt = rng.Next(40) == 0 ? now.AddDays(1) : Recent(now, TimeSpan.FromDays(3));
        var category = rng.Next(25) == 0 ? "不存在的类别" : Pick(DisputeCategories);
        IReadOnlyList<Person> parties = rng.Next(20) == 0 ? [] : [new Person("当事人甲"), new Person("当事人乙")];
        return new RegisterDispute("", "", Pick(Enum.GetValues<DisputeSource>()), reportedAt, category, "纠纷", "情况", parties,
            $"村{rng.Next(5)}", Pick(Enum.GetValues<RiskLevel>()));
    }

    public PetitionCommand Next(PetitionState s, DateTimeOffset now)
    {
        var at = When(s.LastStepAt, now);
        if (rng.Next(100) < 30)
        {
            return AnyPetitionCommand(s, at, now);
        }
        return s.Status switch
        {
            PetitionStatus.Registered => rng.Next(10) switch
            {
                < 5 => new AcceptPetition(at),
                5 => new DeclinePetition(at, Reason(), Pick(Enum.GetValues<DeclineRoute>())),
                6 or 7 => new AssignPetition(Leader(), ["officer-1"]),
                8 => new RecordPetitionProgress(at, Reason()),
                _ => new WithdrawPetition(at, Reason()),
            },
            PetitionStatus.Accepted => rng.Next(12) switch
            {
                < 3 => new RecordPetitionProgress(at, Reason()),
                3 or 4 => new ExtendPetition(rng.Next(1, 31), Reason(), "镇长"),
                < 10 => new ConcludePetition(at, Pick(Enum.GetValues<PetitionOutcome>()), Reason()),
                10 => new AssignPetition(Leader(), ["officer-2"]),
                _ => new WithdrawPetition(at, Reason()),
            },
            PetitionStatus.Concluded => rng.Next(2) == 0 ? new EvaluatePetition(Pick(Enum.GetValues<SatisfactionRating>())) : new RequestReview(at),
            PetitionStatus.UnderReview => rng.Next(3) == 0 ? new EvaluatePetition(Pick(Enum.GetValues<SatisfactionRating>())) : new ConcludeReview(at, Pick(Enum.GetValues<ReviewDecision>())),
            PetitionStatus.Reviewed => rng.Next(3) == 0 ? new EvaluatePetition(Pick(Enum.GetValues<SatisfactionRating>())) : new RequestRecheck(at),
            PetitionStatus.UnderRecheck => rng.Next(4) switch
            {
                0 => new StartRecheckHearing(at),
                1 => new EndRecheckHearing(at),
                _ => new ConcludeRecheck(at, Pick(Enum.GetValues<ReviewDecision>())),
            },
            _ => AnyPetitionCommand(s, at, now),
        };
    }

    public DisputeCommand Next(DisputeState s, DateTimeOffset now)
    {
        var at = When(s.LastStepAt, now);
        if (rng.Next(100) < 30)
        {
            return AnyDisputeCommand(at);
        }
        return s.Status switch
        {
            DisputeStatus.Registered => rng.Next(8) switch
            {
                < 4 => new AcceptDispute(at, rng.Next(3) == 0 ? Pick(Enum.GetValues<MediationProcedure>()) : null),
                4 => new FailDispute(at, Pick(Enum.GetValues<ReferralRoute>()), Reason()),
                _ => new AssignDispute(Leader(), ["mediator-1"]),
            },
            DisputeStatus.Accepted => rng.Next(10) switch
            {
                < 2 => new RecordMediation(at, Reason()),
                2 => new ExtendDispute(rng.Next(1, 31), Reason(), "双方当事人"),
                < 7 => new ResolveDispute(at, Pick(Enum.GetValues<MediationProcedure>()), Pick(Enum.GetValues<AgreementForm>())),
                7 or 8 => new FailDispute(at, Pick(Enum.GetValues<ReferralRoute>()), Reason()),
                _ => new AssignDispute(Leader(), ["mediator-2"]),
            },
            DisputeStatus.Resolved => new FollowUpDispute(at, Pick(Enum.GetValues<FollowUpResult>())),
            _ => AnyDisputeCommand(at),
        };
    }

    private PetitionCommand AnyPetitionCommand(PetitionState s, DateTimeOffset at, DateTimeOffset now) => rng.Next(17) switch
    {
        0 => new AcceptPetition(at),
        1 => new DeclinePetition(at, Reason(), Pick(Enum.GetValues<DeclineRoute>())),
        2 => new AssignPetition(Leader(), [" officer-1 ", "officer-1", ""]),
        3 => new RecordPetitionProgress(at, Reason()),
        4 => new ExtendPetition(rng.Next(-1, 40), Reason(), rng.Next(5) == 0 ? "" : "镇长"),
        5 => new ChangePlatformDeadline(DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime).AddDays(rng.Next(-40, 20)), Reason()),
        6 => new ConcludePetition(at, Pick(Enum.GetValues<PetitionOutcome>()), Reason()),
        7 => new EvaluatePetition(Pick(Enum.GetValues<SatisfactionRating>())),
        8 => new RequestReview(at),
        9 => new ConcludeReview(at, Pick(Enum.GetValues<ReviewDecision>())),
        10 => new RequestRecheck(at),
        11 => new StartRecheckHearing(at),
        12 => new EndRecheckHearing(at),
        13 => new ConcludeRecheck(at, Pick(Enum.GetValues<ReviewDecision>())),
        14 => new WithdrawPetition(at, Reason()),
        15 => new LinkRepeat(rng.Next(3) == 0 ? s.Id : CaseNumber.Format(2024, CaseKind.Petition, rng.Next(1, 50))),
        _ => new AcceptPetition(now.AddDays(2)),
    };

    private DisputeCommand AnyDisputeCommand(DateTimeOffset at) => rng.Next(8) switch
    {
        0 => new AcceptDispute(at),
        1 => new AssignDispute(Leader(), ["mediator-1", " mediator-1"]),
        2 => new RecordMediation(at, Reason()),
        3 => new ResolveDispute(at, Pick(Enum.GetValues<MediationProcedure>()), Pick(Enum.GetValues<AgreementForm>())),
        4 => new FailDispute(at, Pick(Enum.GetValues<ReferralRoute>()), Reason()),
        5 => new FollowUpDispute(at, Pick(Enum.GetValues<FollowUpResult>())),
        6 => new ExtendDispute(rng.Next(-1, 45), Reason(), "双方当事人"),
        _ => new ResolveDispute(at.AddDays(-400), MediationProcedure.General, AgreementForm.Written),
    };

    /// <summary>A step's date: usually between the last step and now (often recent), sometimes in the future or out of order.</summary>
    private DateTimeOffset When(DateTimeOffset lastStep, DateTimeOffset now)
    {
        return rng.Next(20) switch
        {
            0 => now.AddHours(rng.Next(1, 72)),
            1 => lastStep.AddMinutes(-rng.Next(1, 600)),
            < 12 => Later(lastStep, Recent(now, TimeSpan.FromDays(2))),
            _ => lastStep >= now ? lastStep : lastStep + (now - lastStep) * rng.NextDouble(),
        };
    }

    private DateTimeOffset Recent(DateTimeOffset now, TimeSpan within) => now - within * rng.NextDouble();

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private string Leader() => Leaders[rng.Next(Leaders.Count)];

    private string Reason() => rng.Next(15) == 0 ? " " : "说明";

    private T Pick<T>(IReadOnlyList<T> values) => values[rng.Next(values.Count)];
}
