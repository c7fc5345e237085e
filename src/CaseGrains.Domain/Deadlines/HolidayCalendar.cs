using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace CaseGrains.Domain.Deadlines;

/// <summary>
/// 节假日安排 — the official holiday schedule, loaded as data and never computed (the State
/// Council publishes it each year, with weekend days moved to working days, 调休). A weekend day is
/// not a working day unless listed as an adjusted working day; a listed holiday never is. Years
/// not in the data fall back to plain weekends.
/// </summary>
public sealed class HolidayCalendar
{
    private const string ChinaResourceName = "CaseGrains.Domain.Deadlines.Data.cn-holidays.txt";

    private static readonly Lazy<HolidayCalendar> LazyChina = new(LoadChina);

    private readonly FrozenSet<DateOnly> _holidays;
    private readonly FrozenSet<DateOnly> _workdays;

    /// <summary>Builds a calendar; a date may not be both a holiday and an adjusted working day.</summary>
    public HolidayCalendar(IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> adjustedWorkingDays)
    {
        ArgumentNullException.ThrowIfNull(holidays);
        ArgumentNullException.ThrowIfNull(adjustedWorkingDays);
        _holidays = holidays.ToFrozenSet();
        _workdays = adjustedWorkingDays.ToFrozenSet();
        if (_holidays.Overlaps(_workdays))
        {
            var clash = _holidays.Where(_workdays.Contains).Order().First();
            throw new ArgumentException($"{clash:yyyy-MM-dd} is listed both as a holiday and as a working day.", nameof(adjustedWorkingDays));
        }
    }

    /// <summary>No holidays: Monday to Friday are working days.</summary>
    public static HolidayCalendar Empty { get; } = new([], []);

    /// <summary>The State Council schedules shipped with the domain (2024 to 2026).</summary>
    public static HolidayCalendar China => LazyChina.Value;

    /// <summary>Public holidays (法定节假日 and the days joined to them).</summary>
    public IReadOnlySet<DateOnly> Holidays => _holidays;

    /// <summary>Weekend days that are working days (调休上班).</summary>
    public IReadOnlySet<DateOnly> AdjustedWorkingDays => _workdays;

    /// <summary>The years the data says anything about.</summary>
    public IReadOnlySet<int> Years => _holidays.Concat(_workdays).Select(d => d.Year).ToHashSet();

    /// <summary>True for a date on which offices are open.</summary>
    public bool IsWorkingDay(DateOnly date)
    {
        if (_holidays.Contains(date))
        {
            return false;
        }

        if (_workdays.Contains(date))
        {
            return true;
        }

        return date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }

    /// <summary>The first working day strictly after <paramref name="date"/>.</summary>
    public DateOnly NextWorkingDay(DateOnly date)
    {
        var d = date.AddDays(1);
        while (!IsWorkingDay(d))
        {
            d = d.AddDays(1);
        }

        return d;
    }

    /// <summary>This calendar and another, e.g. national data plus a provincial addition.</summary>
    public HolidayCalendar Merge(HolidayCalendar other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new HolidayCalendar(_holidays.Union(other._holidays), _workdays.Union(other._workdays));
    }

    /// <summary>
    /// Parses the text format: one entry a line, <c>yyyy-MM-dd holiday</c> or <c>yyyy-MM-dd workday</c>,
    /// or a range <c>yyyy-MM-dd..yyyy-MM-dd holiday</c>; <c>#</c> starts a comment; blank lines are ignored.
    /// </summary>
    /// <exception cref="FormatException">A line does not fit; the message names the line.</exception>
    public static HolidayCalendar Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var holidays = new HashSet<DateOnly>();
        var workdays = new HashSet<DateOnly>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var hash = raw.IndexOf('#', StringComparison.Ordinal);
            var line = (hash >= 0 ? raw[..hash] : raw).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                throw new FormatException($"Holiday data line {lineNumber}: expected '<date> holiday|workday', got '{line}'.");
            }

            var target = parts[1].ToLowerInvariant() switch
            {
                "holiday" => holidays,
                "workday" => workdays,
                _ => throw new FormatException($"Holiday data line {lineNumber}: '{parts[1]}' is neither 'holiday' nor 'workday'."),
            };
            foreach (var date in Dates(parts[0], lineNumber))
            {
                target.Add(date);
            }
        }

        return Build(holidays, workdays);
    }

    /// <summary>
    /// Parses the JSON format: <c>{"holidays": ["2024-10-01", ...], "workdays": ["2024-10-12", ...]}</c>;
    /// an entry may be a range <c>"2024-10-01..2024-10-07"</c>.
    /// </summary>
    /// <exception cref="FormatException">The document does not fit.</exception>
    public static HolidayCalendar ParseJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        HolidayData? data;
        try
        {
            data = JsonSerializer.Deserialize<HolidayData>(json, DomainJson.Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Holiday data is not valid JSON: {e.Message}", e);
        }

        if (data is null)
        {
            throw new FormatException("Holiday data is empty.");
        }

        var holidays = (data.Holidays ?? []).SelectMany(s => Dates(s, 0)).ToHashSet();
        var workdays = (data.Workdays ?? []).SelectMany(s => Dates(s, 0)).ToHashSet();
        return Build(holidays, workdays);
    }

    private static HolidayCalendar Build(HashSet<DateOnly> holidays, HashSet<DateOnly> workdays)
    {
        try
        {
            return new HolidayCalendar(holidays, workdays);
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    private static IEnumerable<DateOnly> Dates(string token, int lineNumber)
    {
        var range = token.Split("..", StringSplitOptions.None);
        if (range.Length is < 1 or > 2)
        {
            throw BadDate(token, lineNumber);
        }

        var from = ParseDate(range[0], lineNumber);
        var to = range.Length == 2 ? ParseDate(range[1], lineNumber) : from;
        if (to < from || to.DayNumber - from.DayNumber > 366)
        {
            throw BadDate(token, lineNumber);
        }

        return Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays);
    }

    private static DateOnly ParseDate(string s, int lineNumber) =>
        DateOnly.TryParseExact(s.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw BadDate(s, lineNumber);

    private static FormatException BadDate(string s, int lineNumber) =>
        new(lineNumber > 0
            ? $"Holiday data line {lineNumber}: '{s}' is not a date (yyyy-MM-dd) or range (yyyy-MM-dd..yyyy-MM-dd)."
            : $"Holiday data: '{s}' is not a date (yyyy-MM-dd) or range (yyyy-MM-dd..yyyy-MM-dd).");

    private static HolidayCalendar LoadChina()
    {
        // Embedded in the assembly: part of the code, not read from the file system.
        using var stream = typeof(HolidayCalendar).Assembly.GetManifestResourceStream(ChinaResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ChinaResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    private sealed record HolidayData(IReadOnlyList<string>? Holidays, IReadOnlyList<string>? Workdays);
}
