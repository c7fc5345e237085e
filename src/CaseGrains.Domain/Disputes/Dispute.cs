using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Rollups;
using static CaseGrains.Domain.Disputes.DisputeStatus;

namespace CaseGrains.Domain.Disputes;

/// <summary>
/// 矛盾纠纷 — the dispute decider, same discipline as <see cref="Petitions.Petition"/>.
/// </summary>
/// <remarks>
/// Lifecycle: registered → accepted → resolved → closed (followed up); registered/accepted →
/// failed. A dispute may fail before acceptance because mediation is voluntary: when a party
/// refuses, it is not mediated and the routes are told (人民调解法 art. 17, 26). The settlement
/// limit (default 30 days from acceptance, 《人民调解工作若干规定》 art. 33) may be extended once,
/// with the parties' consent, by at most the configured number of days; a single extension keeps
/// "as of" rollups exact, and a mediation that needs more time than that is better ended and
/// referred than left open. Nothing closes on its own when the limit passes.
/// </remarks>
public static class Dispute
{
    /// <summary>Decides a command against the current state.</summary>
    public static Decision<DisputeEvent> Decide(DisputeState state, DisputeCommand command, DisputeContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(context);
        if (command is RegisterDispute register)
        {
            return Register(state, register, context);
        }

        if (!state.Exists)
        {
            return Errors.CaseNotFound();
        }

        return command switch
        {
            AcceptDispute c => Accept(state, c, context),
            AssignDispute c => Assign(state, c, context),
            RecordMediation c => Mediate(state, c, context),
            ResolveDispute c => Resolve(state, c, context),
            FailDispute c => Fail(state, c, context),
            FollowUpDispute c => FollowUp(state, c, context),
            ExtendDispute c => Extend(state, c, context),
            NoteDisputeDeadline c => Note(state, c, context),
            _ => throw new ArgumentException($"Unknown dispute command {command.GetType().Name}.", nameof(command)),
        };
    }

