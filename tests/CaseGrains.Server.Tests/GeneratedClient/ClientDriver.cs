// Compiled by GeneratedClientTests together with the client NSwag generates from /openapi/v1.json: what an
// integrator writes on day one. Not part of the test project's own compilation.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using CaseGrains.Integrator.Generated;

namespace CaseGrains.Integrator;

public static class Driver
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static DateTimeOffset At(int month, int day) => new(2024, month, day, 10, 0, 0, China);

    public static async Task<IReadOnlyList<string>> RunAsync(HttpClient http, string township)
    {
        var log = new List<string>();
        var api = new CaseGrainsClient(http);

        var profile = await api.GetTownshipAsync(township);
        log.Add($"township {profile.Id} {profile.Leaders.Count} leaders");

        // 信访件: registered with an Idempotency-Key, then every step to final (终结), each under If-Match.
        var petition = await api.RegisterPetitionAsync(township, "integrator-petition-1", new RegisterPetitionRequest
        {
            Channel = PetitionChannel.Visit,
            ReceivedAt = new DateTimeOffset(2024, 3, 5, 9, 30, 0, China),
            Subject = "征地补偿",
            Summary = "反映征地补偿款未到位",
            Category = "征地拆迁",
            Petitioners = new List<PersonRequest> { new() { Name = "张三", Phone = "13812345678" } },
            Headcount = 1,
            Village = "南堡村",
        });
        var id = petition.Id;
        string Version(long version) => $"\"{version}\"";
        petition = await api.AcceptPetitionAsync(township, id, Version(petition.Version), new AcceptPetitionRequest { At = At(3, 6) });
        petition = await api.AssignPetitionAsync(township, id, Version(petition.Version), new AssignPetitionRequest { LeaderId = "wang", Handlers = new List<string> { "li-ganshi" } });
        petition = await api.RecordPetitionProgressAsync(township, id, Version(petition.Version), new ProgressRequest { At = At(3, 10), Note = "走访核实" });
        petition = await api.ExtendPetitionAsync(township, id, Version(petition.Version), new ExtendPetitionRequest { Days = 15, Reason = "案情复杂", ApprovedBy = "王书记" });
        petition = await api.ConcludePetitionAsync(township, id, Version(petition.Version), new ConcludePetitionRequest { At = At(4, 20), Outcome = PetitionOutcome.PartiallySupported, Reply = "已书面答复" });
        petition = await api.EvaluatePetitionAsync(township, id, Version(petition.Version), new EvaluatePetitionRequest { Rating = SatisfactionRating.BasicallySatisfied });
        petition = await api.RequestReviewAsync(township, id, Version(petition.Version), new RequestReviewRequest { At = At(4, 25) });
        petition = await api.ConcludeReviewAsync(township, id, Version(petition.Version), new ConcludeReviewRequest { At = At(5, 10), Decision = ReviewDecision.Upheld });
        petition = await api.RequestRecheckAsync(township, id, Version(petition.Version), new RequestRecheckRequest { At = At(5, 20) });
        petition = await api.StartRecheckHearingAsync(township, id, Version(petition.Version), new StartHearingRequest { At = At(5, 25) });
        petition = await api.EndRecheckHearingAsync(township, id, Version(petition.Version), new EndHearingRequest { At = At(5, 28) });
        petition = await api.ConcludeRecheckAsync(township, id, Version(petition.Version), new ConcludeRecheckRequest { At = At(6, 15), Decision = ReviewDecision.Changed });
        petition = await api.GetPetitionAsync(township, id);
        log.Add($"petition {petition.Status.ToString().ToLowerInvariant()}");
        log.Add($"petition rating {petition.Rating} recheck {petition.RecheckDecision} hearing days {petition.HearingDays}");
        var events = await api.GetPetitionEventsAsync(township, id);
        log.Add($"petition events {string.Join(",", events.Select(e => e.Type))}");
        var listed = await api.ListPetitionAsync(township, "final", null, null, 2024, 1, 20);
        log.Add($"petitions final {listed.Total}");

        // The errors an integrator meets, read as the typed problem body.
        await Expect(log, () => api.GetPetitionAsync(township, "2024-XF-9999"));
        await Expect(log, () => api.RecordPetitionProgressAsync(township, id, null, new ProgressRequest { At = At(6, 20), Note = "再访" }));
        await Expect(log, () => api.RegisterPetitionAsync(township, null, new RegisterPetitionRequest { Subject = "缺少字段" }));

        // 矛盾纠纷: registered, accepted, assigned, mediated, resolved, followed up (closed); a second one fails.
        var dispute = await api.RegisterDisputeAsync(township, null, new RegisterDisputeRequest
        {
            Source = DisputeSource.GridReport,
            ReportedAt = new DateTimeOffset(2024, 3, 5, 9, 30, 0, China),
            Category = "邻里",
            Subject = "宅基地界址",
            Summary = "相邻两户对界墙位置有争议",
            Parties = new List<PersonRequest> { new() { Name = "李四" }, new() { Name = "王五", Phone = "13987654321" } },
            RiskLevel = RiskLevel.Medium,
        });
        var d = dispute.Id;
        dispute = await api.AcceptDisputeAsync(township, d, Version(dispute.Version), new AcceptDisputeRequest { At = At(3, 6), Procedure = MediationProcedure.General });
        dispute = await api.AssignDisputeAsync(township, d, Version(dispute.Version), new AssignDisputeRequest { LeaderId = "li", Mediators = new List<string> { "zhao" } });
        dispute = await api.MediateDisputeAsync(township, d, Version(dispute.Version), new MediateRequest { At = At(3, 10), Note = "首次调解" });
        dispute = await api.ExtendDisputeAsync(township, d, Version(dispute.Version), new ExtendDisputeRequest { Days = 10, Reason = "当事人同意延期", ApprovedBy = "王书记" });
        dispute = await api.ResolveDisputeAsync(township, d, Version(dispute.Version), new ResolveDisputeRequest { At = At(3, 20), Procedure = MediationProcedure.General, Agreement = AgreementForm.Written });
        dispute = await api.FollowUpDisputeAsync(township, d, Version(dispute.Version), new FollowUpRequest { At = At(4, 1), Fulfilled = FollowUpResult.Fulfilled });
        log.Add($"dispute {dispute.Status.ToString().ToLowerInvariant()}");
        var failed = await api.RegisterDisputeAsync(township, null, new RegisterDisputeRequest
        {
            Source = DisputeSource.Application, ReportedAt = At(3, 5), Category = "邻里", Subject = "噪音", Summary = "楼上噪音扰民",
            Parties = new List<PersonRequest> { new() { Name = "赵六" } }, RiskLevel = RiskLevel.Low,
        });
        failed = await api.AcceptDisputeAsync(township, failed.Id, null, new AcceptDisputeRequest { At = At(3, 6) });
        failed = await api.FailDisputeAsync(township, failed.Id, null, new FailDisputeRequest { At = At(3, 20), Referral = ReferralRoute.Litigation, Note = "一方拒绝调解" });
        log.Add($"dispute {failed.Status.ToString().ToLowerInvariant()} referral {failed.Referral}");
        log.Add($"dispute events {(await api.GetDisputeEventsAsync(township, d)).Count}");

        // The year's figures.
        var rollup = await api.GetTownshipRollupAsync(township, 2024, null);
        log.Add($"rollup petitions {rollup.Petitions.Registered} disputes {rollup.Disputes.Registered} resolution {rollup.Disputes.ResolutionRate.Value}");
        return log;
    }

    private static async Task Expect(List<string> log, Func<Task> call)
    {
        try
        {
            await call();
            log.Add("no error");
        }
        catch (CaseGrainsApiException<Problem> problem)
        {
            var errors = problem.Result.Errors is { Count: > 0 } fields ? " errors:" + string.Join(",", fields.Keys) : "";
            log.Add($"problem {problem.Result.Status} {problem.Result.Code} {problem.Result.MessageZh}{errors}");
        }
    }
}
