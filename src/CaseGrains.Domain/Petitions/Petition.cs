using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Rollups;
using static CaseGrains.Domain.Petitions.PetitionStatus;

namespace CaseGrains.Domain.Petitions;

/// <summary>
/// 信访件 — the petition decider: <see cref="Decide"/> turns a command into events or a domain
/// error, <see cref="Evolve"/> applies an event. Pure: time comes in through the context, and
/// nothing here ever closes a case on its own because a deadline passed.
/// </summary>
/// <remarks>
/// Lifecycle: registered → accepted → concluded → underReview → reviewed → underRecheck → final;
/// registered → declined; registered/accepted → withdrawn. Every dated step must not be in the
/// future (beyond the allowed skew), before the case was received, or before the previous dated
/// step. Evaluation is recorded once (the same rating again is a no-op, a different one an error)
/// so that 满意率 cannot be improved by re-asking. Extension and evaluation are stamped with the
/// context's clock.
/// </remarks>
public static class Petition
{
    /// <summary>Decides a command against the current state.</summary>
    public static Decision<PetitionEvent> Decide(PetitionState state, PetitionCommand command, PetitionContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(context);
        if (command is RegisterPetition register)
        {
            return Register(state, register, context);
        }

        if (!state.Exists)
        {
            return Errors.CaseNotFound();
        }

        return command switch
        {
            AcceptPetition c => Accept(state, c, context),
            DeclinePetition c => Decline(state, c, context),
            AssignPetition c => Assign(state, c, context),
            RecordPetitionProgress c => Progress(state, c, context),
            ExtendPetition c => Extend(state, c, context),
            ChangePlatformDeadline c => ChangePlatform(state, c),
            ConcludePetition c => Conclude(state, c, context),
            EvaluatePetition c => Evaluate(state, c, context),
            RequestReview c => RequestReview(state, c, context),
            ConcludeReview c => ConcludeReview(state, c, context),
            RequestRecheck c => RequestRecheck(state, c, context),
            StartRecheckHearing c => StartHearing(state, c, context),
            EndRecheckHearing c => EndHearing(state, c, context),
            ConcludeRecheck c => ConcludeRecheck(state, c, context),
            WithdrawPetition c => Withdraw(state, c, context),
            LinkRepeat c => Link(state, c),
            NotePetitionDeadline c => Note(state, c, context),
            _ => throw new ArgumentException($"Unknown petition command {command.GetType().Name}.", nameof(command)),
        };
    }

