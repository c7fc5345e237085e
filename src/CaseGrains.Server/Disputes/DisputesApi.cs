using CaseGrains.Domain.Disputes;
using CaseGrains.Grains.Cases;
using CaseGrains.Grains.Disputes;
using CaseGrains.Server.Auth;
using CaseGrains.Server.Cases;

namespace CaseGrains.Server.Disputes;

/// <summary>矛盾纠纷 routes: <c>/api/townships/{t}/disputes</c>.</summary>
internal static class DisputesApi
{
    public static void MapDisputes(this IEndpointRouteBuilder routes)
    {
        var disputes = new CaseRoutes<DisputeState, RegisterDispute, DisputeCommand, IDisputeGrain>(
            GrainTypes.Dispute, "disputes",
            (township, command, context) => township.RegisterDispute(command, context),
            state => state.Id,
            (snapshot, context) => DisputeView.From(snapshot, context),
            typeof(DisputeView));
        var group = disputes.Map<RegisterDisputeRequest>(routes, "Dispute", new CaseKindDocs("dispute", "disputes", "矛盾纠纷登记",
            "矛盾纠纷 — civil disputes the township mediates (人民调解): registration, acceptance (受理), the responsible leader and mediators, " +
            "mediation sessions, resolution (化解) or referral (调解不成), follow-up (回访) and extension.",
            "Registers a dispute from screening, an application, a referral or a grid report; the township numbers it (`2024-JF-0001`). " +
            "The settlement limit (default 30 days, per category if configured) runs from acceptance. Answers 201 with `Location`."));

        disputes.MapCommand<AcceptDisputeRequest>(group, "accept", Policies.WriteCases, "AcceptDispute", "Accept a dispute (受理)",
            "Accepts a registered dispute; the planned `procedure` (`simple` or `general`) may set a shorter limit.");
        disputes.MapCommand<AssignDisputeRequest>(group, "assign", Policies.AssignLeaders, "AssignDispute", "Assign the responsible leader and mediators (包案)",
            "Names the responsible leader from the roster and the mediators. Supervisors and admins.");
        disputes.MapCommand<MediateRequest>(group, "mediate", Policies.WriteCases, "MediateDispute", "Record a mediation session (调解)",
            "Records a mediation session with a note.");
        disputes.MapCommand<ResolveDisputeRequest>(group, "resolve", Policies.WriteCases, "ResolveDispute", "Resolve a dispute (化解)",
            "The parties agreed: the `procedure` used (`simple` or `general`) and the `agreement`'s form (`oral` or `written`).");
        disputes.MapCommand<FailDisputeRequest>(group, "fail", Policies.WriteCases, "FailDispute", "Record that mediation failed (调解不成)",
            "Mediation failed; the route the parties were referred to (`litigation`, `arbitration`, `administrative`, `other`) and a note.");
        disputes.MapCommand<FollowUpRequest>(group, "followUp", Policies.WriteCases, "FollowUpDispute", "Record the follow-up (回访)",
            "Whether the resolved dispute's agreement was kept (`fulfilled`, `partly`, `not`); the dispute is then closed.");
        disputes.MapCommand<ExtendDisputeRequest>(group, "extend", Policies.ApproveExtensions, "ExtendDispute", "Extend the settlement limit (延期)",
            "Extends the settlement limit once, with the parties' consent recorded as the reason and who approved it. Supervisors and admins.");
    }
}