    /// <summary>Applies one event.</summary>
    public static DisputeState Evolve(DisputeState state, DisputeEvent e)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(e);
        return e switch
        {
            DisputeRegistered r => DisputeState.Empty with
            {
                Exists = true,
                Id = r.CaseId,
                TownshipId = r.TownshipId,
                Status = Registered,
                Source = r.Source,
                ReportedAt = r.ReportedAt,
                RegisteredOn = r.RegisteredOn,
                Category = r.Category,
                Subject = r.Subject,
                Summary = r.Summary,
                Parties = r.Parties,
                Village = r.Village,
                RiskLevel = r.RiskLevel,
                LastStepAt = r.ReportedAt,
            },
            DisputeAccepted a => state with
            {
                Status = Accepted,
                AcceptedAt = a.At,
                PlannedProcedure = a.PlannedProcedure,
                SettlementDays = a.SettlementDays,
                SettlementDueOn = a.SettlementDueOn,
                BaseSettlementDueOn = a.SettlementDueOn,
                LastStepAt = Guard.NotBefore(a.At, state.LastStepAt),
            },
            DisputeAssigned a => state with { LeaderId = a.LeaderId, Mediators = a.Mediators },
            MediationRecorded m => state with
            {
                MediationCount = state.MediationCount + 1,
                LastStepAt = Guard.NotBefore(m.At, state.LastStepAt),
            },
            DisputeResolved r => state with
            {
                Status = Resolved,
                ResolvedAt = r.At,
                Procedure = r.Procedure,
                Agreement = r.Agreement,
                SettledOnTime = r.OnTime,
                LastStepAt = Guard.NotBefore(r.At, state.LastStepAt),
            },
            DisputeFailed f => state with
            {
                Status = Failed,
                FailedAt = f.At,
                Referral = f.Referral,
                FailureNote = f.Note,
                SettledOnTime = f.OnTime,
                LastStepAt = Guard.NotBefore(f.At, state.LastStepAt),
            },
            DisputeFollowedUp f => state with
            {
                Status = Closed,
                FollowedUpAt = f.At,
                FollowUp = f.Fulfilled,
                LastStepAt = Guard.NotBefore(f.At, state.LastStepAt),
            },
            DisputeExtended x => state with
            {
                ExtendedDays = x.Days,
                ExtensionReason = x.Reason,
                ExtensionApprovedBy = x.ApprovedBy,
                ExtendedAt = x.At,
                SettlementDueOn = x.SettlementDueOn,
            },
            DisputeBecameDueSoon a => state with { Alert = new DeadlineAlert(a.Kind, a.DueOn, AlertLevel.DueSoon) },
            DisputeBecameOverdue a => state with { Alert = new DeadlineAlert(a.Kind, a.DueOn, AlertLevel.Overdue) },
            _ => throw new ArgumentException($"Unknown dispute event {e.GetType().Name}.", nameof(e)),
        };
    }

    /// <summary>The state after all <paramref name="events"/>, from <see cref="DisputeState.Empty"/>.</summary>
    public static DisputeState Fold(IEnumerable<DisputeEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.Aggregate(DisputeState.Empty, Evolve);
    }

    /// <summary>The settlement clock while accepted; no clock runs before acceptance or after settlement.</summary>
    public static (DeadlineKind Kind, DateOnly DueOn)? CurrentDeadline(DisputeState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.Exists && s.Status == Accepted && s.SettlementDueOn is { } due
            ? (DeadlineKind.DisputeSettlement, due)
            : null;
    }

    /// <summary>Where the current clock stands at <paramref name="now"/>, or null when none runs.</summary>
    public static DeadlineStatus? DeadlineStatus(DisputeState s, DeadlinePolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return CurrentDeadline(s) is { } d ? policy.StatusOf(d.Kind, d.DueOn, now) : null;
    }

    /// <summary>The personal-data-free summary a rollup, an alert or a list row needs.</summary>
    /// <exception cref="InvalidOperationException">The dispute is not registered.</exception>
    public static CaseSummary Summarize(DisputeState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!s.Exists)
        {
            throw new InvalidOperationException("A dispute that is not registered has no summary.");
        }

        var current = CurrentDeadline(s);
        return new CaseSummary
        {
            Id = s.Id,
            TownshipId = s.TownshipId,
            Kind = CaseKind.Dispute,
            Status = CaseSummary.ApiName(s.Status),
            Year = s.RegisteredOn.Year,
            Subject = s.Subject,
            Category = s.Category,
            Village = s.Village,
            LeaderId = s.LeaderId,
            RegisteredAt = s.ReportedAt,
            RegisteredOn = s.RegisteredOn,
            AcceptedAt = s.AcceptedAt,
            ConcludedAt = s.ResolvedAt ?? s.FailedAt,
            Source = s.Source,
            RiskLevel = s.RiskLevel,
            ResolvedAt = s.ResolvedAt,
            FailedAt = s.FailedAt,
            Referral = s.Referral,
            FollowedUpAt = s.FollowedUpAt,
            FollowUp = s.FollowUp,
            Procedure = s.Procedure,
            Agreement = s.Agreement,
            HandlingDueOn = s.SettlementDueOn,
            BaseHandlingDueOn = s.BaseSettlementDueOn,
            ExtendedDays = s.ExtendedDays,
            ExtendedAt = s.ExtendedAt,
            ConcludedOnTime = s.SettledOnTime,
            DueOn = current?.DueOn,
            DeadlineKind = current?.Kind,
            Alert = DeadlineAlerts.InForce(s.Alert, current)?.Level,
        };
    }

    /// <summary>The clock's look at the running deadline: «即将到期» or «已超期» recorded once, nothing else changed.</summary>
    private static Decision<DisputeEvent> Note(DisputeState s, NoteDisputeDeadline c, DisputeContext ctx)
        => DeadlineAlerts.Note<DisputeEvent>(ctx.Policy, s.Alert, CurrentDeadline(s), c.At,
            (kind, due, at) => new DisputeBecameDueSoon(kind, due, at), (kind, due, at) => new DisputeBecameOverdue(kind, due, at));

    private static Decision<DisputeEvent> Register(DisputeState state, RegisterDispute c, DisputeContext ctx)
    {
        if (state.Exists)
        {
            return Errors.CaseAlreadyExists(state.Id);
        }

        var policy = ctx.Policy;
        var error = Guard.Text(c.TownshipId, "townshipId", "乡镇")
            ?? (CaseNumber.IsValid(c.CaseId, CaseKind.Dispute) ? null : Errors.CaseInvalidId(c.CaseId, CaseKind.Dispute))
            ?? Guard.Defined(c.Source, "source")
            ?? Guard.Defined(c.RiskLevel, "riskLevel")
            ?? (c.ReportedAt > ctx.Now + policy.Settings.MaxFutureSkew ? Errors.InFuture("reportedAt", c.ReportedAt, ctx.Now) : null)
            ?? Guard.Text(c.Category, "category", "纠纷类别")
            ?? Guard.Text(c.Subject, "subject", "事由")
            ?? Guard.Text(c.Summary, "summary", "基本情况")
            ?? CheckParties(c.Parties);
        if (error is not null)
        {
            return error;
        }

        if (!DisputeCategories.TryNormalize(policy.Settings.DisputeCategories, c.Category, out var category))
        {
            return Errors.Of(
                ErrorCodes.DisputeUnknownCategory,
                $"纠纷类别“{c.Category}”不在配置的类别中。",
                $"'{c.Category}' is not a configured dispute category.",
                "category");
        }

        return Decision<DisputeEvent>.Ok(new DisputeRegistered(
            c.TownshipId.Trim(),
            c.CaseId,
            c.Source,
            c.ReportedAt,
            policy.LocalDate(c.ReportedAt),
            category,
            c.Subject.Trim(),
            c.Summary.Trim(),
            [.. c.Parties.Select(p => p with { Name = p.Name.Trim() })],
            string.IsNullOrWhiteSpace(c.Village) ? null : c.Village.Trim(),
            c.RiskLevel));
    }

    private static DomainError? CheckParties(IReadOnlyList<Person>? parties) => Guard.People(
        parties, "parties", "当事人姓名",
        Errors.Of(ErrorCodes.DisputeNoParty, "至少需要登记一名当事人。", "At least one party is required.", "parties"));

    private static Decision<DisputeEvent> Accept(DisputeState s, AcceptDispute c, DisputeContext ctx)
    {
        var error = Expect(s, s.Status == Accepted ? ErrorCodes.DisputeNotRegistered : ErrorCodes.DisputeAlreadySettled, Registered)
            ?? (c.Procedure is { } p ? Guard.Defined(p, "procedure") : null)
            ?? When(s, c.At, ctx);
        if (error is not null)
        {
            return error;
        }

        var days = ctx.Policy.DisputeDaysFor(s.Category, c.Procedure);
        var due = ctx.Policy.DueAfter(ctx.Policy.LocalDate(c.At), days);
        return Decision<DisputeEvent>.Ok(new DisputeAccepted(c.At, c.Procedure, days, due));
    }

    private static Decision<DisputeEvent> Assign(DisputeState s, AssignDispute c, DisputeContext ctx)
    {
        var leader = string.Empty;
        var error = Expect(s, ErrorCodes.DisputeAlreadySettled, Registered, Accepted)
            ?? Guard.ActiveLeader(c.LeaderId, ctx.ActiveLeaders, out leader);
        if (error is not null)
        {
            return error;
        }

        var mediators = Guard.CleanIds(c.Mediators);
        if (s.LeaderId == leader && s.Mediators.SequenceEqual(mediators, StringComparer.Ordinal))
        {
            return Decision<DisputeEvent>.Ok();
        }

        return Decision<DisputeEvent>.Ok(new DisputeAssigned(leader, mediators));
    }

    private static Decision<DisputeEvent> Mediate(DisputeState s, RecordMediation c, DisputeContext ctx)
    {
        var error = ExpectAccepted(s)
            ?? Guard.Text(c.Note, "note", "调解情况")
            ?? When(s, c.At, ctx);
        return error ?? Decision<DisputeEvent>.Ok(new MediationRecorded(c.At, c.Note.Trim()));
    }

    private static Decision<DisputeEvent> Resolve(DisputeState s, ResolveDispute c, DisputeContext ctx)
    {
        var error = ExpectAccepted(s)
            ?? Guard.Defined(c.Procedure, "procedure")
            ?? Guard.Defined(c.Agreement, "agreement")
            ?? When(s, c.At, ctx);
        if (error is not null)
        {
            return error;
        }

        var onTime = s.SettlementDueOn is { } due && ctx.Policy.LocalDate(c.At) <= due;
        return Decision<DisputeEvent>.Ok(new DisputeResolved(c.At, c.Procedure, c.Agreement, onTime));
    }

    private static Decision<DisputeEvent> Fail(DisputeState s, FailDispute c, DisputeContext ctx)
    {
        var error = Expect(s, ErrorCodes.DisputeAlreadySettled, Registered, Accepted)
            ?? Guard.Defined(c.Referral, "referral")
            ?? Guard.Text(c.Note, "note", "调解不成说明")
            ?? When(s, c.At, ctx);
        if (error is not null)
        {
            return error;
        }

        bool? onTime = s.SettlementDueOn is { } due ? ctx.Policy.LocalDate(c.At) <= due : null;
        return Decision<DisputeEvent>.Ok(new DisputeFailed(c.At, c.Referral, c.Note.Trim(), onTime));
    }

    private static Decision<DisputeEvent> FollowUp(DisputeState s, FollowUpDispute c, DisputeContext ctx)
    {
        var error = Expect(s, s.Status == Closed ? ErrorCodes.DisputeAlreadyFollowedUp : ErrorCodes.DisputeNotResolved, Resolved)
            ?? Guard.Defined(c.Fulfilled, "fulfilled")
            ?? When(s, c.At, ctx);
        return error ?? Decision<DisputeEvent>.Ok(new DisputeFollowedUp(c.At, c.Fulfilled));
    }

    private static Decision<DisputeEvent> Extend(DisputeState s, ExtendDispute c, DisputeContext ctx)
    {
        var error = ExpectAccepted(s);
        if (error is not null)
        {
            return error;
        }

        if (s.ExtendedDays > 0)
        {
            return Errors.Of(
                ErrorCodes.DisputeAlreadyExtended,
                $"此纠纷已延期 {s.ExtendedDays} 日，只能延期一次。",
                $"The settlement limit was already extended by {s.ExtendedDays} days; it may be extended only once.");
        }

        var max = ctx.Policy.Settings.DisputeMaxExtensionDays;
        if (c.Days < 1 || c.Days > max)
        {
            return Errors.Of(ErrorCodes.DisputeExtensionDaysOutOfRange, $"延期天数应为 1 至 {max} 日。", $"An extension is 1 to {max} days.", "days");
        }

        error = Guard.Text(c.Reason, "reason", "延期理由") ?? Guard.Text(c.ApprovedBy, "approvedBy", "确认人");
        if (error is not null)
        {
            return error;
        }

        var acceptedOn = ctx.Policy.LocalDate(s.AcceptedAt!.Value);
        var due = ctx.Policy.DueAfter(acceptedOn, s.SettlementDays + c.Days);
        return Decision<DisputeEvent>.Ok(new DisputeExtended(
            c.Days, c.Reason.Trim(), c.ApprovedBy.Trim(), Guard.NotBefore(ctx.Now, s.LastStepAt), due));
    }

    private static DomainError? ExpectAccepted(DisputeState s) =>
        Expect(s, s.Status == Registered ? ErrorCodes.DisputeNotAccepted : ErrorCodes.DisputeAlreadySettled, Accepted);

    private static DomainError? When(DisputeState s, DateTimeOffset at, DisputeContext ctx) =>
        Guard.Instant(at, ctx.Now, ctx.Policy.Settings.MaxFutureSkew, s.ReportedAt, s.LastStepAt);

    private static DomainError? Expect(DisputeState s, string otherwise, params ReadOnlySpan<DisputeStatus> allowed)
    {
        foreach (var status in allowed)
        {
            if (s.Status == status)
            {
                return null;
            }
        }

        var now = s.Status switch
        {
            Registered => "已登记",
            Accepted => "调解中",
            Resolved => "已化解",
            Failed => "调解不成",
            Closed => "已回访结案",
            _ => s.Status.ToString(),
        };
        return otherwise switch
        {
            ErrorCodes.DisputeNotRegistered => Errors.Of(otherwise, $"此纠纷已受理（当前：{now}）。", $"The dispute was already accepted (now: {s.Status})."),
            ErrorCodes.DisputeNotAccepted => Errors.Of(otherwise, "此纠纷尚未受理。", "The dispute has not been accepted."),
            ErrorCodes.DisputeAlreadySettled => Errors.Of(otherwise, $"此纠纷已调处完毕（当前：{now}）。", $"The dispute is already settled (now: {s.Status})."),
            ErrorCodes.DisputeNotResolved => Errors.Of(otherwise, $"只有已化解的纠纷才能回访（当前：{now}）。", $"Only a resolved dispute can be followed up (now: {s.Status})."),
            ErrorCodes.DisputeAlreadyFollowedUp => Errors.Of(otherwise, "此纠纷已回访。", "The dispute was already followed up."),
            _ => Errors.Of(otherwise, $"当前状态（{now}）不允许此操作。", $"Not allowed in the current status ({s.Status})."),
        };
    }
}