    /// <summary>Applies one event. Total: it trusts that <see cref="Decide"/> produced the event.</summary>
    public static PetitionState Evolve(PetitionState state, PetitionEvent e)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(e);
        return e switch
        {
            PetitionRegistered r => PetitionState.Empty with
            {
                Exists = true,
                Id = r.CaseId,
                TownshipId = r.TownshipId,
                Status = Registered,
                Channel = r.Channel,
                ReceivedAt = r.ReceivedAt,
                RegisteredOn = r.RegisteredOn,
                Subject = r.Subject,
                Summary = r.Summary,
                Category = r.Category,
                Petitioners = r.Petitioners,
                Headcount = r.Headcount,
                Collective = r.Collective,
                Village = r.Village,
                RepeatOf = r.RepeatOf,
                ExternalOrderId = r.ExternalOrderId,
                PlatformDueOn = r.PlatformDueOn,
                RuleSet = r.RuleSet,
                AcceptanceDueOn = r.AcceptanceDueOn,
                LastStepAt = r.ReceivedAt,
            },
            PetitionAccepted a => state with
            {
                Status = Accepted,
                AcceptedAt = a.At,
                HandlingDueOn = a.HandlingDueOn,
                BaseHandlingDueOn = a.HandlingDueOn,
                LastStepAt = Guard.NotBefore(a.At, state.LastStepAt),
            },
            PetitionDeclined d => state with
            {
                Status = Declined,
                DeclinedAt = d.At,
                DeclineReason = d.Reason,
                DeclineRoute = d.Route,
                LastStepAt = Guard.NotBefore(d.At, state.LastStepAt),
            },
            PetitionAssigned a => state with { LeaderId = a.LeaderId, Handlers = a.Handlers },
            PetitionProgressRecorded p => state with
            {
                ProgressCount = state.ProgressCount + 1,
                LastStepAt = Guard.NotBefore(p.At, state.LastStepAt),
            },
            PetitionExtended x => state with
            {
                ExtendedDays = x.Days,
                ExtensionReason = x.Reason,
                ExtensionApprovedBy = x.ApprovedBy,
                ExtendedAt = x.At,
                HandlingDueOn = x.HandlingDueOn,
            },
            PlatformDeadlineChanged p => state with
            {
                PlatformDueOn = p.PlatformDueOn,
                HandlingDueOn = p.HandlingDueOn ?? state.HandlingDueOn,
                BaseHandlingDueOn = p.HandlingDueOn ?? state.BaseHandlingDueOn,
            },
            PetitionConcluded c => state with
            {
                Status = Concluded,
                ConcludedAt = c.At,
                Outcome = c.Outcome,
                Reply = c.Reply,
                ConcludedOnTime = c.OnTime,
                ReviewRequestDueOn = c.ReviewRequestDueOn,
                LastStepAt = Guard.NotBefore(c.At, state.LastStepAt),
            },
            PetitionEvaluated v => state with { Rating = v.Rating, EvaluatedAt = v.At },
            ReviewRequested r => state with
            {
                Status = UnderReview,
                ReviewRequestedAt = r.At,
                ReviewAnswerDueOn = r.AnswerDueOn,
                LastStepAt = Guard.NotBefore(r.At, state.LastStepAt),
            },
            ReviewConcluded r => state with
            {
                Status = Reviewed,
                ReviewConcludedAt = r.At,
                ReviewDecision = r.Decision,
                RecheckRequestDueOn = r.RecheckRequestDueOn,
                LastStepAt = Guard.NotBefore(r.At, state.LastStepAt),
            },
            RecheckRequested r => state with
            {
                Status = UnderRecheck,
                RecheckRequestedAt = r.At,
                RecheckAnswerDueOn = r.AnswerDueOn,
                LastStepAt = Guard.NotBefore(r.At, state.LastStepAt),
            },
            RecheckHearingStarted h => state with
            {
                HearingStartedAt = h.At,
                LastStepAt = Guard.NotBefore(h.At, state.LastStepAt),
            },
            RecheckHearingEnded h => state with
            {
                HearingStartedAt = null,
                HearingDays = state.HearingDays + h.PausedDays,
                RecheckAnswerDueOn = h.AnswerDueOn,
                LastStepAt = Guard.NotBefore(h.At, state.LastStepAt),
            },
            RecheckConcluded r => state with
            {
                Status = Final,
                RecheckConcludedAt = r.At,
                RecheckDecision = r.Decision,
                LastStepAt = Guard.NotBefore(r.At, state.LastStepAt),
            },
            PetitionWithdrawn w => state with
            {
                Status = Withdrawn,
                WithdrawnAt = w.At,
                WithdrawReason = w.Reason,
                LastStepAt = Guard.NotBefore(w.At, state.LastStepAt),
            },
            RepeatLinked l => state with { RepeatOf = l.RepeatOf },
            PetitionBecameDueSoon a => state with { Alert = new DeadlineAlert(a.Kind, a.DueOn, AlertLevel.DueSoon) },
            PetitionBecameOverdue a => state with { Alert = new DeadlineAlert(a.Kind, a.DueOn, AlertLevel.Overdue) },
            _ => throw new ArgumentException($"Unknown petition event {e.GetType().Name}.", nameof(e)),
        };
    }

    /// <summary>The state after all <paramref name="events"/>, from <see cref="PetitionState.Empty"/>.</summary>
    public static PetitionState Fold(IEnumerable<PetitionEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.Aggregate(PetitionState.Empty, Evolve);
    }

    /// <summary>
    /// The officer's clock running now, or null when none runs: the acceptance notice while
    /// registered, handling while accepted (a 12345 order: the platform's date, and while still
    /// registered whichever of the two comes first), the review answer while under review, the
    /// re-check answer while under re-check (none during a hearing, whose days do not count).
    /// The petitioner's windows to ask for a review or re-check are not officer deadlines.
    /// </summary>
    public static (DeadlineKind Kind, DateOnly DueOn)? CurrentDeadline(PetitionState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!s.Exists)
        {
            return null;
        }

        var hotline = s.Channel == PetitionChannel.Hotline12345;
        return s.Status switch
        {
            Registered when hotline && s.PlatformDueOn is { } p && p < s.AcceptanceDueOn => (DeadlineKind.PlatformOrder, p),
            Registered => (DeadlineKind.AcceptanceNotice, s.AcceptanceDueOn),
            Accepted when s.HandlingDueOn is { } h => (hotline ? DeadlineKind.PlatformOrder : DeadlineKind.Handling, h),
            UnderReview when s.ReviewAnswerDueOn is { } r => (DeadlineKind.ReviewAnswer, r),
            UnderRecheck when s.HearingStartedAt is null && s.RecheckAnswerDueOn is { } r => (DeadlineKind.RecheckAnswer, r),
            _ => null,
        };
    }

    /// <summary>Where the current clock stands at <paramref name="now"/>, or null when none runs; for views and alerts.</summary>
    public static DeadlineStatus? DeadlineStatus(PetitionState s, DeadlinePolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return CurrentDeadline(s) is { } d ? policy.StatusOf(d.Kind, d.DueOn, now) : null;
    }

    /// <summary>The personal-data-free summary a rollup, an alert or a list row needs.</summary>
    /// <exception cref="InvalidOperationException">The petition is not registered.</exception>
    public static CaseSummary Summarize(PetitionState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!s.Exists)
        {
            throw new InvalidOperationException("A petition that is not registered has no summary.");
        }

        var current = CurrentDeadline(s);
        return new CaseSummary
        {
            Id = s.Id,
            TownshipId = s.TownshipId,
            Kind = CaseKind.Petition,
            Status = CaseSummary.ApiName(s.Status),
            Year = s.RegisteredOn.Year,
            Subject = s.Subject,
            Category = s.Category,
            Village = s.Village,
            LeaderId = s.LeaderId,
            RegisteredAt = s.ReceivedAt,
            RegisteredOn = s.RegisteredOn,
            AcceptedAt = s.AcceptedAt,
            DeclinedAt = s.DeclinedAt,
            ConcludedAt = s.ConcludedAt,
            WithdrawnAt = s.WithdrawnAt,
            Channel = s.Channel,
            Repeat = s.RepeatOf is not null,
            RepeatOf = s.RepeatOf,
            Collective = s.Collective,
            Headcount = s.Headcount ?? s.Petitioners.Count,
            ExternalOrderId = s.ExternalOrderId,
            PlatformDueOn = s.PlatformDueOn,
            Outcome = s.Outcome,
            Rating = s.Rating,
            EvaluatedAt = s.EvaluatedAt,
            ReviewRequestedAt = s.ReviewRequestedAt,
            ReviewConcludedAt = s.ReviewConcludedAt,
            RecheckRequestedAt = s.RecheckRequestedAt,
            FinalAt = s.RecheckConcludedAt,
            AcceptanceDueOn = s.AcceptanceDueOn,
            HandlingDueOn = s.HandlingDueOn,
            BaseHandlingDueOn = s.BaseHandlingDueOn,
            ExtendedDays = s.ExtendedDays,
            ExtendedAt = s.ExtendedAt,
            ConcludedOnTime = s.ConcludedOnTime,
            DueOn = current?.DueOn,
            DeadlineKind = current?.Kind,
            Alert = DeadlineAlerts.InForce(s.Alert, current)?.Level,
        };
    }

    /// <summary>The clock's look at the running deadline: «即将到期» or «已超期» recorded once, nothing else changed.</summary>
    private static Decision<PetitionEvent> Note(PetitionState s, NotePetitionDeadline c, PetitionContext ctx)
        => DeadlineAlerts.Note<PetitionEvent>(ctx.Policy, s.Alert, CurrentDeadline(s), c.At,
            (kind, due, at) => new PetitionBecameDueSoon(kind, due, at), (kind, due, at) => new PetitionBecameOverdue(kind, due, at));

    private static Decision<PetitionEvent> Register(PetitionState state, RegisterPetition c, PetitionContext ctx)
    {
        if (state.Exists)
        {
            return Errors.CaseAlreadyExists(state.Id);
        }

        var policy = ctx.Policy;
        var error = Guard.Text(c.TownshipId, "townshipId", "乡镇")
            ?? (CaseNumber.IsValid(c.CaseId, CaseKind.Petition) ? null : Errors.CaseInvalidId(c.CaseId, CaseKind.Petition))
            ?? Guard.Defined(c.Channel, "channel")
            ?? (c.ReceivedAt > ctx.Now + policy.Settings.MaxFutureSkew ? Errors.InFuture("receivedAt", c.ReceivedAt, ctx.Now) : null)
            ?? Guard.Text(c.Subject, "subject", "事由")
            ?? Guard.Text(c.Summary, "summary", "主要诉求")
            ?? Guard.Text(c.Category, "category", "问题类别")
            ?? CheckPetitioners(c.Petitioners, c.Headcount);
        if (error is not null)
        {
            return error;
        }

        var registeredOn = policy.LocalDate(c.ReceivedAt);
        var hotline = c.Channel == PetitionChannel.Hotline12345;
        if (hotline)
        {
            if (string.IsNullOrWhiteSpace(c.ExternalOrderId))
            {
                return HotlineOrderRequired("externalOrderId");
            }

            if (c.PlatformDueOn is not { } due)
            {
                return HotlineOrderRequired("platformDueOn");
            }

            if (due < registeredOn)
            {
                return PlatformDueBeforeReceived(due, registeredOn);
            }
        }
        else if (!string.IsNullOrWhiteSpace(c.ExternalOrderId) || c.PlatformDueOn is not null)
        {
            return Errors.Of(
                ErrorCodes.PetitionNotHotline,
                "只有 12345 热线工单才有工单号和平台期限。",
                "Only a 12345 hotline petition carries an order id and a platform deadline.",
                string.IsNullOrWhiteSpace(c.ExternalOrderId) ? "platformDueOn" : "externalOrderId");
        }

        var repeatOf = string.IsNullOrWhiteSpace(c.RepeatOf) ? null : c.RepeatOf.Trim();
        if (repeatOf is not null && (!CaseNumber.IsValid(repeatOf, CaseKind.Petition) || repeatOf == c.CaseId))
        {
            return RepeatOfInvalid(repeatOf);
        }

        var petitioners = c.Petitioners.Select(p => p with { Name = p.Name.Trim() }).ToArray();
        var rules = policy.RuleSetFor(registeredOn);
        return Decision<PetitionEvent>.Ok(new PetitionRegistered(
            c.TownshipId.Trim(),
            c.CaseId,
            c.Channel,
            c.ReceivedAt,
            registeredOn,
            c.Subject.Trim(),
            c.Summary.Trim(),
            c.Category.Trim(),
            petitioners,
            c.Headcount,
            policy.IsCollective(c.Headcount ?? petitioners.Length),
            string.IsNullOrWhiteSpace(c.Village) ? null : c.Village.Trim(),
            repeatOf,
            hotline ? c.ExternalOrderId!.Trim() : null,
            hotline ? c.PlatformDueOn : null,
            rules.Name,
            policy.DueAfter(registeredOn, rules.AcceptanceNoticeDays)));
    }

    private static DomainError? CheckPetitioners(IReadOnlyList<Person>? petitioners, int? headcount)
    {
        var error = Guard.People(petitioners, "petitioners", "信访人姓名",
            Errors.Of(ErrorCodes.PetitionNoPetitioner, "至少需要登记一名信访人。", "At least one petitioner is required.", "petitioners"));
        if (error is not null)
        {
            return error;
        }

        // Guard.People has refused an empty or missing list.
        var named = petitioners!.Count;
        if (headcount is { } n && (n < 1 || n < named))
        {
            return Errors.Of(
                ErrorCodes.PetitionHeadcountInvalid,
                $"人数 {n} 无效：至少为 1，且不少于登记的信访人数 {named}。",
                $"Headcount {n} is invalid: it must be at least 1 and not less than the {named} petitioners named.",
                "headcount");
        }

        return null;
    }

    private static Decision<PetitionEvent> Accept(PetitionState s, AcceptPetition c, PetitionContext ctx)
    {
        var error = Expect(s, ErrorCodes.PetitionNotRegistered, Registered) ?? When(s, c.At, ctx);
        if (error is not null)
        {
            return error;
        }

        var due = s.Channel == PetitionChannel.Hotline12345 && s.PlatformDueOn is { } platform
            ? platform
            : ctx.Policy.DueAfter(ctx.Policy.LocalDate(c.At), Rules(s, ctx).HandlingDays);
        return Decision<PetitionEvent>.Ok(new PetitionAccepted(c.At, due));
    }

    private static Decision<PetitionEvent> Decline(PetitionState s, DeclinePetition c, PetitionContext ctx)
    {
        var error = Expect(s, ErrorCodes.PetitionNotRegistered, Registered)
            ?? Guard.Text(c.Reason, "reason", "不予受理理由")
            ?? Guard.Defined(c.Route, "route")
            ?? When(s, c.At, ctx);
        return error ?? Decision<PetitionEvent>.Ok(new PetitionDeclined(c.At, c.Reason.Trim(), c.Route));
    }

    private static Decision<PetitionEvent> Assign(PetitionState s, AssignPetition c, PetitionContext ctx)
    {
        var leader = string.Empty;
        var error = Expect(s, ErrorCodes.PetitionAlreadyConcluded, Registered, Accepted)
            ?? Guard.ActiveLeader(c.LeaderId, ctx.ActiveLeaders, out leader);
        if (error is not null)
        {
            return error;
        }

        var handlers = Guard.CleanIds(c.Handlers);
        if (s.LeaderId == leader && s.Handlers.SequenceEqual(handlers, StringComparer.Ordinal))
        {
            return Decision<PetitionEvent>.Ok();
        }

        return Decision<PetitionEvent>.Ok(new PetitionAssigned(leader, handlers));
    }

    private static Decision<PetitionEvent> Progress(PetitionState s, RecordPetitionProgress c, PetitionContext ctx)
    {
        var error = Expect(s, ErrorCodes.PetitionNotInProgress, Registered, Accepted, UnderReview, UnderRecheck)
            ?? Guard.Text(c.Note, "note", "办理情况")
            ?? When(s, c.At, ctx);
        return error ?? Decision<PetitionEvent>.Ok(new PetitionProgressRecorded(c.At, c.Note.Trim()));
    }

    private static Decision<PetitionEvent> Extend(PetitionState s, ExtendPetition c, PetitionContext ctx)
    {
        var rules = Rules(s, ctx);
        var error = Expect(s, s.Status == Registered ? ErrorCodes.PetitionNotAccepted : ErrorCodes.PetitionAlreadyConcluded, Accepted);
        if (error is not null)
        {
            return error;
        }

        if (s.Channel == PetitionChannel.Hotline12345)
        {
            return Errors.Of(
                ErrorCodes.PetitionHotlineExtension,
                "12345 工单的期限由平台确定，请在平台申请延期后登记新的平台期限。",
                "A 12345 work order's deadline is set by the platform: get the extension there and record the new platform deadline.",
                "days");
        }

        if (s.ExtendedDays > 0)
        {
            return Errors.Of(
                ErrorCodes.PetitionAlreadyExtended,
                $"此信访事项已延期 {s.ExtendedDays} 日，只能延期一次。",
                $"The handling limit was already extended by {s.ExtendedDays} days; it may be extended only once.");
        }

        if (c.Days < 1 || c.Days > rules.MaxExtensionDays)
        {
            return Errors.Of(
                ErrorCodes.PetitionExtensionDaysOutOfRange,
                $"延期天数应为 1 至 {rules.MaxExtensionDays} 日。",
                $"An extension is 1 to {rules.MaxExtensionDays} days.",
                "days");
        }

        error = Guard.Text(c.Reason, "reason", "延期理由") ?? Guard.Text(c.ApprovedBy, "approvedBy", "批准人");
        if (error is not null)
        {
            return error;
        }

        var acceptedOn = ctx.Policy.LocalDate(s.AcceptedAt!.Value);
        var due = ctx.Policy.DueAfter(acceptedOn, rules.HandlingDays + c.Days);
        return Decision<PetitionEvent>.Ok(new PetitionExtended(
            c.Days, c.Reason.Trim(), c.ApprovedBy.Trim(), Guard.NotBefore(ctx.Now, s.LastStepAt), due));
    }

    private static Decision<PetitionEvent> ChangePlatform(PetitionState s, ChangePlatformDeadline c)
    {
        var error = Expect(s, ErrorCodes.PetitionAlreadyConcluded, Registered, Accepted);
        if (error is not null)
        {
            return error;
        }

        if (s.Channel != PetitionChannel.Hotline12345)
        {
            return Errors.Of(ErrorCodes.PetitionNotHotline, "只有 12345 热线工单才有平台期限。", "Only a 12345 hotline petition has a platform deadline.", "platformDueOn");
        }

        error = Guard.Text(c.Reason, "reason", "变更理由");
        if (error is not null)
        {
            return error;
        }

        if (c.PlatformDueOn < s.RegisteredOn)
        {
            return PlatformDueBeforeReceived(c.PlatformDueOn, s.RegisteredOn);
        }

        if (s.PlatformDueOn == c.PlatformDueOn)
        {
            return Decision<PetitionEvent>.Ok();
        }

        return Decision<PetitionEvent>.Ok(new PlatformDeadlineChanged(
            c.PlatformDueOn, c.Reason.Trim(), s.Status == Accepted ? c.PlatformDueOn : null));
    }

    private static Decision<PetitionEvent> Conclude(PetitionState s, ConcludePetition c, PetitionContext ctx)
    {
        var error = Expect(s, s.Status == Registered ? ErrorCodes.PetitionNotAccepted : ErrorCodes.PetitionAlreadyConcluded, Accepted)
            ?? Guard.Defined(c.Outcome, "outcome")
            ?? Guard.Text(c.Reply, "reply", "答复内容")
            ?? When(s, c.At, ctx);
        if (error is not null)
        {
            return error;
        }

        var concludedOn = ctx.Policy.LocalDate(c.At);
        var onTime = s.HandlingDueOn is { } due && concludedOn <= due;
        var reviewDue = ctx.Policy.DueAfter(concludedOn, Rules(s, ctx).ReviewRequestDays);
        return Decision<PetitionEvent>.Ok(new PetitionConcluded(c.At, c.Outcome, c.Reply.Trim(), onTime, reviewDue));
    }

    private static Decision<PetitionEvent> Evaluate(PetitionState s, EvaluatePetition c, PetitionContext ctx)
    {
        var error = Expect(s, ErrorCodes.PetitionNotConcluded, Concluded, UnderReview, Reviewed, UnderRecheck)
            ?? Guard.Defined(c.Rating, "rating");
        if (error is not null)
        {
            return error;
        }

        if (s.Rating is { } rating)
        {
            return rating == c.Rating
                ? Decision<PetitionEvent>.Ok()
                : Errors.Of(ErrorCodes.PetitionAlreadyEvaluated, "此信访事项已评价，不能更改。", "The petition was already rated; a rating is not changed.", "rating");
        }

        return Decision<PetitionEvent>.Ok(new PetitionEvaluated(c.Rating, Guard.NotBefore(ctx.Now, s.LastStepAt)));
    }

    private static Decision<PetitionEvent> RequestReview(PetitionState s, RequestReview c, PetitionContext ctx)
    {
        var otherwise = s.Status is UnderReview or Reviewed or UnderRecheck
            ? ErrorCodes.PetitionReviewAlreadyRequested
            : ErrorCodes.PetitionNotConcluded;
        var error = Expect(s, otherwise, Concluded) ?? When(s, c.At, ctx);
        if (error is not null)
        {
            return error;
        }

        var requestedOn = ctx.Policy.LocalDate(c.At);
        if (requestedOn > s.ReviewRequestDueOn)
        {
            return Errors.Of(
                ErrorCodes.PetitionReviewWindowClosed,
                $"复查申请期限已于 {s.ReviewRequestDueOn:yyyy-MM-dd} 届满。",
                $"The window to request a review closed on {s.ReviewRequestDueOn:yyyy-MM-dd}.",
                "at");
        }

        return Decision<PetitionEvent>.Ok(new ReviewRequested(c.At, ctx.Policy.DueAfter(requestedOn, Rules(s, ctx).ReviewAnswerDays)));
    }

    private static Decision<PetitionEvent> ConcludeReview(PetitionState s, ConcludeReview c, PetitionContext ctx)
    {
        var error = Expect(s, ErrorCodes.PetitionNotUnderReview, UnderReview)
            ?? Guard.Defined(c.Decision, "decision")
            ?? When(s, c.At, ctx);
        if (error is not null)
        {
            return error;
        }

        var recheckDue = ctx.Policy.DueAfter(ctx.Policy.LocalDate(c.At), Rules(s, ctx).RecheckRequestDays);
        return Decision<PetitionEvent>.Ok(new ReviewConcluded(c.At, c.Decision, recheckDue));
    }

    private static Decision<PetitionEvent> RequestRecheck(PetitionState s, RequestRecheck c, PetitionContext ctx)
    {
        var otherwise = s.Status == UnderRecheck ? ErrorCodes.PetitionRecheckAlreadyRequested : ErrorCodes.PetitionNotReviewed;
        var error = Expect(s, otherwise, Reviewed) ?? When(s, c.At, ctx);
        if (error is not null)
        {
            return error;
        }

        var requestedOn = ctx.Policy.LocalDate(c.At);
        if (requestedOn > s.RecheckRequestDueOn)
        {
            return Errors.Of(
                ErrorCodes.PetitionRecheckWindowClosed,
                $"复核申请期限已于 {s.RecheckRequestDueOn:yyyy-MM-dd} 届满。",
                $"The window to request a re-check closed on {s.RecheckRequestDueOn:yyyy-MM-dd}.",
                "at");
        }

        return Decision<PetitionEvent>.Ok(new RecheckRequested(c.At, ctx.Policy.DueAfter(requestedOn, Rules(s, ctx).RecheckAnswerDays)));
    }

    private static Decision<PetitionEvent> StartHearing(PetitionState s, StartRecheckHearing c, PetitionContext ctx)
    {
        var error = Expect(s, ErrorCodes.PetitionNotUnderRecheck, UnderRecheck)
            ?? (s.HearingStartedAt is null ? null : HearingOpen())
            ?? When(s, c.At, ctx);
        return error ?? Decision<PetitionEvent>.Ok(new RecheckHearingStarted(c.At));
    }

    private static Decision<PetitionEvent> EndHearing(PetitionState s, EndRecheckHearing c, PetitionContext ctx)
    {
        var error = Expect(s, ErrorCodes.PetitionNotUnderRecheck, UnderRecheck)
            ?? (s.HearingStartedAt is not null ? null : Errors.Of(ErrorCodes.PetitionNoHearingOpen, "当前没有进行中的听证。", "No hearing is under way."))
            ?? When(s, c.At, ctx);
        if (error is not null)
        {
            return error;
        }

        // "听证所需时间不计算在期限内": every local day the hearing touched is left out of the limit.
        var policy = ctx.Policy;
        var paused = policy.LocalDate(c.At).DayNumber - policy.LocalDate(s.HearingStartedAt!.Value).DayNumber + 1;
        var requestedOn = policy.LocalDate(s.RecheckRequestedAt!.Value);
        var due = policy.DueAfter(requestedOn, Rules(s, ctx).RecheckAnswerDays + s.HearingDays + paused);
        return Decision<PetitionEvent>.Ok(new RecheckHearingEnded(c.At, paused, due));
    }

    private static Decision<PetitionEvent> ConcludeRecheck(PetitionState s, ConcludeRecheck c, PetitionContext ctx)
    {
        var error = Expect(s, ErrorCodes.PetitionNotUnderRecheck, UnderRecheck)
            ?? (s.HearingStartedAt is null ? null : HearingOpen())
            ?? Guard.Defined(c.Decision, "decision")
            ?? When(s, c.At, ctx);
        return error ?? Decision<PetitionEvent>.Ok(new RecheckConcluded(c.At, c.Decision));
    }

    private static Decision<PetitionEvent> Withdraw(PetitionState s, WithdrawPetition c, PetitionContext ctx)
    {
        var error = Expect(s, ErrorCodes.PetitionAlreadyConcluded, Registered, Accepted)
            ?? Guard.Text(c.Reason, "reason", "撤回理由")
            ?? When(s, c.At, ctx);
        return error ?? Decision<PetitionEvent>.Ok(new PetitionWithdrawn(c.At, c.Reason.Trim()));
    }

    private static Decision<PetitionEvent> Link(PetitionState s, LinkRepeat c)
    {
        var error = Expect(s, ErrorCodes.PetitionFinal, Registered, Accepted, Declined, Concluded, UnderReview, Reviewed, UnderRecheck, Withdrawn)
            ?? Guard.Text(c.RepeatOf, "repeatOf", "原信访件编号");
        if (error is not null)
        {
            return error;
        }

        var repeatOf = c.RepeatOf.Trim();
        if (!CaseNumber.IsValid(repeatOf, CaseKind.Petition) || repeatOf == s.Id)
        {
            return RepeatOfInvalid(repeatOf);
        }

        return s.RepeatOf == repeatOf ? Decision<PetitionEvent>.Ok() : Decision<PetitionEvent>.Ok(new RepeatLinked(repeatOf));
    }

    private static DeadlineRuleSet Rules(PetitionState s, PetitionContext ctx) =>
        ctx.Policy.RuleSetNamed(s.RuleSet) ?? ctx.Policy.RuleSetFor(s.RegisteredOn);

    private static DomainError? When(PetitionState s, DateTimeOffset at, PetitionContext ctx) =>
        Guard.Instant(at, ctx.Now, ctx.Policy.Settings.MaxFutureSkew, s.ReceivedAt, s.LastStepAt);

    /// <summary>Refuses a command the current status does not allow; the terminal statuses get their own codes.</summary>
    private static DomainError? Expect(PetitionState s, string otherwise, params ReadOnlySpan<PetitionStatus> allowed)
    {
        foreach (var status in allowed)
        {
            if (s.Status == status)
            {
                return null;
            }
        }

        var now = StatusZh(s.Status);
        return s.Status switch
        {
            Final => Errors.Of(ErrorCodes.PetitionFinal, "此信访事项已复核终结，不能再办理。", "The matter is final after re-check; nothing more can be done."),
            Declined => Errors.Of(ErrorCodes.PetitionDeclined, "此信访事项已不予受理。", "The petition was declined."),
            Withdrawn => Errors.Of(ErrorCodes.PetitionWithdrawn, "此信访事项已撤回。", "The petition was withdrawn."),
            _ => otherwise switch
            {
                ErrorCodes.PetitionNotRegistered => Errors.Of(otherwise, $"只有待受理的信访件才能受理或不予受理（当前：{now}）。", $"Only a petition awaiting acceptance can be accepted or declined (now: {s.Status})."),
                ErrorCodes.PetitionNotAccepted => Errors.Of(otherwise, "此信访件尚未受理。", "The petition has not been accepted."),
                ErrorCodes.PetitionAlreadyConcluded => Errors.Of(otherwise, $"此信访件已办结（当前：{now}）。", $"The petition has already been concluded (now: {s.Status})."),
                ErrorCodes.PetitionNotInProgress => Errors.Of(otherwise, $"此信访件当前不在办理中（当前：{now}）。", $"The petition is not being handled now (now: {s.Status})."),
                ErrorCodes.PetitionNotConcluded => Errors.Of(otherwise, "此信访件尚未办结。", "The petition has not been concluded."),
                ErrorCodes.PetitionReviewAlreadyRequested => Errors.Of(otherwise, "已申请过复查。", "A review was already requested."),
                ErrorCodes.PetitionNotUnderReview => Errors.Of(otherwise, $"此信访件不在复查中（当前：{now}）。", $"The petition is not under review (now: {s.Status})."),
                ErrorCodes.PetitionNotReviewed => Errors.Of(otherwise, $"只有复查已答复的信访件才能申请复核（当前：{now}）。", $"Only a reviewed petition can be re-checked (now: {s.Status})."),
                ErrorCodes.PetitionRecheckAlreadyRequested => Errors.Of(otherwise, "已申请过复核。", "A re-check was already requested."),
                ErrorCodes.PetitionNotUnderRecheck => Errors.Of(otherwise, $"此信访件不在复核中（当前：{now}）。", $"The petition is not under re-check (now: {s.Status})."),
                _ => Errors.Of(otherwise, $"当前状态（{now}）不允许此操作。", $"Not allowed in the current status ({s.Status})."),
            },
        };
    }

    private static string StatusZh(PetitionStatus status) => status switch
    {
        Registered => "已登记",
        Accepted => "已受理",
        Declined => "不予受理",
        Concluded => "已办结",
        UnderReview => "复查中",
        Reviewed => "已复查",
        UnderRecheck => "复核中",
        Final => "已终结",
        Withdrawn => "已撤回",
        _ => status.ToString(),
    };

    private static DomainError HearingOpen() =>
        Errors.Of(ErrorCodes.PetitionHearingOpen, "听证正在进行中，请先结束听证。", "A hearing is under way; end it first.");

    private static DomainError HotlineOrderRequired(string field) =>
        Errors.Of(ErrorCodes.PetitionHotlineOrderRequired, "12345 热线工单须登记工单号和平台期限。", "A 12345 hotline petition needs the order id and the platform deadline.", field);

    private static DomainError PlatformDueBeforeReceived(DateOnly due, DateOnly receivedOn) =>
        Errors.Of(
            ErrorCodes.PetitionPlatformDueInvalid,
            $"平台期限 {due:yyyy-MM-dd} 早于收到日期 {receivedOn:yyyy-MM-dd}。",
            $"The platform deadline {due:yyyy-MM-dd} is before the day the order was received ({receivedOn:yyyy-MM-dd}).",
            "platformDueOn");

    private static DomainError RepeatOfInvalid(string repeatOf) =>
        Errors.Of(
            ErrorCodes.PetitionRepeatOfInvalid,
            $"“{repeatOf}”不是另一件信访件的编号。",
            $"'{repeatOf}' is not the number of another petition.",
            "repeatOf");
}
