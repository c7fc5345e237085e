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
        var group = disputes.Map<RegisterDisputeRequest>(routes, "Dispute");

        disputes.MapCommand<AcceptDisputeRequest>(group, "accept", Policies.WriteCases, "AcceptDispute");
        disputes.MapCommand<AssignDisputeRequest>(group, "assign", Policies.AssignLeaders, "AssignDispute");
        disputes.MapCommand<MediateRequest>(group, "mediate", Policies.WriteCases, "MediateDispute");
        disputes.MapCommand<ResolveDisputeRequest>(group, "resolve", Policies.WriteCases, "ResolveDispute");
        disputes.MapCommand<FailDisputeRequest>(group, "fail", Policies.WriteCases, "FailDispute");
        disputes.MapCommand<FollowUpRequest>(group, "followUp", Policies.WriteCases, "FollowUpDispute");
        disputes.MapCommand<ExtendDisputeRequest>(group, "extend", Policies.ApproveExtensions, "ExtendDispute");
    }
}
