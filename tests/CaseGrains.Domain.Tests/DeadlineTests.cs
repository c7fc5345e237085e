using CaseGrains.Domain.Deadlines;
using CaseGrains.Domain.Disputes;
using static CaseGrains.Domain.Tests.Kit;

namespace CaseGrains.Domain.Tests;

/// <summary>Day counting: calendar days, start day excluded, local dates, overdue from the next instant, optional roll-forward.</summary>
public sealed class DeadlineTests
{
    [Theory]
    [InlineData("2024-03-01", 15, "2024-03-16")] // plain: start day not counted
    [InlineData("2024-02-14", 15, "2024-02-29")] // lands on the leap day
    [InlineData("2024-01-01", 60, "2024-03-01")] // spans February of a leap year
    [InlineData("2023-01-01", 60, "2023-03-02")] // spans February of a common year
    [InlineData("2024-01-31", 30, "2024-03-01")] // month end into a short month
    [InlineData("2024-10-31", 60, "2024-12-30")] // month ends on the way
    [InlineData("2024-12-17", 15, "2025-01-01")] // crosses the year end
    [InlineData("2024-12-31", 1, "2025-01-01")]
    [InlineData("2024-02-29", 30, "2024-03-30")] // starts on the leap day
    public void DueAfter_CountsCalendarDays_StartDayExcluded(string start, int days, string expected)
    {
        Assert.Equal(DateOnly.Parse(expected), Policy.DueAfter(DateOnly.Parse(start), days));
    }

    [Fact]
    public void DueAfter_DoesNotMoveAHolidayByDefault()
    {
        // 2024-08-02 + 60 = 2024-10-01, National Day: the regulations count calendar days.
        Assert.Equal(D(2024, 10, 1), Policy.DueAfter(D(2024, 8, 2), 60));
    }

    [Fact]
    public void RollForward_2024NationalDay_MovesToTuesday8October()
    {
        Assert.Equal(D(2024, 10, 8), RollForward.DueAfter(D(2024, 8, 2), 60));
        Assert.Equal(D(2024, 10, 8), RollForward.DueAfter(D(2024, 9, 6), 30)); // 10-06, last holiday day
    }

    [Fact]
    public void RollForward_AdjustedWorkingSaturday_StaysPut()
    {
        // 2024-10-12 is a Saturday worked in exchange for the holiday (调休).
        Assert.Equal(D(2024, 10, 12), RollForward.DueAfter(D(2024, 9, 27), 15));
    }

    [Fact]
    public void RollForward_MidAutumn2024_SkipsWeekendAndHoliday()
    {
        // 2024-09-15 (Sunday, holiday) → 16, 17 holidays → Wednesday 18th.
        Assert.Equal(D(2024, 9, 18), RollForward.DueAfter(D(2024, 8, 31), 15));
    }

    [Fact]
    public void RollForward_NewYear2025_MovesToThursday2January()
    {
        Assert.Equal(D(2025, 1, 2), RollForward.DueAfter(D(2024, 12, 17), 15));
    }

    [Fact]
    public void RollForward_PlainWeekend_MovesToMonday()
    {
        Assert.Equal(D(2024, 3, 18), RollForward.DueAfter(D(2024, 3, 1), 15)); // 03-16 is a Saturday
    }

    [Fact]
    public void LocalDate_UsesShanghai_NotUtc()
    {
        // 23:30 UTC on 31 March is 07:30 on 1 April in Shanghai.
        var instant = new DateTimeOffset(2024, 3, 31, 23, 30, 0, TimeSpan.Zero);
        Assert.Equal(D(2024, 4, 1), Policy.LocalDate(instant));
    }

