using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using CaseGrains.Domain.Petitions;

namespace CaseGrains.Domain.Rollups;

/// <summary>
/// 统计 — the rollup math: figures from case summaries, a county from its townships. A case
/// counts in the year it was registered; figures are as they stood at the end of the as-of date
/// (a local date), so anything dated later is ignored. The same summaries always give the same
/// rollup, whatever their order, which lets a township prove its live rollup equals a rebuild.
/// </summary>
public static class Rollup
{
    /// <summary>Small cells in a public report are hidden below this count (domain.md).</summary>
    public const int DefaultMinimumPublicCell = 3;

    /// <summary>The formulas published with each rate.</summary>
    public static class Formulas
    {
        public const string OnTime = "concludedOnTime / concluded";
        public const string Evaluation = "evaluated / concluded";
        public const string SatisfactionWithBasically = "(satisfied + basicallySatisfied) / evaluated";
        public const string SatisfactionStrict = "satisfied / evaluated";
        public const string Resolution = "resolved / (resolved + failed)";
        public const string Fulfilment = "fulfilled / followedUp";
    }

    /// <summary>One township's (or any scope's) figures for <paramref name="year"/> as of the end of <paramref name="asOf"/>.</summary>
    public static TownshipRollup Compute(string scope, int year, DateOnly asOf, IEnumerable<CaseSummary> cases, DeadlinePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(policy);
        var petitions = new PetitionTally(policy, asOf);
        var hotline = new PetitionTally(policy, asOf);
        var disputes = new DisputeTally(policy, asOf);
        foreach (var c in cases)
        {
            if (c.Year != year || !By(policy, asOf, c.RegisteredAt))
            {
                continue;
            }

            if (c.Kind == CaseKind.Petition)
            {
                petitions.Add(c);
                if (c.Channel == PetitionChannel.Hotline12345)
                {
                    hotline.Add(c);
                }
            }
            else
            {
                disputes.Add(c);
            }
        }

        return new TownshipRollup(scope, year, asOf, petitions.ToFigures(), disputes.ToFigures(), hotline.ToFigures());
    }

    /// <summary>A county's figures: counts added, rates recomputed from the summed parts.</summary>
    public static CountyRollup Combine(string scope, int year, DateOnly asOf, IEnumerable<TownshipRollup> townships)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(townships);
        var list = townships.OrderBy(t => t.Scope, StringComparer.Ordinal).ToArray();
        foreach (var t in list)
        {
            if (t.Year != year || t.AsOf != asOf)
            {
                throw new ArgumentException($"Township rollup {t.Scope} is for {t.Year} as of {t.AsOf:yyyy-MM-dd}, not {year} as of {asOf:yyyy-MM-dd}.", nameof(townships));
            }
        }

