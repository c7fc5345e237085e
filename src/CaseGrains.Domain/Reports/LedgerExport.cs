using System.Globalization;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;

namespace CaseGrains.Domain.Reports;

/// <summary>
/// 台账导出 — one ledger row per case, every personal field masked (names, phones, ID numbers,
/// addresses), whoever asks: a ledger leaves the system. Free-text notes are not written (they may
/// name people). Rows are keyed by <see cref="LedgerField"/>; writers pick <see cref="LedgerColumns.Exported"/>.
/// </summary>
public static class LedgerExport
{
    /// <summary>A petition's row.</summary>
    /// <param name="leaderName">The roster name of a leader id (null: write the id).</param>
    /// <param name="now">For 是否超期.</param>
    public static IReadOnlyDictionary<LedgerField, string> Row(PetitionState s, Func<string, string?> leaderName, DeadlinePolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(leaderName);
        ArgumentNullException.ThrowIfNull(policy);
        var row = Common(s.Id, CaseKind.Petition, ChineseLabels.Channels.Name(s.Channel), s.ReceivedAt, s.Subject, s.Category, s.Village, s.Petitioners, policy);
        Put(row, LedgerField.Headcount, s.Headcount?.ToString(CultureInfo.InvariantCulture));
        Put(row, LedgerField.OrderId, s.ExternalOrderId);
        Put(row, LedgerField.PlatformDueOn, Date(s.PlatformDueOn));
        Put(row, LedgerField.RepeatOf, s.RepeatOf);
        Put(row, LedgerField.Leader, s.LeaderId is { } leader ? leaderName(leader) ?? leader : null);
        Put(row, LedgerField.Handlers, string.Join(LedgerColumns.ListSeparator, s.Handlers));
        Put(row, LedgerField.AcceptedAt, Instant(s.AcceptedAt, policy));
        Put(row, LedgerField.HandlingDueOn, Date(s.HandlingDueOn));
        Put(row, LedgerField.ExtendedDays, s.ExtendedDays > 0 ? s.ExtendedDays.ToString(CultureInfo.InvariantCulture) : null);
        Put(row, LedgerField.ExtensionApprovedBy, s.ExtensionApprovedBy);
        Put(row, LedgerField.DeclinedAt, Instant(s.DeclinedAt, policy));
        Put(row, LedgerField.Route, s.DeclineRoute is { } route ? ChineseLabels.DeclineRoutes.Name(route) : null);
        Put(row, LedgerField.WithdrawnAt, Instant(s.WithdrawnAt, policy));
        Put(row, LedgerField.ConcludedAt, Instant(s.ConcludedAt, policy));
        Put(row, LedgerField.Outcome, s.Outcome is { } outcome ? ChineseLabels.Outcomes.Name(outcome) : null);
        Put(row, LedgerField.Rating, s.Rating is { } rating ? ChineseLabels.Ratings.Name(rating) : null);
        Put(row, LedgerField.ReviewRequestedAt, Instant(s.ReviewRequestedAt, policy));
        Put(row, LedgerField.ReviewConcludedAt, Instant(s.ReviewConcludedAt, policy));
        Put(row, LedgerField.ReviewDecision, s.ReviewDecision is { } review ? ChineseLabels.Decisions.Name(review) : null);
        Put(row, LedgerField.RecheckRequestedAt, Instant(s.RecheckRequestedAt, policy));
        Put(row, LedgerField.RecheckConcludedAt, Instant(s.RecheckConcludedAt, policy));
        Put(row, LedgerField.RecheckDecision, s.RecheckDecision is { } recheck ? ChineseLabels.Decisions.Name(recheck) : null);
        Put(row, LedgerField.Status, ChineseLabels.PetitionStatuses.Name(s.Status));
        Put(row, LedgerField.Overdue, Petition.DeadlineStatus(s, policy, now) is { Overdue: true } ? "是" : "否");
        return row;
    }

