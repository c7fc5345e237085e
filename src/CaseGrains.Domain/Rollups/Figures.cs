namespace CaseGrains.Domain.Rollups;

/// <summary>
/// 信访件统计 — the petition figures of a rollup, as they stood at the end of the as-of date, over
/// the cases registered (received) in the year. Which cases count where:
/// <list type="bullet">
/// <item><c>registered</c>: received on or before the as-of date.</item>
/// <item><c>accepted</c>: accepted by then; <c>declined</c>: declined by then (never accepted).</item>
/// <item><c>concluded</c>: accepted and answered by then (statuses concluded, underReview, reviewed,
/// underRecheck, final — a review does not reopen the township's count).</item>
/// <item><c>withdrawn</c>: accepted, then withdrawn by then; a petition withdrawn before acceptance
/// is <c>withdrawnBeforeAcceptance</c>.</item>
/// <item><c>inProgress</c>: accepted and neither concluded nor withdrawn by then.</item>
/// <item><c>awaitingAcceptance</c>: neither accepted, declined nor withdrawn by then.</item>
/// </list>
/// Identities: accepted = concluded + inProgress + withdrawn; registered = accepted + declined +
/// awaitingAcceptance + withdrawnBeforeAcceptance. <c>overdueNow</c> counts in-progress cases past
/// their handling deadline (with the extension only if granted by then) and cases awaiting
/// acceptance past the acceptance notice (or a 12345 order's earlier date), where "past" means the
/// due date is before the as-of date. Reviews and re-checks are answered by the higher levels and
/// are counted (<c>reviews</c>, <c>rechecks</c>) but not as overdue here. <c>evaluated</c> counts
/// concluded cases rated by then; <c>satisfied</c>, <c>basicallySatisfied</c> and
/// <c>dissatisfied</c> split them.
/// </summary>
public sealed record PetitionFigures
{
    /// <summary>登记.</summary>
    public int Registered { get; init; }

    /// <summary>受理.</summary>
    public int Accepted { get; init; }

    /// <summary>不予受理.</summary>
    public int Declined { get; init; }

    /// <summary>办结.</summary>
    public int Concluded { get; init; }

    /// <summary>正在办理.</summary>
    public int InProgress { get; init; }

    /// <summary>受理后撤回.</summary>
    public int Withdrawn { get; init; }

    /// <summary>按期办结.</summary>
    public int ConcludedOnTime { get; init; }

    /// <summary>按期办结率 = concludedOnTime / concluded.</summary>
    public Rate OnTimeRate { get; init; } = Rate.Of(0, 0, Rollup.Formulas.OnTime);

    /// <summary>当前超期.</summary>
    public int OverdueNow { get; init; }

    /// <summary>已评价.</summary>
    public int Evaluated { get; init; }

    /// <summary>参评率 = evaluated / concluded.</summary>
    public Rate EvaluationRate { get; init; } = Rate.Of(0, 0, Rollup.Formulas.Evaluation);

    /// <summary>满意.</summary>
    public int Satisfied { get; init; }

    /// <summary>满意率 = (satisfied + basicallySatisfied) / evaluated, or satisfied / evaluated when configured so.</summary>
    public Rate SatisfactionRate { get; init; } = Rate.Of(0, 0, Rollup.Formulas.SatisfactionWithBasically);

    /// <summary>重复信访.</summary>
    public int Repeat { get; init; }

    /// <summary>集体访.</summary>
    public int Collective { get; init; }

    /// <summary>申请复查.</summary>
    public int Reviews { get; init; }

    /// <summary>申请复核.</summary>
    public int Rechecks { get; init; }

    /// <summary>按渠道 (every channel, zeros included).</summary>
    public CountTable ByChannel { get; init; } = CountTable.Empty;

    /// <summary>按类别 (top level of the category).</summary>
    public CountTable ByCategory { get; init; } = CountTable.Empty;

    /// <summary>待受理.</summary>
    public int AwaitingAcceptance { get; init; }

    /// <summary>受理前撤回.</summary>
    public int WithdrawnBeforeAcceptance { get; init; }

    /// <summary>基本满意.</summary>
    public int BasicallySatisfied { get; init; }

    /// <summary>不满意.</summary>
    public int Dissatisfied { get; init; }

