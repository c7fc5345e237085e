using CaseGrains.Domain.Disputes;
using CaseGrains.Server.Cases;
using CaseGrains.Server.Infrastructure;

namespace CaseGrains.Server.Disputes;

/// <summary>Registers a dispute (矛盾纠纷登记).</summary>
public sealed partial record RegisterDisputeRequest(
    DisputeSource? Source, DateTimeOffset? ReportedAt, string? Category, string? Subject, string? Summary,
    IReadOnlyList<PersonRequest?>? Parties, RiskLevel? RiskLevel, string? Village = null) : ICommandRequest<RegisterDispute>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("source", Source);
        errors.Required("reportedAt", ReportedAt);
        errors.Required("category", Category, Limits.Category);
        errors.Required("subject", Subject, Limits.Subject);
        errors.Required("summary", Summary, Limits.Summary);
        PersonRequest.ValidateList(errors, "parties", Parties);
        errors.MaxLength("village", Village, Limits.Village);
        errors.Required("riskLevel", RiskLevel);
    }

    /// <inheritdoc />
    public RegisterDispute ToCommand() => new(
        "", "", Source!.Value, ReportedAt!.Value, Category!.Trim(), Subject!.Trim(), Summary!.Trim(),
        [.. Parties!.Select(p => p!.ToPerson())], Village, RiskLevel!.Value);
}

/// <summary>受理; the planned procedure may set a shorter limit.</summary>
public sealed partial record AcceptDisputeRequest(DateTimeOffset? At, MediationProcedure? Procedure = null) : ICommandRequest<DisputeCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors) => errors.Required("at", At);

    /// <inheritdoc />
    public DisputeCommand ToCommand() => new AcceptDispute(At!.Value, Procedure);
}

/// <summary>包案 leader and mediators.</summary>
public sealed record AssignDisputeRequest(string? LeaderId, IReadOnlyList<string?>? Mediators = null) : ICommandRequest<DisputeCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("leaderId", LeaderId, Limits.Person);
        PersonIds.Validate(errors, "mediators", Mediators);
    }

    /// <inheritdoc />
    public DisputeCommand ToCommand() => new AssignDispute(LeaderId!.Trim(), [.. (Mediators ?? []).Select(m => m!.Trim())]);
}

/// <summary>A mediation session.</summary>
public sealed record MediateRequest(DateTimeOffset? At, string? Note) : ICommandRequest<DisputeCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("at", At);
        errors.Required("note", Note, Limits.Note);
    }

    /// <inheritdoc />
    public DisputeCommand ToCommand() => new RecordMediation(At!.Value, Note!.Trim());
}

/// <summary>化解: simple or general procedure, oral or written agreement.</summary>
public sealed partial record ResolveDisputeRequest(DateTimeOffset? At, MediationProcedure? Procedure, AgreementForm? Agreement) : ICommandRequest<DisputeCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("at", At);
        errors.Required("procedure", Procedure);
        errors.Required("agreement", Agreement);
    }

    /// <inheritdoc />
    public DisputeCommand ToCommand() => new ResolveDispute(At!.Value, Procedure!.Value, Agreement!.Value);
}

/// <summary>调解不成, with the route the parties were told.</summary>
public sealed partial record FailDisputeRequest(DateTimeOffset? At, ReferralRoute? Referral, string? Note) : ICommandRequest<DisputeCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("at", At);
        errors.Required("referral", Referral);
        errors.Required("note", Note, Limits.Note);
    }

    /// <inheritdoc />
    public DisputeCommand ToCommand() => new FailDispute(At!.Value, Referral!.Value, Note!.Trim());
}

/// <summary>回访: was the agreement kept.</summary>
public sealed record FollowUpRequest(DateTimeOffset? At, FollowUpResult? Fulfilled) : ICommandRequest<DisputeCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("at", At);
        errors.Required("fulfilled", Fulfilled);
    }

    /// <inheritdoc />
    public DisputeCommand ToCommand() => new FollowUpDispute(At!.Value, Fulfilled!.Value);
}

/// <summary>延期, with the parties' consent and the reason recorded.</summary>
public sealed record ExtendDisputeRequest(int? Days, string? Reason, string? ApprovedBy) : ICommandRequest<DisputeCommand>
{
    void IValidatedRequest.Validate(FieldErrors errors)
    {
        errors.Required("days", Days);
        errors.Required("reason", Reason, Limits.Reason);
        errors.Required("approvedBy", ApprovedBy, Limits.Name * 2);
    }

    /// <inheritdoc />
    public DisputeCommand ToCommand() => new ExtendDispute(Days!.Value, Reason!.Trim(), ApprovedBy!.Trim());
}
