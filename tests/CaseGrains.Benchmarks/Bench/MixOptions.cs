using System.Globalization;
using static CaseGrains.Benchmarks.OptionValues;

namespace CaseGrains.Benchmarks.Bench;

/// <summary>What the <c>bench</c> verb measures, from the command line after <c>bench</c>.</summary>
internal sealed record MixOptions(
    IReadOnlyList<string> Targets,
    Uri? Url,
    string? ReferenceDatabase,
    int Concurrency,
    TimeSpan Duration,
    TimeSpan WarmUp,
    int Townships,
    int MemoryCases,
    int SeedCases,
    bool Profile)
{
    /// <summary>Requests one mix run may send at most, whatever the duration: a bound besides the clock.</summary>
    public const long MaxRequestsPerRun = 2_000_000;

    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: CaseGrains.Benchmarks bench [--target single|cluster|both|URL] [--concurrency N] [--duration S] [--warmup S]
                                           [--townships T] [--memory-cases M] [--seed-cases K] [--reference-db CONNSTRING] [--profile]
          a realistic mix of register, accept, assign, progress, conclude, list, view, alerts and rollup (weights in the
          report) through HTTP at N concurrent connections, each case walked through its lifecycle, beside pgbench's
          single-row inserts on the same PostgreSQL at the same client count.
          --target T          single: a private durable PostgreSQL (fsync, synchronous_commit on) and one service process;
                              cluster: deploy/local-cluster.sh up (three silos, a gateway node, nginx), measured through nginx;
                              both (default): single, then cluster when the script exists;
                              URL: a running deployment (Auth__SigningKey must hold its signing key; --reference-db its database)
          --concurrency N     concurrent connections, each a closed loop (default 32, 1 to 256)
          --duration S        measured seconds of the mix, and of pgbench (default 30, at most 120)
          --warmup S          unmeasured seconds of the mix before it (default 20)
          --townships T       townships the load is spread over, in one county (default 40)
          --memory-cases M    petitions activated in-process for the memory per active case grain, single only (default 10000; 0 skips)
          --seed-cases K      petitions seeded through the case store for the time to ready and the county rollup (default 400000; 0 skips)
          --reference-db C    the PostgreSQL connection string pgbench runs on for a URL target (else no ratio)
          --profile           sample the single service's CPU with perf during the measured mix and print where it went
        """;

    /// <summary>Parses the arguments after <c>bench</c>; null and an error message when they do not make sense.</summary>
    public static MixOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new MixOptions(["single", "cluster"], null, null, 32, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(20), 40, 10_000, 400_000, false);
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
                case "--target" when value is "single" or "cluster":
                    options = options with { Targets = [value], Url = null };
                    break;
                case "--target" when value == "both":
                    options = options with { Targets = ["single", "cluster"], Url = null };
                    break;
                case "--target" when Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https":
                    options = options with { Targets = ["url"], Url = url };
                    break;
                case "--concurrency" when TryCount(value, 1, 256, out var concurrency):
                    options = options with { Concurrency = concurrency };
                    break;
                case "--duration" when TryCount(value, 1, 120, out var seconds):
                    options = options with { Duration = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--warmup" when TryCount(value, 0, 120, out var seconds):
                    options = options with { WarmUp = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--townships" when TryCount(value, 1, 500, out var townships):
                    options = options with { Townships = townships };
                    break;
                case "--memory-cases" when TryCount(value, 0, 200_000, out var memory):
                    options = options with { MemoryCases = memory };
                    break;
                case "--seed-cases" when TryCount(value, 0, 1_000_000, out var seed):
                    options = options with { SeedCases = seed };
                    break;
                case "--reference-db" when value.Length > 0:
                    options = options with { ReferenceDatabase = value };
                    break;
                case "--target" or "--concurrency" or "--duration" or "--warmup" or "--townships" or "--memory-cases" or "--seed-cases" or "--reference-db":
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
