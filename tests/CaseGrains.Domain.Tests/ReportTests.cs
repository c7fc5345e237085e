using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Petitions;
using CaseGrains.Domain.Reports;
using CaseGrains.Domain.Rollups;

namespace CaseGrains.Domain.Tests;

/// <summary>The report narrative and the ledger format, without I/O.</summary>
public sealed class ReportTests
{
    private static readonly DeadlinePolicy Policy = DeadlinePolicy.Default;
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Ledger_columns_are_listed_in_the_order_of_their_fields()
    {
        Assert.Equal(Enum.GetValues<LedgerField>(), LedgerColumns.All.Select(c => c.Field));
        Assert.Equal(LedgerColumns.All.Count, LedgerColumns.All.Select(c => c.Header).Distinct().Count());
        Assert.DoesNotContain(LedgerColumns.Exported, c => c.Field is LedgerField.Summary or LedgerField.Note);
    }

    [Fact]
    public void The_narrative_gives_every_rate_its_basis_writes_an_empty_base_as_a_dash_and_folds_small_categories()
    {
        var p = new PetitionFigures
        {
            Registered = 190, Accepted = 189, Concluded = 173, InProgress = 16, ConcludedOnTime = 171, Declined = 1,
            OnTimeRate = Rate.Of(171, 173, Rollup.Formulas.OnTime), Evaluated = 150, EvaluationRate = Rate.Of(150, 173, Rollup.Formulas.Evaluation),
            SatisfactionRate = Rate.Of(148, 150, Rollup.Formulas.SatisfactionWithBasically),
            ByChannel = new CountTable([new("visit", 100), new("hotline12345", 20), new("letter", 70)]),
            ByCategory = new CountTable([new("征地拆迁", 120), new("医疗卫生", 2), new("教育", 1), new("其他", 4), new("劳动保障", 63)]),
        };
        var text = string.Join("", ReportNarrative.PetitionParagraphs(p, new PetitionFigures(), 2024, new DateOnly(2024, 12, 14), AnnualReport.ChannelName));
        Assert.Contains("截至12月14日，共受理信访件189件，其中已办结173件，正在办理16件；按期办结171件，按期办结率98.8%（171/173）", text, StringComparison.Ordinal);
        Assert.Contains("参评率86.7%（150/173）", text, StringComparison.Ordinal);
        Assert.Contains("满意率98.7%（148/150）", text, StringComparison.Ordinal);
        Assert.Contains("依法不予受理1件", text, StringComparison.Ordinal);
        Assert.Contains("来访100件、来信70件、12345热线20件", text, StringComparison.Ordinal);
        Assert.Contains("征地拆迁120件、劳动保障63件、其他7件", text, StringComparison.Ordinal);
        Assert.DoesNotContain("医疗卫生", text, StringComparison.Ordinal);
        Assert.Contains("本期未收到12345热线转办工单", text, StringComparison.Ordinal);

        var d = string.Join("", ReportNarrative.DisputeParagraphs(new DisputeFigures(), 2024, new DateOnly(2024, 12, 31), AnnualReport.SourceName));
        Assert.Contains("全年共排查受理矛盾纠纷0件，共化解矛盾纠纷0件，正在调处0件，化解率—（0/0）", d, StringComparison.Ordinal);
        Assert.DoesNotContain("100%", d, StringComparison.Ordinal);
        Assert.Equal("截至2025年3月1日，2024年", ReportNarrative.AsOfPhrase(2024, new DateOnly(2025, 3, 1)));
    }

    [Fact]
    public void An_exported_row_imports_back_into_the_same_history()
    {
        var leaders = new[] { new Townships.Leader("wang", "王书记", "党委书记", true) };
        var state = Run(PetitionState.Empty,
            new RegisterPetition("t1", "2024-XF-0007", PetitionChannel.Visit, At(2024, 3, 5, 9), "土地补偿", "补偿款未到位", "征地拆迁",
                [new Person("张三丰", "610102199001011234", "13812345678"), new Person("李四")], 6, "南堡村", null, null, null),
            new AssignPetition("wang", ["officer-1"]),
            new AcceptPetition(At(2024, 3, 6, 10)),
            new ExtendPetition(20, "案情复杂", "王书记"),
            new ConcludePetition(At(2024, 5, 20, 10), PetitionOutcome.PartiallySupported, "已答复"),
            new EvaluatePetition(SatisfactionRating.Satisfied),
            new RequestReview(At(2024, 6, 1, 10)));
        var row = LedgerExport.Row(state, id => id == "wang" ? "王书记" : null, Policy, Now);
        Assert.Equal("张**、李*", row[LedgerField.People]);
        Assert.Equal("6101**********1234、", row[LedgerField.IdNumbers]);
        Assert.Equal("复查中", row[LedgerField.Status]);

        var table = new LedgerTable([.. LedgerColumns.Exported.Select(c => c.Header)], [LedgerExport.Cells(row, LedgerColumns.Exported)]);
        var (cases, errors) = LedgerImport.Check(table, new LedgerContext(Now, Policy, leaders));
        Assert.Empty(errors);
        var imported = PetitionState.Empty;
        foreach (var step in Assert.Single(cases).PetitionSteps)
        {
            var command = step.Command is RegisterPetition r ? r with { TownshipId = "t2", CaseId = "2024-XF-0001" } : step.Command;
            imported = Run(imported, command);
            Assert.True(step.Done(imported));
        }
        var expected = Petition.Summarize(state) with { Id = "2024-XF-0001", TownshipId = "t2" };
        Assert.Equal(expected, Petition.Summarize(imported));
    }

    [Fact]
    public void A_bad_ledger_is_refused_with_row_column_and_reasons_in_both_languages()
    {
        var header = new[] { "案件编号", "案件类型", "来源渠道", "登记日期", "事由", "类别", "信访人/当事人", "受理日期", "办结日期", "结果", "状态", "备注" };
        var table = new LedgerTable(header,
        [
            ["A1", "信访件", "来信", "2024-02-30", "事由", "城乡建设", "张三", "", "", "", "", ""],
            ["A2", "信访件", "来信", "2024-03-01", "事由", "城乡建设", "张三", "2024-03-02", "", "", "已办结", ""],
        ]);
        var (_, errors) = LedgerImport.Check(table, new LedgerContext(Now, Policy, []));
        Assert.Contains(errors, e => e is { Row: 1, Column: "备注" } && e.ReasonEn.Contains("template", StringComparison.Ordinal));

        var (_, rowErrors) = LedgerImport.Check(table with { Header = [.. header[..^1], ""] }, new LedgerContext(Now, Policy, []));
        Assert.Contains(rowErrors, e => e is { Row: 2, Column: "登记日期" } && e.ReasonZh.Contains("日期格式", StringComparison.Ordinal));
        Assert.Contains(rowErrors, e => e is { Row: 3, Column: "状态" } && e.ReasonZh.Contains("办理中", StringComparison.Ordinal));
        Assert.All(rowErrors, e => Assert.False(string.IsNullOrEmpty(e.ReasonEn)));
    }

    private static DateTimeOffset At(int y, int m, int d, int h) => new(y, m, d, h, 0, 0, TimeSpan.FromHours(8));

    private static PetitionState Run(PetitionState state, params PetitionCommand[] commands)
    {
        foreach (var command in commands)
        {
            var decision = Petition.Decide(state, command, new PetitionContext(Now, Policy, new HashSet<string> { "wang" }));
            Assert.False(decision.IsError, decision.Error?.MessageEn);
            state = decision.Events.Aggregate(state, Petition.Evolve);
        }
        return state;
    }
}