    [Fact]
    public void LocalDate_FollowsConfiguredTimeZone()
    {
        var utc = new DeadlinePolicy(new DeadlineSettings { TimeZone = TimeZoneInfo.Utc });
        Assert.Equal(D(2024, 3, 31), utc.LocalDate(new DateTimeOffset(2024, 3, 31, 23, 30, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void EndOfDay_IsLocalMidnightAfterTheDueDate()
    {
        Assert.Equal(new DateTimeOffset(2024, 4, 16, 16, 0, 0, TimeSpan.Zero), Policy.EndOfDay(D(2024, 4, 16)));
    }

    [Fact]
    public void Overdue_FromTheFirstInstantAfterTheDueDate()
    {
        var due = D(2024, 4, 16);
        var lastMoment = new DateTimeOffset(2024, 4, 16, 23, 59, 59, Cst).AddTicks(9_999_999);
        Assert.False(Policy.IsOverdue(due, lastMoment));
        Assert.Equal(0, Policy.DaysOverdue(due, lastMoment));
        Assert.True(Policy.IsOverdue(due, At(2024, 4, 17, 0, 0)));
        Assert.Equal(1, Policy.DaysOverdue(due, At(2024, 4, 17, 0, 0)));
        Assert.Equal(3, Policy.DaysOverdue(due, At(2024, 4, 19, 18)));
    }

    [Fact]
    public void DaysLeft_AndDueSoon()
    {
        var due = D(2024, 4, 16);
        Assert.Equal(4, Policy.DaysLeft(due, At(2024, 4, 12)));
        Assert.False(Policy.IsDueSoon(due, At(2024, 4, 12)));
        Assert.Equal(3, Policy.DaysLeft(due, At(2024, 4, 13)));
        Assert.True(Policy.IsDueSoon(due, At(2024, 4, 13)));
        Assert.Equal(0, Policy.DaysLeft(due, At(2024, 4, 16, 23, 59)));
        Assert.True(Policy.IsDueSoon(due, At(2024, 4, 16, 23, 59)));
        Assert.Equal(0, Policy.DaysLeft(due, At(2024, 4, 20)));
        Assert.False(Policy.IsDueSoon(due, At(2024, 4, 20)));

        var status = Policy.StatusOf(DeadlineKind.Handling, due, At(2024, 4, 20));
        Assert.Equal(new DeadlineStatus(DeadlineKind.Handling, due, true, 4, 0, false), status);
    }

    [Fact]
    public void RuleSet_ChosenByRegistrationDate()
    {
        Assert.Equal(DeadlineRuleSet.Regulation2005, Policy.RuleSetFor(D(2022, 4, 30)));
        Assert.Equal(DeadlineRuleSet.Regulation2022, Policy.RuleSetFor(D(2022, 5, 1)));
        Assert.Equal(DeadlineRuleSet.Regulation2022, Policy.RuleSetFor(D(2025, 1, 1)));
        Assert.Equal(DeadlineRuleSet.Regulation2005, Policy.RuleSetFor(D(2001, 1, 1))); // before any: the earliest
    }

    [Fact]
    public void RuleSets_2005And2022_HaveTheStatutoryNumbers()
    {
        foreach (var r in new[] { DeadlineRuleSet.Regulation2005, DeadlineRuleSet.Regulation2022 })
        {
            Assert.Equal(15, r.AcceptanceNoticeDays);
            Assert.Equal(60, r.HandlingDays);
            Assert.Equal(30, r.MaxExtensionDays);
            Assert.Equal(30, r.ReviewRequestDays);
            Assert.Equal(30, r.ReviewAnswerDays);
            Assert.Equal(30, r.RecheckRequestDays);
            Assert.Equal(30, r.RecheckAnswerDays);
        }

        Assert.Equal(D(2005, 5, 1), DeadlineRuleSet.Regulation2005.EffectiveFrom);
        Assert.Equal(D(2022, 5, 1), DeadlineRuleSet.Regulation2022.EffectiveFrom);
    }

    [Fact]
    public void HolidayCalendar_ShippedSchedules_2024To2026()
    {
        var cn = HolidayCalendar.China;
        Assert.Equal(new HashSet<int> { 2024, 2025, 2026 }, cn.Years);

        // 2024: 元旦, 春节 2/10–2/17 with 2/4 and 2/18 worked, 清明 + 4/7, 劳动节 + 4/28, 5/11, 端午, 中秋 + 9/14, 国庆 + 9/29, 10/12.
        foreach (var d in new[] { D(2024, 1, 1), D(2024, 2, 10), D(2024, 2, 16), D(2024, 4, 4), D(2024, 5, 3), D(2024, 6, 10), D(2024, 9, 16), D(2024, 10, 7) })
        {
            Assert.False(cn.IsWorkingDay(d), $"{d} should be a holiday");
        }

        foreach (var d in new[] { D(2024, 2, 4), D(2024, 2, 18), D(2024, 4, 7), D(2024, 4, 28), D(2024, 5, 11), D(2024, 9, 14), D(2024, 9, 29), D(2024, 10, 12) })
        {
            Assert.True(cn.IsWorkingDay(d), $"{d} should be an adjusted working day");
        }

        // 2025: 春节 1/28–2/4 with 1/26 and 2/8 worked, 劳动节 + 4/27, 端午 5/31–6/2, 国庆中秋 10/1–10/8 + 9/28, 10/11.
        foreach (var d in new[] { D(2025, 1, 1), D(2025, 1, 28), D(2025, 2, 4), D(2025, 4, 4), D(2025, 5, 5), D(2025, 6, 2), D(2025, 10, 8) })
        {
            Assert.False(cn.IsWorkingDay(d), $"{d} should be a holiday");
        }

        foreach (var d in new[] { D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11) })
        {
            Assert.True(cn.IsWorkingDay(d), $"{d} should be an adjusted working day");
        }

        // 2026: 元旦 1/1–1/3 + 1/4, 春节 2/15–2/23 + 2/14, 2/28, 清明, 劳动节 + 5/9, 端午, 中秋 9/25–9/27, 国庆 10/1–10/7 + 9/20, 10/10.
        foreach (var d in new[] { D(2026, 1, 2), D(2026, 2, 15), D(2026, 2, 23), D(2026, 4, 6), D(2026, 5, 5), D(2026, 6, 19), D(2026, 9, 25), D(2026, 10, 7) })
        {
            Assert.False(cn.IsWorkingDay(d), $"{d} should be a holiday");
        }

        foreach (var d in new[] { D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10) })
        {
            Assert.True(cn.IsWorkingDay(d), $"{d} should be an adjusted working day");
        }

        // With roll-forward on, a last day in the 2026 National Day holiday moves to Thursday 8 October.
        Assert.Equal(D(2026, 10, 8), cn.NextWorkingDay(D(2026, 10, 3)));

        Assert.True(cn.IsWorkingDay(D(2024, 10, 8)));
        Assert.False(cn.IsWorkingDay(D(2024, 10, 13))); // an ordinary Sunday
        Assert.Equal(D(2024, 10, 8), cn.NextWorkingDay(D(2024, 9, 30)));
        Assert.Equal(D(2025, 2, 5), cn.NextWorkingDay(D(2025, 1, 27)));
    }

    [Fact]
    public void HolidayCalendar_ParsesTextWithRangesAndComments()
    {
        var cal = HolidayCalendar.Parse("""
            # provincial addition
            2026-03-02 holiday   # 某地方节日
            2026-03-03..2026-03-04 HOLIDAY

            2026-03-07 workday
            """);
        Assert.False(cal.IsWorkingDay(D(2026, 3, 2)));
        Assert.False(cal.IsWorkingDay(D(2026, 3, 4)));
        Assert.True(cal.IsWorkingDay(D(2026, 3, 7)));
        Assert.Equal(3, cal.Holidays.Count);
    }

    [Fact]
    public void HolidayCalendar_ParsesJson()
    {
        var cal = HolidayCalendar.ParseJson("""{"holidays": ["2024-10-01..2024-10-07"], "workdays": ["2024-10-12"]}""");
        Assert.Equal(7, cal.Holidays.Count);
        Assert.True(cal.IsWorkingDay(D(2024, 10, 12)));
    }

    [Theory]
    [InlineData("2024-10-01")]
    [InlineData("2024-10-01 vacation")]
    [InlineData("2024-13-01 holiday")]
    [InlineData("2024-10-07..2024-10-01 holiday")]
    [InlineData("2024-10-01 holiday\n2024-10-01 workday")]
    public void HolidayCalendar_RejectsMalformedData(string text)
    {
        Assert.Throws<FormatException>(() => HolidayCalendar.Parse(text));
    }

    [Fact]
    public void HolidayCalendar_Merge_AddsSchedules()
    {
        var merged = HolidayCalendar.China.Merge(HolidayCalendar.Parse("2026-01-01 holiday"));
        Assert.False(merged.IsWorkingDay(D(2026, 1, 1)));
        Assert.False(merged.IsWorkingDay(D(2024, 10, 1)));
    }

    [Fact]
    public void Settings_DefaultsAreValid_AndBadOnesAreReported()
    {
        Assert.Empty(new DeadlineSettings().Validate());
        var bad = new DeadlineSettings
        {
            CollectiveThreshold = 1,
            DueSoonDays = -1,
            RuleSets = [],
            DisputeDaysByCategory = new Dictionary<string, int> { ["不存在"] = 10 },
            MaxFutureSkew = TimeSpan.FromMinutes(-1),
        };
        Assert.Equal(5, bad.Validate().Count);
        Assert.Throws<ArgumentException>(() => new DeadlinePolicy(bad));
    }

    [Fact]
    public void Settings_DefaultTimeZoneIsShanghai()
    {
        var tz = new DeadlineSettings().TimeZone;
        Assert.Equal(TimeSpan.FromHours(8), tz.GetUtcOffset(new DateTime(2024, 7, 1)));
        Assert.Equal(TimeSpan.FromHours(8), tz.GetUtcOffset(new DateTime(2024, 1, 1)));
    }

    [Fact]
    public void DisputeDays_CategoryWinsOverProcedureWinsOverDefault()
    {
        var policy = new DeadlinePolicy(new DeadlineSettings
        {
            DisputeDaysByCategory = new Dictionary<string, int> { ["劳动争议"] = 20, ["劳动争议/欠薪"] = 10 },
            DisputeDaysByProcedure = new Dictionary<MediationProcedure, int> { [MediationProcedure.Simple] = 3 },
        });
        Assert.Equal(10, policy.DisputeDaysFor("劳动争议/欠薪", MediationProcedure.Simple));
        Assert.Equal(20, policy.DisputeDaysFor("劳动争议", MediationProcedure.Simple));
        Assert.Equal(3, policy.DisputeDaysFor("邻里", MediationProcedure.Simple));
        Assert.Equal(30, policy.DisputeDaysFor("邻里", MediationProcedure.General));
        Assert.Equal(30, policy.DisputeDaysFor("邻里", null));
    }

    [Theory]
    [InlineData("劳动争议/欠薪", "劳动争议/欠薪")]
    [InlineData(" 劳动争议 ／ 欠薪 ", "劳动争议/欠薪")]
    [InlineData("劳动争议", "劳动争议")]
    [InlineData("宅基地与房屋", "宅基地与房屋")]
    public void DisputeCategories_AcceptTopLevelOrTopAndSub(string input, string canonical)
    {
        Assert.True(DisputeCategories.TryNormalize(DisputeCategories.Default, input, out var result));
        Assert.Equal(canonical, result);
    }

    [Theory]
    [InlineData("欠薪")]
    [InlineData("邻里/欠薪")]
    [InlineData("劳动争议/欠薪/工伤")]
    [InlineData("")]
    [InlineData("交通事故")]
    public void DisputeCategories_RejectOthers(string input)
    {
        Assert.False(DisputeCategories.TryNormalize(DisputeCategories.Default, input, out _));
    }

    [Fact]
    public void DisputeCategories_DefaultListHasTheFifteenTopLevels()
    {
        Assert.Equal(
            ["婚姻家庭", "邻里", "土地承包", "宅基地与房屋", "征地拆迁", "劳动争议", "损害赔偿", "合同债务", "山林水利", "村务管理", "物业消费", "环境污染", "医疗", "社会保障", "其他"],
            DisputeCategories.Default.Select(c => c.Name));
    }
}
