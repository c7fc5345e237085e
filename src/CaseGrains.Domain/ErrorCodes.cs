using System.Collections.Frozen;
using System.Reflection;

namespace CaseGrains.Domain;

/// <summary>
/// 错误代码 — every stable error code the domain can return. Codes never change meaning once
/// published; new rules get new codes.
/// </summary>
public static class ErrorCodes
{
    // Any case
    public const string CaseNotFound = "case.not-found";
    public const string CaseAlreadyExists = "case.already-exists";
    public const string CaseInvalidId = "case.invalid-id";
    public const string ValueRequired = "value.required";
    public const string ValueInvalid = "value.invalid";
    public const string TimeInFuture = "time.in-future";
    public const string TimeBeforeRegistration = "time.before-registration";
    public const string TimeOutOfOrder = "time.out-of-order";
    public const string LeaderNotOnRoster = "leader.not-on-roster";

    // Petitions (信访件)
    public const string PetitionNoPetitioner = "petition.no-petitioner";
    public const string PetitionHeadcountInvalid = "petition.headcount-invalid";
    public const string PetitionHotlineOrderRequired = "petition.hotline-order-required";
    public const string PetitionNotHotline = "petition.not-hotline";
    public const string PetitionPlatformDueInvalid = "petition.platform-due-invalid";
    public const string PetitionRepeatOfInvalid = "petition.repeat-of-invalid";
    public const string PetitionNotRegistered = "petition.not-registered";
    public const string PetitionNotAccepted = "petition.not-accepted";
    public const string PetitionAlreadyConcluded = "petition.already-concluded";
    public const string PetitionNotInProgress = "petition.not-in-progress";
    public const string PetitionNotConcluded = "petition.not-concluded";
    public const string PetitionReviewAlreadyRequested = "petition.review-already-requested";
    public const string PetitionNotUnderReview = "petition.not-under-review";
    public const string PetitionNotReviewed = "petition.not-reviewed";
    public const string PetitionRecheckAlreadyRequested = "petition.recheck-already-requested";
    public const string PetitionNotUnderRecheck = "petition.not-under-recheck";
    public const string PetitionDeclined = "petition.declined";
    public const string PetitionWithdrawn = "petition.withdrawn";
    public const string PetitionFinal = "petition.final";
    public const string PetitionAlreadyExtended = "petition.already-extended";
    public const string PetitionExtensionDaysOutOfRange = "petition.extension-days-out-of-range";
    public const string PetitionHotlineExtension = "petition.hotline-extension";
    public const string PetitionAlreadyEvaluated = "petition.already-evaluated";
    public const string PetitionReviewWindowClosed = "petition.review-window-closed";
    public const string PetitionRecheckWindowClosed = "petition.recheck-window-closed";
    public const string PetitionHearingOpen = "petition.hearing-open";
    public const string PetitionNoHearingOpen = "petition.no-hearing-open";

    // Disputes (矛盾纠纷)
    public const string DisputeNoParty = "dispute.no-party";
    public const string DisputeUnknownCategory = "dispute.unknown-category";
    public const string DisputeNotRegistered = "dispute.not-registered";
    public const string DisputeNotAccepted = "dispute.not-accepted";
    public const string DisputeAlreadySettled = "dispute.already-settled";
    public const string DisputeNotResolved = "dispute.not-resolved";
    public const string DisputeAlreadyFollowedUp = "dispute.already-followed-up";
    public const string DisputeAlreadyExtended = "dispute.already-extended";
    public const string DisputeExtensionDaysOutOfRange = "dispute.extension-days-out-of-range";

    // Townships (乡镇)
    public const string TownshipNotFound = "township.not-found";

    private static readonly FrozenDictionary<string, DomainErrorKind> Kinds = new Dictionary<string, DomainErrorKind>
    {
        [CaseNotFound] = DomainErrorKind.NotFound,
        [TownshipNotFound] = DomainErrorKind.NotFound,
        [CaseAlreadyExists] = DomainErrorKind.Conflict,
        [CaseInvalidId] = DomainErrorKind.Validation,
        [ValueRequired] = DomainErrorKind.Validation,
        [ValueInvalid] = DomainErrorKind.Validation,
        [TimeInFuture] = DomainErrorKind.Validation,
        [TimeBeforeRegistration] = DomainErrorKind.Validation,
        [TimeOutOfOrder] = DomainErrorKind.Validation,
        [LeaderNotOnRoster] = DomainErrorKind.Rule,
        [PetitionNoPetitioner] = DomainErrorKind.Validation,
        [PetitionHeadcountInvalid] = DomainErrorKind.Validation,
        [PetitionHotlineOrderRequired] = DomainErrorKind.Validation,
        [PetitionNotHotline] = DomainErrorKind.Validation,
        [PetitionPlatformDueInvalid] = DomainErrorKind.Validation,
        [PetitionRepeatOfInvalid] = DomainErrorKind.Validation,
        [PetitionNotRegistered] = DomainErrorKind.Conflict,
        [PetitionNotAccepted] = DomainErrorKind.Conflict,
        [PetitionAlreadyConcluded] = DomainErrorKind.Conflict,
        [PetitionNotInProgress] = DomainErrorKind.Conflict,
        [PetitionNotConcluded] = DomainErrorKind.Conflict,
        [PetitionReviewAlreadyRequested] = DomainErrorKind.Conflict,
        [PetitionNotUnderReview] = DomainErrorKind.Conflict,
        [PetitionNotReviewed] = DomainErrorKind.Conflict,
        [PetitionRecheckAlreadyRequested] = DomainErrorKind.Conflict,
        [PetitionNotUnderRecheck] = DomainErrorKind.Conflict,
        [PetitionDeclined] = DomainErrorKind.Conflict,
        [PetitionWithdrawn] = DomainErrorKind.Conflict,
        [PetitionFinal] = DomainErrorKind.Conflict,
        [PetitionAlreadyExtended] = DomainErrorKind.Rule,
        [PetitionExtensionDaysOutOfRange] = DomainErrorKind.Rule,
        [PetitionHotlineExtension] = DomainErrorKind.Rule,
        [PetitionAlreadyEvaluated] = DomainErrorKind.Conflict,
        [PetitionReviewWindowClosed] = DomainErrorKind.Rule,
        [PetitionRecheckWindowClosed] = DomainErrorKind.Rule,
        [PetitionHearingOpen] = DomainErrorKind.Conflict,
        [PetitionNoHearingOpen] = DomainErrorKind.Conflict,
        [DisputeNoParty] = DomainErrorKind.Validation,
        [DisputeUnknownCategory] = DomainErrorKind.Validation,
        [DisputeNotRegistered] = DomainErrorKind.Conflict,
        [DisputeNotAccepted] = DomainErrorKind.Conflict,
        [DisputeAlreadySettled] = DomainErrorKind.Conflict,
        [DisputeNotResolved] = DomainErrorKind.Conflict,
        [DisputeAlreadyFollowedUp] = DomainErrorKind.Conflict,
        [DisputeAlreadyExtended] = DomainErrorKind.Rule,
        [DisputeExtensionDaysOutOfRange] = DomainErrorKind.Rule,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every code above, for documentation and for the test that hits each one.</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)];

    /// <summary>The family of a code; unknown codes count as rule violations.</summary>
    public static DomainErrorKind KindOf(string code) =>
        Kinds.TryGetValue(code, out var kind) ? kind : DomainErrorKind.Rule;
}
