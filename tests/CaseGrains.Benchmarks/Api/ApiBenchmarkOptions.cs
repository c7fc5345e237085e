using System.Globalization;
using static CaseGrains.Benchmarks.OptionValues;

namespace CaseGrains.Benchmarks.Api;

/// <summary>What the through-the-API run measures, from the command line after <c>--api</c>.</summary>
internal sealed record ApiBenchmarkOptions(
    TimeSpan Duration,
    TimeSpan WarmUp,
    IReadOnlyList<int> Connections,
    IReadOnlyList<string> Shapes,
    int Townships,
    int Cases,
    int MemoryCases,
    int SeedCases,
    bool StatementStats,
    string? ProfileShape)
{
    /// <summary>The shapes, in the order they run at each connection count.</summary>
    public static readonly IReadOnlyList<string> AllShapes = ["register", "progress", "read"];

    /// <summary>Requests one shape may send at most, whatever the duration: a bound besides the clock.</summary>
    public const long MaxRequestsPerRun = 2_000_000;

    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: CaseGrains.Benchmarks --api [--duration S] [--warmup S] [--connections 1,8,32] [--shapes register,progress,read]
                                           [--townships T] [--cases C] [--memory-cases M] [--seed-cases K]
                                           [--statement-stats] [--profile SHAPE@CONNECTIONS]
          starts a private PostgreSQL cluster with durable settings (fsync, synchronous_commit, full_page_writes on)
          and the service binary on loopback ports, then measures each shape at each connection count beside pgbench.
          --duration S        seconds per shape and connection count, and per pgbench run (default 10, at most 120)
          --warmup S          at most this many unmeasured seconds of each shape at the largest count before any run, in
                              5 s rounds until the service's CPU per request stops falling (default 60; 0 for none),
                              and 2 s before each measured run
          --connections L     comma-separated concurrent connections (default 1,8,32; each 1 to 256)
          --shapes L          any of register, progress, read (default all three)
          --townships T       townships the load is spread over (default 40)
          --cases C           accepted petitions that progress and read work on (default 400)
          --memory-cases M    petitions activated in-process for the memory per active case grain (default 10000; 0 skips)
          --seed-cases K      petitions seeded through the case store for the time to ready (default 100000; 0 skips)
          --statement-stats   load pg_stat_statements and print what PostgreSQL ran per request of each measured shape
          --profile S@N       sample the service's CPU with perf during shape S at N connections and print where it went
        """;

    /// <summary>Parses the arguments after <c>--api</c>; null and an error message when they do not make sense.</summary>
    public static ApiBenchmarkOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new ApiBenchmarkOptions(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), [1, 8, 32], AllShapes, 40, 400, 10_000, 100_000, false, null);
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                return null;
            }
            if (name == "--statement-stats")
            {
                options = options with { StatementStats = true };
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
                case "--duration" when TryCount(value, 1, 120, out var seconds):
                    options = options with { Duration = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--warmup" when TryCount(value, 0, 120, out var seconds):
                    options = options with { WarmUp = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--connections" when TryList(value, 1, 256, out var connections):
                    options = options with { Connections = connections };
                    break;
                case "--shapes" when value.Split(',').All(AllShapes.Contains):
                    options = options with { Shapes = [.. AllShapes.Where(s => value.Split(',').Contains(s))] };
                    break;
                case "--townships" when TryCount(value, 1, 1000, out var townships):
                    options = options with { Townships = townships };
                    break;
                case "--cases" when TryCount(value, 1, 100_000, out var cases):
                    options = options with { Cases = cases };
                    break;
                case "--memory-cases" when TryCount(value, 0, 200_000, out var memory):
                    options = options with { MemoryCases = memory };
                    break;
                case "--seed-cases" when TryCount(value, 0, 1_000_000, out var seed):
                    options = options with { SeedCases = seed };
                    break;
                case "--profile" when value.Split('@') is [var shape, var count] && AllShapes.Contains(shape) && TryCount(count, 1, 256, out _):
                    options = options with { ProfileShape = value };
                    break;
                case "--duration" or "--warmup" or "--connections" or "--shapes" or "--townships" or "--cases"
                    or "--memory-cases" or "--seed-cases" or "--profile":
                    error = $"{name} {value}: not an accepted value.";
                    return null;
                default:
                    error = $"unknown option {name}.";
                    return null;
            }
        }
        if (options.Connections.Max() > options.Cases)
        {
            error = $"--cases ({options.Cases}) must be at least the largest connection count ({options.Connections.Max()}): every worker owns cases.";
            return null;
        }
        if (options.Cases < options.Townships)
        {
            error = $"--cases ({options.Cases}) must be at least --townships ({options.Townships}): every township gets cases.";
            return null;
        }
        return options;
    }
}
