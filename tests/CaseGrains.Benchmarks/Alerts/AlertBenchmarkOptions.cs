using System.Globalization;
using static CaseGrains.Benchmarks.OptionValues;

namespace CaseGrains.Benchmarks.Alerts;

/// <summary>What the alert benchmark measures, from the command line after <c>alerts</c>.</summary>
internal sealed record AlertBenchmarkOptions(
    int Townships,
    int CasesPerTownship,
    TimeSpan Duration,
    TimeSpan WarmUp,
    IReadOnlyList<int> Connections,
    TimeSpan FakeStep,
    int FakeMidnights,
    TimeSpan RealLead,
    TimeSpan RealTimeout,
    bool Profile)
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: CaseGrains.Benchmarks alerts [--townships T] [--cases-per-township N] [--duration S] [--warmup S] [--connections 1,8]
                                            [--fake-step M] [--fake-midnights D] [--real-lead S] [--real-timeout S] [--profile]
          seeds T x N open petitions and disputes of one county on a private, durable PostgreSQL (deadlines spread over a year
          around now), then measures the townships' alert indexes in memory, GET /api/alerts through the service binary, and
          alert lateness on a fake clock (the start-up sweep) and on the real one (Orleans' reminder service).
          --townships T          townships in the county (default 20)
          --cases-per-township N open cases per township (default 5000)
          --duration S           seconds per measured GET run (default 10, at most 120)
          --warmup S             unmeasured seconds of each GET shape at the largest connection count first (default 15)
          --connections L        comma-separated connection counts for the GET runs (default 1,8)
          --fake-step M          minutes the fake clock moves per step; a sweep runs after each step (default 15)
          --fake-midnights D     local midnights (deadline moments) the fake clock passes (default 3)
          --real-lead S          seconds of real time between the real-clock silo's start and the midnight it waits for (default 75)
          --real-timeout S       seconds after that midnight to wait for every armed reminder to be handled (default 240)
          --profile              sample the service's CPU with perf during GET /api/alerts at 1 connection
        """;

    /// <summary>Total cases.</summary>
    public int Cases => Townships * CasesPerTownship;

    /// <summary>Parses the arguments after <c>alerts</c>; null and an error message when they do not make sense.</summary>
    public static AlertBenchmarkOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new AlertBenchmarkOptions(20, 5000, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), [1, 8],
            TimeSpan.FromMinutes(15), 3, TimeSpan.FromSeconds(75), TimeSpan.FromSeconds(240), false);
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                return null;
            }
            if (name == "--profile")
            {
                options = options with { Profile = true };
                continue;
            }
            if (i + 1 >= args.Count)
            {
                error = $"{name} needs a value.";
                return null;
            }
            var value = args[++i];
            switch (name)
            {
                case "--townships" when TryCount(value, 1, 99, out var townships):
                    options = options with { Townships = townships };
                    break;
                case "--cases-per-township" when TryCount(value, 10, 100_000, out var cases):
                    options = options with { CasesPerTownship = cases };
                    break;
                case "--duration" when TryCount(value, 1, 120, out var seconds):
                    options = options with { Duration = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--warmup" when TryCount(value, 0, 120, out var seconds):
                    options = options with { WarmUp = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--connections" when TryList(value, 1, 64, out var connections):
                    options = options with { Connections = connections };
                    break;
                case "--fake-step" when TryCount(value, 1, 720, out var minutes):
                    options = options with { FakeStep = TimeSpan.FromMinutes(minutes) };
                    break;
                case "--fake-midnights" when TryCount(value, 1, 10, out var midnights):
                    options = options with { FakeMidnights = midnights };
                    break;
                case "--real-lead" when TryCount(value, 20, 600, out var seconds):
                    options = options with { RealLead = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--real-timeout" when TryCount(value, 10, 1200, out var seconds):
                    options = options with { RealTimeout = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--townships" or "--cases-per-township" or "--duration" or "--warmup" or "--connections" or "--fake-step"
                    or "--fake-midnights" or "--real-lead" or "--real-timeout":
                    error = $"{name} {value}: not an accepted value.";
                    return null;
                default:
                    error = $"unknown option {name}.";
                    return null;
            }
        }
        return options;
    }
}