        return new CountyRollup(
            scope,
            year,
            asOf,
            Sum(list.Select(t => t.Petitions)),
            Sum(list.Select(t => t.Disputes)),
            Sum(list.Select(t => t.Hotline12345)),
            list);
    }

    /// <summary>
    /// The cells of a public report: counts from 1 to <paramref name="minimum"/> − 1 are hidden
    /// (null) so that a small village's matter cannot point at a person; zeros stay.
    /// </summary>
    public static IReadOnlyDictionary<string, int?> PublicCells(CountTable cells, int minimum = DefaultMinimumPublicCell)
    {
        ArgumentNullException.ThrowIfNull(cells);
        return cells.ToDictionary(kv => kv.Key, kv => kv.Value > 0 && kv.Value < minimum ? (int?)null : kv.Value, StringComparer.Ordinal);
    }

    private static PetitionFigures Sum(IEnumerable<PetitionFigures> figures)
    {
        var f = figures.ToArray();
        var satisfactionFormula = f.Select(x => x.SatisfactionRate.Formula).FirstOrDefault() ?? Formulas.SatisfactionWithBasically;
        return new PetitionFigures
        {
            Registered = f.Sum(x => x.Registered),
            Accepted = f.Sum(x => x.Accepted),
            Declined = f.Sum(x => x.Declined),
            Concluded = f.Sum(x => x.Concluded),
            InProgress = f.Sum(x => x.InProgress),
            Withdrawn = f.Sum(x => x.Withdrawn),
            ConcludedOnTime = f.Sum(x => x.ConcludedOnTime),
            OnTimeRate = Rate.Sum(f.Select(x => x.OnTimeRate), Formulas.OnTime),
            OverdueNow = f.Sum(x => x.OverdueNow),
            Evaluated = f.Sum(x => x.Evaluated),
            EvaluationRate = Rate.Sum(f.Select(x => x.EvaluationRate), Formulas.Evaluation),
            Satisfied = f.Sum(x => x.Satisfied),
            SatisfactionRate = Rate.Sum(f.Select(x => x.SatisfactionRate), satisfactionFormula),
            Repeat = f.Sum(x => x.Repeat),
            Collective = f.Sum(x => x.Collective),
            Reviews = f.Sum(x => x.Reviews),
            Rechecks = f.Sum(x => x.Rechecks),
            ByChannel = CountTable.Sum(f.Select(x => x.ByChannel)),
            ByCategory = CountTable.Sum(f.Select(x => x.ByCategory)),
            AwaitingAcceptance = f.Sum(x => x.AwaitingAcceptance),
            WithdrawnBeforeAcceptance = f.Sum(x => x.WithdrawnBeforeAcceptance),
            BasicallySatisfied = f.Sum(x => x.BasicallySatisfied),
            Dissatisfied = f.Sum(x => x.Dissatisfied),
            Extended = f.Sum(x => x.Extended),
        };
    }

    private static DisputeFigures Sum(IEnumerable<DisputeFigures> figures)
    {
        var f = figures.ToArray();
        return new DisputeFigures
        {
            Registered = f.Sum(x => x.Registered),
            Accepted = f.Sum(x => x.Accepted),
            Resolved = f.Sum(x => x.Resolved),
            Failed = f.Sum(x => x.Failed),
            InProgress = f.Sum(x => x.InProgress),
            ResolutionRate = Rate.Sum(f.Select(x => x.ResolutionRate), Formulas.Resolution),
            SimpleProcedure = f.Sum(x => x.SimpleProcedure),
            GeneralProcedure = f.Sum(x => x.GeneralProcedure),
            WrittenAgreements = f.Sum(x => x.WrittenAgreements),
            FollowedUp = f.Sum(x => x.FollowedUp),
            Fulfilled = f.Sum(x => x.Fulfilled),
            OverdueNow = f.Sum(x => x.OverdueNow),
            ByCategory = CountTable.Sum(f.Select(x => x.ByCategory)),
            BySource = CountTable.Sum(f.Select(x => x.BySource)),
            AwaitingAcceptance = f.Sum(x => x.AwaitingAcceptance),
            FailedBeforeAcceptance = f.Sum(x => x.FailedBeforeAcceptance),
            OralAgreements = f.Sum(x => x.OralAgreements),
            PartlyFulfilled = f.Sum(x => x.PartlyFulfilled),
            NotFulfilled = f.Sum(x => x.NotFulfilled),
            FulfilmentRate = Rate.Sum(f.Select(x => x.FulfilmentRate), Formulas.Fulfilment),
            Extended = f.Sum(x => x.Extended),
        };
    }

    private static bool By(DeadlinePolicy policy, DateOnly asOf, DateTimeOffset? instant) =>
        instant is { } t && policy.LocalDate(t) <= asOf;

    /// <summary>Counts one scope's petitions.</summary>
    private sealed class PetitionTally(DeadlinePolicy policy, DateOnly asOf)
    {
        private readonly Dictionary<string, int> _byChannel = Enum.GetValues<PetitionChannel>().ToDictionary(CaseSummary.ApiName, _ => 0);
        private readonly Dictionary<string, int> _byCategory = new(StringComparer.Ordinal);
        private int _registered, _accepted, _declined, _concluded, _inProgress, _withdrawn, _withdrawnBefore, _awaiting;
        private int _onTime, _overdue, _evaluated, _satisfied, _basically, _dissatisfied, _repeat, _collective, _reviews, _rechecks, _extended;

        public void Add(CaseSummary c)
        {
            _registered++;
            if (c.Channel is { } channel)
            {
                _byChannel[CaseSummary.ApiName(channel)]++;
            }

            var category = DisputeCategories.TopLevel(c.Category);
            _byCategory[category] = _byCategory.GetValueOrDefault(category) + 1;
            _repeat += c.Repeat ? 1 : 0;
            _collective += c.Collective ? 1 : 0;

            var withdrawn = By(policy, asOf, c.WithdrawnAt);
            if (!By(policy, asOf, c.AcceptedAt))
            {
                if (By(policy, asOf, c.DeclinedAt))
                {
                    _declined++;
                }
                else if (withdrawn)
                {
                    _withdrawnBefore++;
                }
                else
                {
                    _awaiting++;
                    var due = c.AcceptanceDueOn;
                    if (c.PlatformDueOn is { } platform && (due is null || platform < due))
                    {
                        due = platform;
                    }

                    _overdue += due < asOf ? 1 : 0;
                }

                return;
            }

            _accepted++;
            var extended = c.ExtendedDays > 0 && By(policy, asOf, c.ExtendedAt);
            _extended += extended ? 1 : 0;
            if (By(policy, asOf, c.ConcludedAt))
            {
                _concluded++;
                _onTime += c.ConcludedOnTime == true ? 1 : 0;
                _reviews += By(policy, asOf, c.ReviewRequestedAt) ? 1 : 0;
                _rechecks += By(policy, asOf, c.RecheckRequestedAt) ? 1 : 0;
                if (c.Rating is { } rating && By(policy, asOf, c.EvaluatedAt))
                {
                    _evaluated++;
                    switch (rating)
                    {
                        case SatisfactionRating.Satisfied: _satisfied++; break;
                        case SatisfactionRating.BasicallySatisfied: _basically++; break;
                        default: _dissatisfied++; break;
                    }
                }
            }
            else if (withdrawn)
            {
                _withdrawn++;
            }
            else
            {
                _inProgress++;
                var due = extended ? c.HandlingDueOn : c.BaseHandlingDueOn ?? c.HandlingDueOn;
                _overdue += due < asOf ? 1 : 0;
            }
        }

        public PetitionFigures ToFigures()
        {
            var countBasically = policy.Settings.BasicallySatisfiedCountsAsSatisfied;
            return new PetitionFigures
            {
                Registered = _registered,
                Accepted = _accepted,
                Declined = _declined,
                Concluded = _concluded,
                InProgress = _inProgress,
                Withdrawn = _withdrawn,
                ConcludedOnTime = _onTime,
                OnTimeRate = Rate.Of(_onTime, _concluded, Formulas.OnTime),
                OverdueNow = _overdue,
                Evaluated = _evaluated,
                EvaluationRate = Rate.Of(_evaluated, _concluded, Formulas.Evaluation),
                Satisfied = _satisfied,
                SatisfactionRate = countBasically
                    ? Rate.Of(_satisfied + _basically, _evaluated, Formulas.SatisfactionWithBasically)
                    : Rate.Of(_satisfied, _evaluated, Formulas.SatisfactionStrict),
                Repeat = _repeat,
                Collective = _collective,
                Reviews = _reviews,
                Rechecks = _rechecks,
                ByChannel = new CountTable(_byChannel),
                ByCategory = new CountTable(_byCategory),
                AwaitingAcceptance = _awaiting,
                WithdrawnBeforeAcceptance = _withdrawnBefore,
                BasicallySatisfied = _basically,
                Dissatisfied = _dissatisfied,
                Extended = _extended,
            };
        }
    }

    /// <summary>Counts one scope's disputes.</summary>
    private sealed class DisputeTally(DeadlinePolicy policy, DateOnly asOf)
    {
        private readonly Dictionary<string, int> _bySource = Enum.GetValues<DisputeSource>().ToDictionary(CaseSummary.ApiName, _ => 0);
        private readonly Dictionary<string, int> _byCategory = new(StringComparer.Ordinal);
        private int _registered, _accepted, _resolved, _failed, _failedBefore, _inProgress, _awaiting, _overdue;
        private int _simple, _general, _written, _oral, _followedUp, _fulfilled, _partly, _not, _extended;

        public void Add(CaseSummary c)
        {
            _registered++;
            if (c.Source is { } source)
            {
                _bySource[CaseSummary.ApiName(source)]++;
            }

            var category = DisputeCategories.TopLevel(c.Category);
            _byCategory[category] = _byCategory.GetValueOrDefault(category) + 1;

            var accepted = By(policy, asOf, c.AcceptedAt);
            _accepted += accepted ? 1 : 0;
            var extended = accepted && c.ExtendedDays > 0 && By(policy, asOf, c.ExtendedAt);
            _extended += extended ? 1 : 0;
            if (By(policy, asOf, c.ResolvedAt))
            {
                _resolved++;
                _simple += c.Procedure == MediationProcedure.Simple ? 1 : 0;
                _general += c.Procedure == MediationProcedure.General ? 1 : 0;
                _written += c.Agreement == AgreementForm.Written ? 1 : 0;
                _oral += c.Agreement == AgreementForm.Oral ? 1 : 0;
                if (c.FollowUp is { } result && By(policy, asOf, c.FollowedUpAt))
                {
                    _followedUp++;
                    switch (result)
                    {
                        case FollowUpResult.Fulfilled: _fulfilled++; break;
                        case FollowUpResult.Partly: _partly++; break;
                        default: _not++; break;
                    }
                }
            }
            else if (By(policy, asOf, c.FailedAt))
            {
                _failed++;
                _failedBefore += accepted ? 0 : 1;
            }
            else if (accepted)
            {
                _inProgress++;
                var due = extended ? c.HandlingDueOn : c.BaseHandlingDueOn ?? c.HandlingDueOn;
                _overdue += due < asOf ? 1 : 0;
            }
            else
            {
                _awaiting++;
            }
        }

        public DisputeFigures ToFigures() => new()
        {
            Registered = _registered,
            Accepted = _accepted,
            Resolved = _resolved,
            Failed = _failed,
            InProgress = _inProgress,
            ResolutionRate = Rate.Of(_resolved, _resolved + _failed, Formulas.Resolution),
            SimpleProcedure = _simple,
            GeneralProcedure = _general,
            WrittenAgreements = _written,
            FollowedUp = _followedUp,
            Fulfilled = _fulfilled,
            OverdueNow = _overdue,
            ByCategory = new CountTable(_byCategory),
            BySource = new CountTable(_bySource),
            AwaitingAcceptance = _awaiting,
            FailedBeforeAcceptance = _failedBefore,
            OralAgreements = _oral,
            PartlyFulfilled = _partly,
            NotFulfilled = _not,
            FulfilmentRate = Rate.Of(_fulfilled, _followedUp, Formulas.Fulfilment),
            Extended = _extended,
        };
    }
}
