using CaseGrains.Domain.Disputes;
using CaseGrains.Server.Cases;
using CaseGrains.Server.Infrastructure;

namespace CaseGrains.Server.Disputes;

// Examples for the document (/docs), filled in as a mediator would; the people are invented.

public sealed partial record RegisterDisputeRequest : IOpenApiExample<RegisterDisputeRequest>
{
    static RegisterDisputeRequest IOpenApiExample<RegisterDisputeRequest>.Example => new(
        DisputeSource.Screening, DisputeExampleData.Reported, "邻里", "宅基地界址", "相邻两户对界墙位置有争议，多次发生口角。",
        [new PersonRequest("李四", Phone: "13987654321"), new PersonRequest("王五")], Domain.Disputes.RiskLevel.Medium, Village: "南堡村");
}

public sealed partial record AcceptDisputeRequest : IOpenApiExample<AcceptDisputeRequest>
{
    static AcceptDisputeRequest IOpenApiExample<AcceptDisputeRequest>.Example => new(DisputeExampleData.Accepted, MediationProcedure.General);
}

public sealed partial record ResolveDisputeRequest : IOpenApiExample<ResolveDisputeRequest>
{
    static ResolveDisputeRequest IOpenApiExample<ResolveDisputeRequest>.Example => new(
        DisputeExampleData.Resolved, MediationProcedure.General, AgreementForm.Written);
}

public sealed partial record FailDisputeRequest : IOpenApiExample<FailDisputeRequest>
{
    static FailDisputeRequest IOpenApiExample<FailDisputeRequest>.Example => new(
        DisputeExampleData.Resolved, ReferralRoute.Litigation, "一方拒绝继续调解，已告知可向人民法院起诉。");
}

public sealed partial record DisputeView : IOpenApiExample<DisputeView>
{
    static DisputeView IOpenApiExample<DisputeView>.Example => new(
        Id: "2024-JF-0001", TownshipId: "tianjiazhai", Status: DisputeStatus.Resolved, Source: DisputeSource.Screening, Category: "邻里",
        Subject: "宅基地界址", Summary: "相邻两户对界墙位置有争议，多次发生口角。", Village: "南堡村",
        Parties: [new PersonView("李四", null, "13987654321", null), new PersonView("王五", null, null, null)], RiskLevel: RiskLevel.Medium,
        ReportedAt: DisputeExampleData.Reported, AcceptedAt: DisputeExampleData.Accepted, LeaderId: "wang", Mediators: ["zhao-tiaojieyuan"],
        MediationCount: 2, PlannedProcedure: MediationProcedure.General, SettlementDueOn: new DateOnly(2024, 4, 5), ExtendedDays: 0,
        ExtensionReason: null, ExtensionApprovedBy: null, ResolvedAt: DisputeExampleData.Resolved, Procedure: MediationProcedure.General,
        Agreement: AgreementForm.Written, FailedAt: null, Referral: null, FailureNote: null, SettledOnTime: true, FollowedUpAt: null, FollowUp: null,
        Overdue: false, DaysOverdue: 0, DueOn: null, DaysLeft: null, DueSoon: false, Version: 5, PersonalDataMasked: false);
}

/// <summary>The dates the dispute examples follow.</summary>
internal static class DisputeExampleData
{
    public static readonly DateTimeOffset Reported = new(2024, 3, 5, 9, 30, 0, TimeSpan.FromHours(8));
    public static readonly DateTimeOffset Accepted = new(2024, 3, 6, 10, 0, 0, TimeSpan.FromHours(8));
    public static readonly DateTimeOffset Resolved = new(2024, 3, 20, 10, 0, 0, TimeSpan.FromHours(8));
}
