using CaseGrains.Domain.Petitions;
using CaseGrains.Server.Cases;
using CaseGrains.Server.Infrastructure;

namespace CaseGrains.Server.Petitions;

/// <summary>Registers a petition (登记).</summary>
public sealed partial record RegisterPetitionRequest(
    PetitionChannel? Channel, DateTimeOffset? ReceivedAt, string? Subject, string? Summary, string? Category,
    IReadOnlyList<PersonRequest?>? Petitioners, int? Headcount = null, string? Village = null, string? RepeatOf = null,
    string? ExternalOrderId = null, DateOnly? PlatformDueOn = null) : ICommandRequest<RegisterPetition>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("channel", Channel);
        errors.Required("receivedAt", ReceivedAt);
        errors.Required("subject", Subject, Limits.Subject);
        errors.Required("summary", Summary, Limits.Summary);
        errors.Required("category", Category, Limits.Category);
        PersonRequest.ValidateList(errors, "petitioners", Petitioners);
        if (Headcount is < 1 or > Limits.MaxHeadcount) errors.Add("headcount", $"must be between 1 and {Limits.MaxHeadcount}");
        errors.MaxLength("village", Village, Limits.Village);
        errors.MaxLength("repeatOf", RepeatOf, 20);
        errors.MaxLength("externalOrderId", ExternalOrderId, Limits.OrderId);
    }

    /// <inheritdoc />
    public RegisterPetition ToCommand() => new(
        "", "", Channel!.Value, ReceivedAt!.Value, Subject!.Trim(), Summary!.Trim(), Category!.Trim(),
        [.. Petitioners!.Select(p => p!.ToPerson())], Headcount, Village, RepeatOf, ExternalOrderId, PlatformDueOn);
}

/// <summary>受理.</summary>
public sealed partial record AcceptPetitionRequest(DateTimeOffset? At) : ICommandRequest<PetitionCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors) => errors.Required("at", At);

    /// <inheritdoc />
    public PetitionCommand ToCommand() => new AcceptPetition(At!.Value);
}

/// <summary>不予受理, with the legal route told to the petitioner.</summary>
public sealed partial record DeclinePetitionRequest(DateTimeOffset? At, string? Reason, DeclineRoute? Route) : ICommandRequest<PetitionCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("at", At);
        errors.Required("reason", Reason, Limits.Reason);
        errors.Required("route", Route);
    }

    /// <inheritdoc />
    public PetitionCommand ToCommand() => new DeclinePetition(At!.Value, Reason!.Trim(), Route!.Value);
}

/// <summary>包案: the responsible leader from the roster, and handling officers.</summary>
public sealed partial record AssignPetitionRequest(string? LeaderId, IReadOnlyList<string?>? Handlers = null) : ICommandRequest<PetitionCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("leaderId", LeaderId, Limits.Person);
        PersonIds.Validate(errors, "handlers", Handlers);
    }

    /// <inheritdoc />
    public PetitionCommand ToCommand() => new AssignPetition(LeaderId!.Trim(), [.. (Handlers ?? []).Select(h => h!.Trim())]);
}

/// <summary>A handling step.</summary>
public sealed record ProgressRequest(DateTimeOffset? At, string? Note) : ICommandRequest<PetitionCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("at", At);
        errors.Required("note", Note, Limits.Note);
    }

    /// <inheritdoc />
    public PetitionCommand ToCommand() => new RecordPetitionProgress(At!.Value, Note!.Trim());
}

/// <summary>延期: 1 to 30 days, once, approved by the unit head.</summary>
public sealed record ExtendPetitionRequest(int? Days, string? Reason, string? ApprovedBy) : ICommandRequest<PetitionCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("days", Days);
        errors.Required("reason", Reason, Limits.Reason);
        errors.Required("approvedBy", ApprovedBy, Limits.Name * 2);
    }

    /// <inheritdoc />
    public PetitionCommand ToCommand() => new ExtendPetition(Days!.Value, Reason!.Trim(), ApprovedBy!.Trim());
}

/// <summary>办结, with the outcome and the reply.</summary>
public sealed partial record ConcludePetitionRequest(DateTimeOffset? At, PetitionOutcome? Outcome, string? Reply) : ICommandRequest<PetitionCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("at", At);
        errors.Required("outcome", Outcome);
        errors.Required("reply", Reply, Limits.Note);
    }

    /// <inheritdoc />
    public PetitionCommand ToCommand() => new ConcludePetition(At!.Value, Outcome!.Value, Reply!.Trim());
}

/// <summary>满意度评价.</summary>
public sealed partial record EvaluatePetitionRequest(SatisfactionRating? Rating) : ICommandRequest<PetitionCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors) => errors.Required("rating", Rating);

    /// <inheritdoc />
    public PetitionCommand ToCommand() => new EvaluatePetition(Rating!.Value);
}

/// <summary>复查 requested.</summary>
public sealed record RequestReviewRequest(DateTimeOffset? At) : ICommandRequest<PetitionCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors) => errors.Required("at", At);

    /// <inheritdoc />
    public PetitionCommand ToCommand() => new RequestReview(At!.Value);
}

/// <summary>复查 answered.</summary>
public sealed record ConcludeReviewRequest(DateTimeOffset? At, ReviewDecision? Decision) : ICommandRequest<PetitionCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("at", At);
        errors.Required("decision", Decision);
    }

    /// <inheritdoc />
    public PetitionCommand ToCommand() => new ConcludeReview(At!.Value, Decision!.Value);
}

/// <summary>复核 requested.</summary>
public sealed record RequestRecheckRequest(DateTimeOffset? At) : ICommandRequest<PetitionCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors) => errors.Required("at", At);

    /// <inheritdoc />
    public PetitionCommand ToCommand() => new RequestRecheck(At!.Value);
}

/// <summary>复核 answered; the matter is then final (终结).</summary>
public sealed record ConcludeRecheckRequest(DateTimeOffset? At, ReviewDecision? Decision) : ICommandRequest<PetitionCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("at", At);
        errors.Required("decision", Decision);
    }

    /// <inheritdoc />
    public PetitionCommand ToCommand() => new ConcludeRecheck(At!.Value, Decision!.Value);
}

/// <summary>A 复核 hearing (听证) starts: its days do not count against the answer limit.</summary>
public sealed record StartHearingRequest(DateTimeOffset? At) : ICommandRequest<PetitionCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors) => errors.Required("at", At);

    /// <inheritdoc />
    public PetitionCommand ToCommand() => new StartRecheckHearing(At!.Value);
}

/// <summary>The 复核 hearing ends.</summary>
public sealed record EndHearingRequest(DateTimeOffset? At) : ICommandRequest<PetitionCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors) => errors.Required("at", At);

    /// <inheritdoc />
    public PetitionCommand ToCommand() => new EndRecheckHearing(At!.Value);
}

/// <summary>撤回.</summary>
public sealed record WithdrawPetitionRequest(DateTimeOffset? At, string? Reason) : ICommandRequest<PetitionCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("at", At);
        errors.Required("reason", Reason, Limits.Reason);
    }

    /// <inheritdoc />
    public PetitionCommand ToCommand() => new WithdrawPetition(At!.Value, Reason!.Trim());
}