    /// <summary>A dispute's row.</summary>
    public static IReadOnlyDictionary<LedgerField, string> Row(DisputeState s, Func<string, string?> leaderName, DeadlinePolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(leaderName);
        ArgumentNullException.ThrowIfNull(policy);
        var row = Common(s.Id, CaseKind.Dispute, ChineseLabels.Sources.Name(s.Source), s.ReportedAt, s.Subject, s.Category, s.Village, s.Parties, policy);
        Put(row, LedgerField.RiskLevel, ChineseLabels.RiskLevels.Name(s.RiskLevel));
        Put(row, LedgerField.Leader, s.LeaderId is { } leader ? leaderName(leader) ?? leader : null);
        Put(row, LedgerField.Handlers, string.Join(LedgerColumns.ListSeparator, s.Mediators));
        Put(row, LedgerField.AcceptedAt, Instant(s.AcceptedAt, policy));
        Put(row, LedgerField.HandlingDueOn, Date(s.SettlementDueOn));
        Put(row, LedgerField.ExtendedDays, s.ExtendedDays > 0 ? s.ExtendedDays.ToString(CultureInfo.InvariantCulture) : null);
        Put(row, LedgerField.ExtensionApprovedBy, s.ExtensionApprovedBy);
        Put(row, LedgerField.Route, s.Referral is { } referral ? ChineseLabels.Referrals.Name(referral) : null);
        Put(row, LedgerField.ConcludedAt, Instant(s.ResolvedAt ?? s.FailedAt, policy));
        Put(row, LedgerField.Outcome, s.ResolvedAt is not null ? LedgerImport.Resolved : s.FailedAt is not null ? LedgerImport.Failed : null);
        // The planned procedure stands in while the dispute is being mediated, so an import plans the same limit.
        var procedure = s.Procedure ?? s.PlannedProcedure;
        Put(row, LedgerField.Procedure, procedure is { } p ? ChineseLabels.Procedures.Name(p) : null);
        Put(row, LedgerField.Agreement, s.Agreement is { } agreement ? ChineseLabels.Agreements.Name(agreement) : null);
        Put(row, LedgerField.FollowedUpAt, Instant(s.FollowedUpAt, policy));
        Put(row, LedgerField.FollowUp, s.FollowUp is { } followUp ? ChineseLabels.FollowUps.Name(followUp) : null);
        Put(row, LedgerField.Status, ChineseLabels.DisputeStatuses.Name(s.Status));
        Put(row, LedgerField.Overdue, Dispute.DeadlineStatus(s, policy, now) is { Overdue: true } ? "是" : "否");
        return row;
    }

    /// <summary>The cells of one row in the order of <paramref name="columns"/> (empty where the row has nothing).</summary>
    public static string[] Cells(IReadOnlyDictionary<LedgerField, string> row, IReadOnlyList<LedgerColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(columns);
        return [.. columns.Select(c => row.TryGetValue(c.Field, out var value) ? value : string.Empty)];
    }

    /// <summary>An instant as the ledger writes it, in the deployment's time zone.</summary>
    public static string? Instant(DateTimeOffset? instant, DeadlinePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return instant is { } t
            ? TimeZoneInfo.ConvertTime(t, policy.Settings.TimeZone).ToString(LedgerColumns.InstantFormat, CultureInfo.InvariantCulture)
            : null;
    }

    private static string? Date(DateOnly? date) => date?.ToString(LedgerColumns.DateFormat, CultureInfo.InvariantCulture);

    private static Dictionary<LedgerField, string> Common(string id, CaseKind kind, string channel, DateTimeOffset registeredAt,
        string subject, string category, string? village, IReadOnlyList<Person> people, DeadlinePolicy policy)
    {
        var row = new Dictionary<LedgerField, string>();
        Put(row, LedgerField.LedgerNumber, id);
        Put(row, LedgerField.Kind, ChineseLabels.Kinds.Name(kind));
        Put(row, LedgerField.Channel, channel);
        Put(row, LedgerField.RegisteredAt, Instant(registeredAt, policy));
        Put(row, LedgerField.Subject, subject);
        Put(row, LedgerField.Category, category);
        Put(row, LedgerField.Village, village);
        // Every personal field is masked, for every role: a ledger is handed on.
        var masked = Masking.Mask(people);
        Put(row, LedgerField.People, string.Join(LedgerColumns.ListSeparator, masked.Select(p => p.Name)));
        Put(row, LedgerField.Phones, Joined(masked.Select(p => p.Phone)));
        Put(row, LedgerField.IdNumbers, Joined(masked.Select(p => p.IdNumber)));
        Put(row, LedgerField.Addresses, Joined(masked.Select(p => p.Address)));
        return row;
    }

    /// <summary>Values by position; a person without one keeps an empty slot so positions still line up.</summary>
    private static string? Joined(IEnumerable<string?> values)
    {
        var list = values.Select(v => v ?? string.Empty).ToList();
        return list.All(string.IsNullOrEmpty) ? null : string.Join(LedgerColumns.ListSeparator, list);
    }

    private static void Put(Dictionary<LedgerField, string> row, LedgerField field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            row[field] = value;
        }
    }
}
