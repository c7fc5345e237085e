using CaseGrains.Domain.Petitions;
using CaseGrains.Server.Cases;
using CaseGrains.Server.Infrastructure;

namespace CaseGrains.Server.Petitions;

// Examples for the document (/docs), filled in as a township officer would; the people are invented.

public sealed partial record RegisterPetitionRequest : IOpenApiExample<RegisterPetitionRequest>
{
    static RegisterPetitionRequest IOpenApiExample<RegisterPetitionRequest>.Example => new(
        PetitionChannel.Visit, PetitionExampleData.Received, "征地补偿", "反映村东地块征地补偿款至今未到位，要求尽快发放。", "征地拆迁",
        [new PersonRequest("张三", "610102199001011234", "13812345678", "田家寨镇南堡村3组")], Headcount: 1, Village: "南堡村");
}

public sealed partial record AcceptPetitionRequest : IOpenApiExample<AcceptPetitionRequest>
{
    static AcceptPetitionRequest IOpenApiExample<AcceptPetitionRequest>.Example => new(PetitionExampleData.Accepted);
}

public sealed partial record DeclinePetitionRequest : IOpenApiExample<DeclinePetitionRequest>
{
    static DeclinePetitionRequest IOpenApiExample<DeclinePetitionRequest>.Example => new(
        PetitionExampleData.Accepted, "所反映事项已进入诉讼程序，依法不予受理。", DeclineRoute.Litigation);
}

public sealed partial record AssignPetitionRequest : IOpenApiExample<AssignPetitionRequest>
{
    static AssignPetitionRequest IOpenApiExample<AssignPetitionRequest>.Example => new("wang", ["li-ganshi"]);
}

public sealed partial record ConcludePetitionRequest : IOpenApiExample<ConcludePetitionRequest>
{
    static ConcludePetitionRequest IOpenApiExample<ConcludePetitionRequest>.Example => new(
        PetitionExampleData.Concluded, PetitionOutcome.Supported, "经核实，补偿款已于4月18日足额发放到户，已书面答复信访人。");
}

public sealed partial record EvaluatePetitionRequest : IOpenApiExample<EvaluatePetitionRequest>
{
    static EvaluatePetitionRequest IOpenApiExample<EvaluatePetitionRequest>.Example => new(SatisfactionRating.Satisfied);
}

public sealed partial record PetitionView : IOpenApiExample<PetitionView>
{
    static PetitionView IOpenApiExample<PetitionView>.Example => new(
        Id: "2024-XF-0001", TownshipId: "tianjiazhai", Status: PetitionStatus.Accepted, Channel: PetitionChannel.Visit, Category: "征地拆迁",
        Subject: "征地补偿", Summary: "反映村东地块征地补偿款至今未到位，要求尽快发放。", Village: "南堡村",
        Petitioners: [new PersonView("张三", "610102199001011234", "13812345678", "田家寨镇南堡村3组")], Headcount: 1, Collective: false, RepeatOf: null,
        ReceivedAt: PetitionExampleData.Received, AcceptedAt: PetitionExampleData.Accepted, LeaderId: "wang", Handlers: ["li-ganshi"],
        AcceptanceDueOn: new DateOnly(2024, 3, 20), HandlingDueOn: new DateOnly(2024, 5, 5), ExtendedDays: 0, ConcludedAt: null, Outcome: null,
        Rating: null, Overdue: false, DaysOverdue: 0, Version: 3,
        ExternalOrderId: null, PlatformDueOn: null, DeclinedAt: null, DeclineReason: null, DeclineRoute: null,
        ExtensionReason: null, ExtensionApprovedBy: null, Reply: null, ConcludedOnTime: null,
        ReviewRequestDueOn: null, ReviewRequestedAt: null, ReviewAnswerDueOn: null, ReviewDecision: null,
        RecheckRequestDueOn: null, RecheckRequestedAt: null, RecheckAnswerDueOn: null, HearingDays: 0,
        RecheckDecision: null, WithdrawnAt: null, RuleSet: "2022",
        DueOn: new DateOnly(2024, 5, 5), DeadlineKind: "handling", DaysLeft: 12, DueSoon: false, PersonalDataMasked: false);
}

/// <summary>The dates the petition examples follow.</summary>
internal static class PetitionExampleData
{
    public static readonly DateTimeOffset Received = new(2024, 3, 5, 9, 30, 0, TimeSpan.FromHours(8));
    public static readonly DateTimeOffset Accepted = new(2024, 3, 6, 10, 0, 0, TimeSpan.FromHours(8));
    public static readonly DateTimeOffset Concluded = new(2024, 4, 20, 10, 0, 0, TimeSpan.FromHours(8));
}