    /// <summary>延期.</summary>
    public int Extended { get; init; }
}

/// <summary>
/// 矛盾纠纷统计 — the dispute figures of a rollup, as they stood at the end of the as-of date, over
/// the disputes registered (reported) in the year. <c>resolved</c> includes those since followed
/// up (closed); <c>failed</c> includes those refused before acceptance
/// (<c>failedBeforeAcceptance</c>); <c>inProgress</c> is accepted and neither resolved nor failed;
/// <c>awaitingAcceptance</c> is neither accepted nor failed. Identities: registered = resolved +
/// failed + inProgress + awaitingAcceptance; accepted = resolved + inProgress + failed −
/// failedBeforeAcceptance. <c>overdueNow</c> counts in-progress disputes past their limit.
/// </summary>
public sealed record DisputeFigures
{
    /// <summary>登记.</summary>
    public int Registered { get; init; }

    /// <summary>受理.</summary>
    public int Accepted { get; init; }

    /// <summary>化解 (调处成功).</summary>
    public int Resolved { get; init; }

    /// <summary>调解不成.</summary>
    public int Failed { get; init; }

    /// <summary>正在调处.</summary>
    public int InProgress { get; init; }

    /// <summary>化解率 = resolved / (resolved + failed).</summary>
    public Rate ResolutionRate { get; init; } = Rate.Of(0, 0, Rollup.Formulas.Resolution);

    /// <summary>简易程序化解.</summary>
    public int SimpleProcedure { get; init; }

    /// <summary>一般程序化解.</summary>
    public int GeneralProcedure { get; init; }

    /// <summary>书面协议.</summary>
    public int WrittenAgreements { get; init; }

    /// <summary>已回访.</summary>
    public int FollowedUp { get; init; }

    /// <summary>协议已履行.</summary>
    public int Fulfilled { get; init; }

    /// <summary>当前超期.</summary>
    public int OverdueNow { get; init; }

    /// <summary>按类别 (top level).</summary>
    public CountTable ByCategory { get; init; } = CountTable.Empty;

    /// <summary>按来源 (every source, zeros included).</summary>
    public CountTable BySource { get; init; } = CountTable.Empty;

    /// <summary>待受理.</summary>
    public int AwaitingAcceptance { get; init; }

    /// <summary>受理前即调解不成 (a party refused mediation).</summary>
    public int FailedBeforeAcceptance { get; init; }

    /// <summary>口头协议.</summary>
    public int OralAgreements { get; init; }

    /// <summary>部分履行.</summary>
    public int PartlyFulfilled { get; init; }

    /// <summary>未履行.</summary>
    public int NotFulfilled { get; init; }

    /// <summary>协议履行率 = fulfilled / followedUp.</summary>
    public Rate FulfilmentRate { get; init; } = Rate.Of(0, 0, Rollup.Formulas.Fulfilment);

    /// <summary>延期.</summary>
    public int Extended { get; init; }
}

/// <summary>乡镇统计 — one township's figures for a year, as of a date.</summary>
/// <param name="Scope">The township id.</param>
/// <param name="Hotline12345">The 12345 work orders alone (already included in <paramref name="Petitions"/>), reported as their own stream.</param>
public sealed record TownshipRollup(string Scope, int Year, DateOnly AsOf, PetitionFigures Petitions, DisputeFigures Disputes, PetitionFigures Hotline12345);

/// <summary>县级统计 — the sum of a county's townships, with each township's own rollup.</summary>
/// <param name="Scope">The county id.</param>
public sealed record CountyRollup(string Scope, int Year, DateOnly AsOf, PetitionFigures Petitions, DisputeFigures Disputes, PetitionFigures Hotline12345, IReadOnlyList<TownshipRollup> Townships)
{
    /// <summary>Compares the township lists by content.</summary>
    public bool Equals(CountyRollup? other) =>
        other is not null
        && Scope == other.Scope
        && Year == other.Year
        && AsOf == other.AsOf
        && Petitions == other.Petitions
        && Disputes == other.Disputes
        && Hotline12345 == other.Hotline12345
        && Townships.SequenceEqual(other.Townships);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Scope, Year, AsOf, Petitions, Disputes, Townships.Count);
}
