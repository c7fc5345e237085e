using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Townships;

namespace CaseGrains.Domain.Reports;

/// <summary>A ledger as read from a file: the header row and the data rows, every cell as text.</summary>
public sealed record LedgerTable(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// One refusal of an import: the spreadsheet row (the header is row 1), the column's header, and the
/// reason in Chinese and English. Reasons never quote a personal field's content.
/// </summary>
public sealed record LedgerError(int Row, string Column, string ReasonZh, string ReasonEn);

/// <summary>One step of a case's history: the command, the column its dates and values came from, and how to tell it was already applied.</summary>
public sealed record LedgerStep<TState, TCommand>(LedgerField Column, TCommand Command, Func<TState, bool> Done);

/// <summary>
/// 台账中的一件案件 — what one row becomes: the commands that rebuild the case's history in order (the
/// first registers it), keyed by the row's ledger number; <see cref="RowHash"/> tells a re-import of the
/// same row from a different row under the same number.
/// </summary>
/// <param name="RepeatOf">The 重复信访 cell as given (a ledger number of this file or a case number).</param>
public sealed record LedgerCase(
    int Row,
    string LedgerNumber,
    CaseKind Kind,
    string RowHash,
    string? RepeatOf,
    IReadOnlyList<LedgerStep<PetitionState, PetitionCommand>> PetitionSteps,
    IReadOnlyList<LedgerStep<DisputeState, DisputeCommand>> DisputeSteps)
{
    /// <summary>How many commands rebuild the case.</summary>
    public int StepCount => Kind == CaseKind.Petition ? PetitionSteps.Count : DisputeSteps.Count;
}

/// <summary>What an import is checked against: the clock, the rules and the township's roster.</summary>
public sealed record LedgerContext(DateTimeOffset Now, DeadlinePolicy Policy, IReadOnlyCollection<Leader> Roster);

/// <summary>
/// 台账导入 — turns a ledger into the domain commands that rebuild each case with its historical dates,
/// and checks every row before anything is written: headers, dates, channels, categories, the roster,
/// the order of the steps and every statutory rule, the last by running the deciders themselves on each
/// case in memory. A file with any error is refused whole. Pure: the clock and the roster come in.
/// </summary>
public static class LedgerImport
{
    /// <summary>结果 of a dispute that was resolved.</summary>
    public const string Resolved = "调解成功";

    /// <summary>结果 of a dispute whose mediation failed.</summary>
    public const string Failed = "调解不成";

    private const int MaxText = 200, MaxSummary = 4000, MaxNote = 1000, MaxCategory = 60, MaxVillage = 100, MaxName = 50, MaxPeople = 50;
    private const string DefaultNote = "（台账导入）";

    private static readonly string[] Separators = ["、", "，", ",", "；", ";"];
    private static readonly string[] InstantFormats =
    [
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd H:mm", "yyyy-MM-dd H:mm:ss", "yyyy/M/d H:mm", "yyyy/M/d H:mm:ss",
        "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy.M.d H:mm",
    ];
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyy年M月d日", "yyyyMMdd"];

    /// <summary>Reads, plans and checks a whole ledger; the cases are usable only when there are no errors.</summary>
    public static (IReadOnlyList<LedgerCase> Cases, IReadOnlyList<LedgerError> Errors) Check(LedgerTable table, LedgerContext context)
    {
        var (cases, errors) = Plan(table, context);
        // The rows that read well are decided too, so that one answer lists every problem of the file.
        var list = new List<LedgerError>(errors);
        var numbers = cases.Select((c, i) => (c.LedgerNumber, i)).ToDictionary(x => x.LedgerNumber, x => x.i, StringComparer.Ordinal);
        var active = context.Roster.Where(l => l.Active).Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < cases.Count; i++)
        {
            list.AddRange(DryRun(cases[i], i, numbers, context, active));
        }
        return (cases, [.. list.OrderBy(e => e.Row)]);
    }

    /// <summary>
    /// Reads the rows into plans without deciding anything: header checks, cell formats, the roster,
    /// which steps a row describes and in which order. Refusals by the rules come from <see cref="Check"/>.
    /// </summary>
    public static (IReadOnlyList<LedgerCase> Cases, IReadOnlyList<LedgerError> Errors) Plan(LedgerTable table, LedgerContext context)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(context);
        var errors = new List<LedgerError>();
        var columns = ReadHeader(table.Header, errors);
        if (errors.Count > 0)
        {
            return ([], errors);
        }
        var cases = new List<LedgerCase>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < table.Rows.Count; i++)
        {
            var cells = table.Rows[i];
            if (cells.All(string.IsNullOrWhiteSpace))
            {
                // Spreadsheets often end with formatted but empty rows.
                continue;
            }
            var reader = new RowReader(i + 2, cells, columns, context, errors);
            if (reader.Read() is { } planned)
            {
                if (seen.TryGetValue(planned.LedgerNumber, out var earlier))
                {
                    reader.Fail(LedgerField.LedgerNumber, $"案件编号与第{earlier}行重复", $"the same ledger number as row {earlier}");
                }
                else
                {
                    seen[planned.LedgerNumber] = planned.Row;
                    cases.Add(planned);
                }
            }
        }
        if (cases.Count > LedgerColumns.MaxRows)
        {
            errors.Add(new LedgerError(LedgerColumns.MaxRows + 2, LedgerColumns.Header(LedgerField.LedgerNumber),
                $"一次最多导入{LedgerColumns.MaxRows}行", $"at most {LedgerColumns.MaxRows} rows per import"));
        }
        CheckRepeats(cases, errors);
        return (cases, errors);
    }

    /// <summary>A hash of what a row says, whatever the order of its columns.</summary>
    public static string HashOf(IReadOnlyDictionary<LedgerField, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var text = string.Join("\u001f", values.OrderBy(v => v.Key).Select(v => $"{(int)v.Key}={v.Value}"));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The case number a repeat link points at once the rows it names are imported.</summary>
    /// <param name="importedNumber">The case number a ledger number of this file was imported as, or null.</param>
    public static string? ResolveRepeatOf(string? repeatOf, Func<string, string?> importedNumber)
    {
        ArgumentNullException.ThrowIfNull(importedNumber);
        return repeatOf is null ? null : importedNumber(repeatOf) ?? repeatOf;
    }

    /// <summary>Runs one case's commands through the deciders in memory; any refusal names the row and the column.</summary>
    private static IEnumerable<LedgerError> DryRun(LedgerCase c, int index, IReadOnlyDictionary<string, int> numbers, LedgerContext context, IReadOnlySet<string> active)
    {
        // A stand-in number: unique per row, and what a repeat link to a row of this file will point at.
        string Number(int i, CaseKind kind) => CaseNumber.Format(2000, kind, i + 1);
        var caseId = Number(index, c.Kind);
        if (c.Kind == CaseKind.Petition)
        {
            var state = PetitionState.Empty;
            var petitionContext = new PetitionContext(context.Now, context.Policy, active);
            foreach (var step in c.PetitionSteps)
            {
                var command = step.Command is RegisterPetition register
                    ? register with
                    {
                        TownshipId = "import",
                        CaseId = caseId,
                        RepeatOf = ResolveRepeatOf(register.RepeatOf, n => numbers.TryGetValue(n, out var i) ? Number(i, CaseKind.Petition) : null),
                    }
                    : step.Command;
                var decision = Petition.Decide(state, command, petitionContext);
                if (decision.IsError)
                {
                    yield return Refusal(c.Row, step.Column, decision.Error);
                    yield break;
                }
                state = decision.Events.Aggregate(state, Petition.Evolve);
            }
        }
        else
        {
            var state = DisputeState.Empty;
            var disputeContext = new DisputeContext(context.Now, context.Policy, active);
            foreach (var step in c.DisputeSteps)
            {
                var command = step.Command is RegisterDispute register ? register with { TownshipId = "import", CaseId = caseId } : step.Command;
                var decision = Dispute.Decide(state, command, disputeContext);
                if (decision.IsError)
                {
                    yield return Refusal(c.Row, step.Column, decision.Error);
                    yield break;
                }
                state = decision.Events.Aggregate(state, Dispute.Evolve);
            }
        }
    }

    private static LedgerError Refusal(int row, LedgerField stepColumn, DomainError error)
    {
        var column = error.Field switch
        {
            "receivedAt" or "reportedAt" => LedgerField.RegisteredAt,
            "channel" or "source" => LedgerField.Channel,
            "category" => LedgerField.Category,
            "subject" => LedgerField.Subject,
            "summary" => LedgerField.Summary,
            "headcount" => LedgerField.Headcount,
            "externalOrderId" => LedgerField.OrderId,
            "platformDueOn" => LedgerField.PlatformDueOn,
            "repeatOf" => LedgerField.RepeatOf,
            "leaderId" => LedgerField.Leader,
            "days" => LedgerField.ExtendedDays,
            "approvedBy" => LedgerField.ExtensionApprovedBy,
            "outcome" => LedgerField.Outcome,
            "rating" => LedgerField.Rating,
            "route" or "referral" => LedgerField.Route,
            "procedure" => LedgerField.Procedure,
            "agreement" => LedgerField.Agreement,
            "fulfilled" => LedgerField.FollowUp,
            "reason" or "note" or "reply" => LedgerField.Note,
            { } f when f.StartsWith("petitioners", StringComparison.Ordinal) || f.StartsWith("parties", StringComparison.Ordinal) => LedgerField.People,
            _ => stepColumn,
        };
        return new LedgerError(row, LedgerColumns.Header(column), error.MessageZh, error.MessageEn);
    }

    private static void CheckRepeats(List<LedgerCase> cases, List<LedgerError> errors)
    {
        var rowOf = cases.ToDictionary(c => c.LedgerNumber, c => c, StringComparer.Ordinal);
        foreach (var c in cases)
        {
            if (c.RepeatOf is not { } target || !rowOf.TryGetValue(target, out var earlier))
            {
                continue;
            }
            if (earlier.Kind != CaseKind.Petition || earlier.Row >= c.Row)
            {
                errors.Add(new LedgerError(c.Row, LedgerColumns.Header(LedgerField.RepeatOf),
                    earlier.Kind != CaseKind.Petition ? "重复信访须指向一件信访件" : $"重复信访所指的第{earlier.Row}行须排在本行之前",
                    earlier.Kind != CaseKind.Petition ? "a repeat petition must point at a petition" : $"the petition it repeats (row {earlier.Row}) must come before this row"));
            }
        }
    }

    private static Dictionary<LedgerField, int> ReadHeader(IReadOnlyList<string> header, List<LedgerError> errors)
    {
        var byHeader = LedgerColumns.All.ToDictionary(c => Normalize(c.Header), c => c, StringComparer.Ordinal);
        var columns = new Dictionary<LedgerField, int>();
        for (var i = 0; i < header.Count; i++)
        {
            var text = Normalize(header[i]);
            if (text.Length == 0)
            {
                continue;
            }
            if (!byHeader.TryGetValue(text, out var column))
            {
                errors.Add(new LedgerError(1, header[i].Trim(), "不是模板中的列（请使用导入模板的列名）", "not a column of the template (use the template's headers)"));
            }
            else if (!columns.TryAdd(column.Field, i))
            {
                errors.Add(new LedgerError(1, column.Header, "列名重复", "the column appears twice"));
            }
        }
        foreach (var column in LedgerColumns.All.Where(c => c.Required && !columns.ContainsKey(c.Field)))
        {
            errors.Add(new LedgerError(1, column.Header, "缺少必需的列", "a required column is missing"));
        }
        return columns;
    }

    /// <summary>Headers compare without spaces, with full-width slashes read as half-width.</summary>
    private static string Normalize(string header) => new([.. header.Trim().Replace('／', '/').Where(c => !char.IsWhiteSpace(c))]);

    /// <summary>Reads one row: its cells by field, each parsed, and the steps they describe.</summary>
    private sealed class RowReader(int row, IReadOnlyList<string> cells, IReadOnlyDictionary<LedgerField, int> columns, LedgerContext context, List<LedgerError> errors)
    {
        private readonly Dictionary<LedgerField, string> _values = [];
        private int _errorsBefore;
        private DateTimeOffset? _lastStep;

        public LedgerCase? Read()
        {
            _errorsBefore = errors.Count;
            foreach (var (field, index) in columns)
            {
                var text = index < cells.Count ? cells[index]?.Trim() ?? string.Empty : string.Empty;
                if (text.Length > 0)
                {
                    _values[field] = text;
                }
            }
            var number = Text(LedgerField.LedgerNumber, LedgerColumns.MaxLedgerNumber, required: true);
            if (number is not null && number.Any(char.IsControl))
            {
                Fail(LedgerField.LedgerNumber, "案件编号含有控制字符", "the ledger number holds control characters");
            }
            var kind = Enum(LedgerField.Kind, ChineseLabels.Kinds, required: true);
            if (kind is null || number is null)
            {
                return null;
            }
            foreach (var column in LedgerColumns.All.Where(c => !c.Computed && _values.ContainsKey(c.Field)))
            {
                if ((column.Scope == LedgerScope.Petition && kind == CaseKind.Dispute) || (column.Scope == LedgerScope.Dispute && kind == CaseKind.Petition))
                {
                    Fail(column.Field, $"{ChineseLabels.Kinds.Name(kind.Value)}不填此列", $"this column is not for a {(kind == CaseKind.Petition ? "petition" : "dispute")}");
                }
            }
            var hash = HashOf(_values.Where(v => !LedgerColumns.Of(v.Key).Computed).ToDictionary(v => v.Key, v => v.Value));
            var planned = kind == CaseKind.Petition ? PlanPetition(number, hash) : PlanDispute(number, hash);
            return errors.Count == _errorsBefore ? planned : null;
        }

        public void Fail(LedgerField field, string zh, string en) => errors.Add(new LedgerError(row, LedgerColumns.Header(field), zh, en));

        private LedgerCase? PlanPetition(string number, string hash)
        {
            var steps = new List<LedgerStep<PetitionState, PetitionCommand>>();
            var channel = Enum(LedgerField.Channel, ChineseLabels.Channels, required: true);
            var receivedAt = Step(LedgerField.RegisteredAt, required: true);
            var subject = Text(LedgerField.Subject, MaxText, required: true);
            var category = Text(LedgerField.Category, MaxCategory, required: true);
            var people = People();
            var headcount = Count(LedgerField.Headcount, 1, 10_000);
            var orderId = Text(LedgerField.OrderId, 64);
            var platformDue = Date(LedgerField.PlatformDueOn);
            var repeatOf = Text(LedgerField.RepeatOf, LedgerColumns.MaxLedgerNumber);
            var summary = Text(LedgerField.Summary, MaxSummary) ?? subject;
            var note = Text(LedgerField.Note, MaxNote);
            var leader = Leader();
            var handlers = Ids(LedgerField.Handlers);
            if (channel is null || receivedAt is null || subject is null || category is null || people is null)
            {
                return null;
            }
            steps.Add(new(LedgerField.RegisteredAt, new RegisterPetition("", "", channel.Value, receivedAt.Value, subject, summary!, category, people,
                headcount, Text(LedgerField.Village, MaxVillage), repeatOf, orderId, platformDue), s => s.Exists));
            if (leader is not null)
            {
                steps.Add(new(LedgerField.Leader, new AssignPetition(leader, handlers), s => s.LeaderId == leader));
            }
            else if (handlers.Count > 0 && !_values.ContainsKey(LedgerField.Leader))
            {
                Fail(LedgerField.Handlers, "填写承办人时须同时填写包案领导", "handlers need a responsible leader (包案领导)");
            }

            var acceptedAt = Step(LedgerField.AcceptedAt);
            var declinedAt = acceptedAt is null ? Step(LedgerField.DeclinedAt) : Exclusive(LedgerField.DeclinedAt, LedgerField.AcceptedAt);
            if (acceptedAt is { } accepted)
            {
                steps.Add(new(LedgerField.AcceptedAt, new AcceptPetition(accepted), s => s.AcceptedAt is not null));
            }
            else if (declinedAt is { } declined)
            {
                var route = Enum(LedgerField.Route, ChineseLabels.DeclineRoutes, required: true);
                if (route is { } r)
                {
                    steps.Add(new(LedgerField.DeclinedAt, new DeclinePetition(declined, note ?? "不属于信访受理范围" + DefaultNote, r), s => s.DeclinedAt is not null));
                }
            }
            else if (_values.ContainsKey(LedgerField.Route))
            {
                Fail(LedgerField.Route, "只有不予受理的信访件填写告知途径", "only a declined petition has a route");
            }

            if (Count(LedgerField.ExtendedDays, 1, 366) is { } days)
            {
                var approvedBy = Text(LedgerField.ExtensionApprovedBy, MaxName) ?? "单位负责人" + DefaultNote;
                steps.Add(new(LedgerField.ExtendedDays, new ExtendPetition(days, note ?? "案情复杂" + DefaultNote, approvedBy), s => s.ExtendedDays > 0));
            }

            var concludedAt = Step(LedgerField.ConcludedAt);
            var withdrawnAt = concludedAt is null ? Step(LedgerField.WithdrawnAt) : Exclusive(LedgerField.WithdrawnAt, LedgerField.ConcludedAt);
            var outcome = Enum(LedgerField.Outcome, ChineseLabels.Outcomes, required: concludedAt is not null);
            if (concludedAt is { } concluded && outcome is { } o)
            {
                steps.Add(new(LedgerField.ConcludedAt, new ConcludePetition(concluded, o, note ?? ChineseLabels.Outcomes.Name(o) + DefaultNote), s => s.ConcludedAt is not null));
            }
            else if (outcome is not null && concludedAt is null)
            {
                Fail(LedgerField.Outcome, "填写结果时须同时填写办结日期", "an outcome needs the date of the answer (办结日期)");
            }
            if (withdrawnAt is { } withdrawn)
            {
                steps.Add(new(LedgerField.WithdrawnAt, new WithdrawPetition(withdrawn, note ?? "信访人撤回" + DefaultNote), s => s.WithdrawnAt is not null));
            }

            if (Enum(LedgerField.Rating, ChineseLabels.Ratings) is { } rating)
            {
                steps.Add(new(LedgerField.Rating, new EvaluatePetition(rating), s => s.Rating is not null));
            }
            if (Step(LedgerField.ReviewRequestedAt) is { } reviewAt)
            {
                steps.Add(new(LedgerField.ReviewRequestedAt, new RequestReview(reviewAt), s => s.ReviewRequestedAt is not null));
                if (Answer(LedgerField.ReviewConcludedAt, LedgerField.ReviewDecision) is { } review)
                {
                    steps.Add(new(LedgerField.ReviewConcludedAt, new ConcludeReview(review.At, review.Decision), s => s.ReviewConcludedAt is not null));
                    if (Step(LedgerField.RecheckRequestedAt) is { } recheckAt)
                    {
                        steps.Add(new(LedgerField.RecheckRequestedAt, new RequestRecheck(recheckAt), s => s.RecheckRequestedAt is not null));
                        if (Answer(LedgerField.RecheckConcludedAt, LedgerField.RecheckDecision) is { } recheck)
                        {
                            steps.Add(new(LedgerField.RecheckConcludedAt, new ConcludeRecheck(recheck.At, recheck.Decision), s => s.RecheckConcludedAt is not null));
                        }
                    }
                }
            }
            NotWithout(LedgerField.ReviewConcludedAt, LedgerField.ReviewRequestedAt);
            NotWithout(LedgerField.ReviewDecision, LedgerField.ReviewConcludedAt);
            NotWithout(LedgerField.RecheckRequestedAt, LedgerField.ReviewConcludedAt);
            NotWithout(LedgerField.RecheckConcludedAt, LedgerField.RecheckRequestedAt);
            NotWithout(LedgerField.RecheckDecision, LedgerField.RecheckConcludedAt);
            NotWithout(LedgerField.ExtensionApprovedBy, LedgerField.ExtendedDays);

            var planned = new LedgerCase(row, number, CaseKind.Petition, hash, repeatOf, steps, []);
            CheckStatus(planned);
            return planned;
        }

        private LedgerCase? PlanDispute(string number, string hash)
        {
            var steps = new List<LedgerStep<DisputeState, DisputeCommand>>();
            var source = Enum(LedgerField.Channel, ChineseLabels.Sources, required: true);
            var reportedAt = Step(LedgerField.RegisteredAt, required: true);
            var subject = Text(LedgerField.Subject, MaxText, required: true);
            var category = Text(LedgerField.Category, MaxCategory, required: true);
            var people = People();
            var risk = Enum(LedgerField.RiskLevel, ChineseLabels.RiskLevels) ?? RiskLevel.Low;
            var summary = Text(LedgerField.Summary, MaxSummary) ?? subject;
            var note = Text(LedgerField.Note, MaxNote);
            var leader = Leader();
            var mediators = Ids(LedgerField.Handlers);
            var procedure = Enum(LedgerField.Procedure, ChineseLabels.Procedures);
            if (source is null || reportedAt is null || subject is null || category is null || people is null)
            {
                return null;
            }
            steps.Add(new(LedgerField.RegisteredAt, new RegisterDispute("", "", source.Value, reportedAt.Value, category, subject, summary!, people,
                Text(LedgerField.Village, MaxVillage), risk), s => s.Exists));
            if (leader is not null)
            {
                steps.Add(new(LedgerField.Leader, new AssignDispute(leader, mediators), s => s.LeaderId == leader));
            }
            else if (mediators.Count > 0 && !_values.ContainsKey(LedgerField.Leader))
            {
                Fail(LedgerField.Handlers, "填写调解员时须同时填写包案领导", "mediators need a responsible leader (包案领导)");
            }
            if (Step(LedgerField.AcceptedAt) is { } accepted)
            {
                steps.Add(new(LedgerField.AcceptedAt, new AcceptDispute(accepted, procedure), s => s.AcceptedAt is not null));
            }
            if (Count(LedgerField.ExtendedDays, 1, 366) is { } days)
            {
                var approvedBy = Text(LedgerField.ExtensionApprovedBy, MaxName) ?? "双方当事人" + DefaultNote;
                steps.Add(new(LedgerField.ExtendedDays, new ExtendDispute(days, note ?? "当事人同意延期" + DefaultNote, approvedBy), s => s.ExtendedDays > 0));
            }
            NotWithout(LedgerField.ExtensionApprovedBy, LedgerField.ExtendedDays);

            var outcome = Text(LedgerField.Outcome, 20);
            var concludedAt = Step(LedgerField.ConcludedAt);
            if (concludedAt is { } concluded)
            {
                switch (outcome)
                {
                    case Resolved or "已化解" or "化解" or "resolved":
                        if (procedure is null)
                        {
                            Fail(LedgerField.Procedure, "化解的纠纷须填写调解程序", "a resolved dispute needs its procedure");
                            break;
                        }
                        var agreement = Enum(LedgerField.Agreement, ChineseLabels.Agreements)
                            ?? (procedure == MediationProcedure.Simple ? AgreementForm.Oral : AgreementForm.Written);
                        steps.Add(new(LedgerField.ConcludedAt, new ResolveDispute(concluded, procedure.Value, agreement), s => s.ResolvedAt is not null));
                        if (Step(LedgerField.FollowedUpAt) is { } followedUp)
                        {
                            if (Enum(LedgerField.FollowUp, ChineseLabels.FollowUps, required: true) is { } result)
                            {
                                steps.Add(new(LedgerField.FollowedUpAt, new FollowUpDispute(followedUp, result), s => s.FollowedUpAt is not null));
                            }
                        }
                        break;
                    case Failed or "failed":
                        if (Enum(LedgerField.Route, ChineseLabels.Referrals, required: true) is { } referral)
                        {
                            steps.Add(new(LedgerField.ConcludedAt, new FailDispute(concluded, referral, note ?? "调解不成，已告知其他解决途径" + DefaultNote), s => s.FailedAt is not null));
                        }
                        break;
                    case null:
                        Fail(LedgerField.Outcome, $"填写办结日期时须填写结果（{Resolved}或{Failed}）", $"a concluded dispute needs its outcome ({Resolved} or {Failed})");
                        break;
                    default:
                        Fail(LedgerField.Outcome, $"“{outcome}”不是有效值，可选：{Resolved}、{Failed}", $"'{outcome}' is not one of: {Resolved}, {Failed}");
                        break;
                }
            }
            else if (outcome is not null)
            {
                Fail(LedgerField.Outcome, "填写结果时须同时填写办结日期", "an outcome needs its date (办结日期)");
            }
            if (outcome is not (Failed or "failed") && _values.ContainsKey(LedgerField.Route))
            {
                Fail(LedgerField.Route, "只有调解不成的纠纷填写告知途径", "only a failed mediation has a route");
            }
            NotWithout(LedgerField.FollowedUpAt, LedgerField.ConcludedAt);
            NotWithout(LedgerField.FollowUp, LedgerField.FollowedUpAt);
            NotWithout(LedgerField.Agreement, LedgerField.ConcludedAt);

            var planned = new LedgerCase(row, number, CaseKind.Dispute, hash, null, [], steps);
            CheckStatus(planned);
            return planned;
        }

        /// <summary>A 状态 cell, when given, must be the status the dates lead to (a cheap check that the row was read as meant).</summary>
        private void CheckStatus(LedgerCase c)
        {
            if (!_values.TryGetValue(LedgerField.Status, out var given) || errors.Count > _errorsBefore)
            {
                return;
            }
            string expected;
            bool matches;
            if (c.Kind == CaseKind.Petition)
            {
                var status = PetitionStatusOf(c.PetitionSteps);
                expected = ChineseLabels.PetitionStatuses.Name(status);
                matches = ChineseLabels.PetitionStatuses.TryParse(given, out var parsed) && parsed == status;
            }
            else
            {
                var status = DisputeStatusOf(c.DisputeSteps);
                expected = ChineseLabels.DisputeStatuses.Name(status);
                matches = ChineseLabels.DisputeStatuses.TryParse(given, out var parsed) && parsed == status;
            }
            if (!matches)
            {
                Fail(LedgerField.Status, $"状态“{given}”与各环节日期不符（按所填日期应为“{expected}”）",
                    $"the status '{given}' does not match the dates given (they make it '{expected}')");
            }
        }

        private static PetitionStatus PetitionStatusOf(IReadOnlyList<LedgerStep<PetitionState, PetitionCommand>> steps)
        {
            var status = PetitionStatus.Registered;
            foreach (var step in steps)
            {
                status = step.Command switch
                {
                    AcceptPetition => PetitionStatus.Accepted,
                    DeclinePetition => PetitionStatus.Declined,
                    ConcludePetition => PetitionStatus.Concluded,
                    WithdrawPetition => PetitionStatus.Withdrawn,
                    RequestReview => PetitionStatus.UnderReview,
                    ConcludeReview => PetitionStatus.Reviewed,
                    RequestRecheck => PetitionStatus.UnderRecheck,
                    ConcludeRecheck => PetitionStatus.Final,
                    _ => status,
                };
            }
            return status;
        }

        private static DisputeStatus DisputeStatusOf(IReadOnlyList<LedgerStep<DisputeState, DisputeCommand>> steps)
        {
            var status = DisputeStatus.Registered;
            foreach (var step in steps)
            {
                status = step.Command switch
                {
                    AcceptDispute => DisputeStatus.Accepted,
                    ResolveDispute => DisputeStatus.Resolved,
                    FailDispute => DisputeStatus.Failed,
                    FollowUpDispute => DisputeStatus.Closed,
                    _ => status,
                };
            }
            return status;
        }

        private (DateTimeOffset At, ReviewDecision Decision)? Answer(LedgerField at, LedgerField decision)
        {
            if (Step(at) is not { } when)
            {
                return null;
            }
            return Enum(decision, ChineseLabels.Decisions, required: true) is { } d ? (when, d) : null;
        }

        private void NotWithout(LedgerField field, LedgerField needs)
        {
            if (_values.ContainsKey(field) && !_values.ContainsKey(needs))
            {
                Fail(field, $"填写此列时须同时填写“{LedgerColumns.Header(needs)}”", $"this column needs '{LedgerColumns.Header(needs)}' too");
            }
        }

        private DateTimeOffset? Exclusive(LedgerField field, LedgerField other)
        {
            if (_values.ContainsKey(field))
            {
                Fail(field, $"不能与“{LedgerColumns.Header(other)}”同时填写", $"cannot be given together with '{LedgerColumns.Header(other)}'");
            }
            return null;
        }

        private string? Text(LedgerField field, int max, bool required = false)
        {
            if (!_values.TryGetValue(field, out var text))
            {
                if (required)
                {
                    Fail(field, "必填", "is required");
                }
                return null;
            }
            if (text.Length > max)
            {
                Fail(field, $"不能超过{max}个字符", $"must be at most {max} characters");
                return null;
            }
            return text;
        }

        private TEnum? Enum<TEnum>(LedgerField field, Labels<TEnum> labels, bool required = false)
            where TEnum : struct, System.Enum
        {
            if (Text(field, 40, required) is not { } text)
            {
                return null;
            }
            if (labels.TryParse(text, out var value))
            {
                return value;
            }
            var names = string.Join("、", labels.Names);
            Fail(field, $"“{text}”不是有效值，可选：{names}", $"'{text}' is not one of: {names}");
            return null;
        }

        private int? Count(LedgerField field, int min, int max)
        {
            if (Text(field, 10) is not { } text)
            {
                return null;
            }
            // Spreadsheets write whole numbers as 15 or 15.0.
            if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value == decimal.Truncate(value) && value >= min && value <= max)
            {
                return (int)value;
            }
            Fail(field, $"应为{min}至{max}之间的整数", $"must be a whole number from {min} to {max}");
            return null;
        }

        private DateOnly? Date(LedgerField field)
        {
            if (Text(field, 40) is not { } text)
            {
                return null;
            }
            if (TryDate(text, out var date))
            {
                return date;
            }
            Fail(field, "日期格式不正确，应为 yyyy-MM-dd", "not a date (yyyy-MM-dd)");
            return null;
        }

        /// <summary>
        /// The instant of a step. A date without a time is read as the start of that day, or as the
        /// previous step's instant when that step was on the same day, so a ledger that records dates only
        /// keeps its steps in order.
        /// </summary>
        private DateTimeOffset? Step(LedgerField field, bool required = false)
        {
            if (Text(field, 40, required) is not { } text)
            {
                return null;
            }
            var policy = context.Policy;
            DateTimeOffset at;
            if (TryLocalInstant(text, out var local))
            {
                at = new DateTimeOffset(local, policy.Settings.TimeZone.GetUtcOffset(local));
            }
            else if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
            {
                at = withOffset;
            }
            else if (TryDate(text, out var date))
            {
                var start = date.ToDateTime(TimeOnly.MinValue);
                at = new DateTimeOffset(start, policy.Settings.TimeZone.GetUtcOffset(start));
                if (_lastStep is { } last && policy.LocalDate(last) == date && last > at)
                {
                    at = last;
                }
            }
            else
            {
                Fail(field, "日期格式不正确，应为 yyyy-MM-dd 或 yyyy-MM-dd HH:mm", "not a date (yyyy-MM-dd or yyyy-MM-dd HH:mm)");
                return null;
            }
            if (_lastStep is null || at > _lastStep)
            {
                _lastStep = at;
            }
            return at;
        }

        private static bool TryLocalInstant(string text, out DateTime local)
            => DateTime.TryParseExact(text, InstantFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out local);

        private static bool TryDate(string text, out DateOnly date)
        {
            if (DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            {
                return true;
            }
            // A spreadsheet date cell that came through as its serial number (days since 1899-12-30).
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is > 20_000 and < 80_000 && serial == Math.Floor(serial))
            {
                date = DateOnly.FromDateTime(DateTime.FromOADate(serial));
                return true;
            }
            return false;
        }

        /// <summary>The roster id of the 包案领导 cell: an id, or the name of exactly one leader on the roster.</summary>
        private string? Leader()
        {
            if (Text(LedgerField.Leader, 64) is not { } text)
            {
                return null;
            }
            if (context.Roster.FirstOrDefault(l => string.Equals(l.Id, text, StringComparison.Ordinal)) is { } byId)
            {
                return byId.Id;
            }
            var byName = context.Roster.Where(l => string.Equals(l.Name, text, StringComparison.Ordinal)).ToList();
            if (byName.Count > 1)
            {
                // Several leaders share the name: prefer the one who may be assigned cases now.
                byName = [.. byName.Where(l => l.Active)];
            }
            if (byName.Count == 1)
            {
                return byName[0].Id;
            }
            Fail(LedgerField.Leader, byName.Count == 0 ? $"“{text}”不在本乡镇领导名单中" : $"本乡镇有多名在职领导名为“{text}”，请填写领导编号",
                byName.Count == 0 ? $"'{text}' is not on the township's roster" : $"several active leaders are called '{text}': give the leader's id");
            return null;
        }

        private IReadOnlyList<string> Ids(LedgerField field)
            => Text(field, 1000) is { } text ? [.. Split(text).Where(s => s.Length > 0)] : [];

        /// <summary>信访人/当事人 with the phones, ID numbers and addresses given by position. Errors never quote the values.</summary>
        private IReadOnlyList<Person>? People()
        {
            if (Text(LedgerField.People, 2000, required: true) is not { } text)
            {
                return null;
            }
            var names = Split(text);
            if (names.Count > MaxPeople || names.Any(n => n.Length == 0 || n.Length > MaxName))
            {
                Fail(LedgerField.People, $"姓名不能为空、不超过{MaxName}个字符，最多{MaxPeople}人", $"each name must be 1 to {MaxName} characters, at most {MaxPeople} people");
                return null;
            }
            var phones = Positional(LedgerField.Phones, names.Count, p => p.Length is >= 5 and <= 20 && p.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ' or '*'),
                "电话号码格式不正确", "a phone number is malformed");
            var ids = Positional(LedgerField.IdNumbers, names.Count, p => p.Length is >= 8 and <= 18 && p.All(c => char.IsAsciiDigit(c) || c is 'X' or 'x' or '*'),
                "身份证号格式不正确", "an ID number is malformed");
            var addresses = Positional(LedgerField.Addresses, names.Count, p => p.Length <= 200, "住址过长", "an address is too long");
            if (phones is null || ids is null || addresses is null)
            {
                return null;
            }
            return [.. names.Select((n, i) => new Person(n, Blank(ids[i]), Blank(phones[i]), Blank(addresses[i])))];
        }

        private string[]? Positional(LedgerField field, int count, Func<string, bool> valid, string zh, string en)
        {
            var values = new string[count];
            if (!_values.TryGetValue(field, out var text))
            {
                return values;
            }
            var parts = Split(text);
            if (parts.Count > count)
            {
                Fail(field, "个数多于信访人/当事人", "more values than people");
                return null;
            }
            for (var i = 0; i < parts.Count; i++)
            {
                if (parts[i].Length > 0 && !valid(parts[i]))
                {
                    Fail(field, zh, en);
                    return null;
                }
                values[i] = parts[i];
            }
            return values;
        }

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

        private static List<string> Split(string text) => [.. text.Split(Separators, StringSplitOptions.None).Select(s => s.Trim())];
    }
}
