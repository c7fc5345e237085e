using System.Globalization;
using CaseGrains.Testing;

namespace CaseGrains.Benchmarks;

/// <summary>What to measure, from the command line; the defaults finish both stores in well under a minute on 2 cores.</summary>
internal sealed record BenchmarkOptions(int Commands, int Grains, int IdleGrains, IReadOnlyList<StoreKind> Stores)
{
    /// <summary>Default commands per shape.</summary>
    public const int DefaultCommands = 5000;

    /// <summary>Default number of grains the spread shape writes to.</summary>
    public const int DefaultGrains = 200;

    /// <summary>Default number of idle activations in the memory measurement.</summary>
    public const int DefaultIdleGrains = 10_000;

    /// <summary>Upper bounds that keep a mistyped count from running for an hour.</summary>
    public const int MaxCommands = 200_000;

    /// <summary>Upper bound of <see cref="IdleGrains"/>.</summary>
    public const int MaxIdleGrains = 200_000;

    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: CaseGrains.Benchmarks [--commands N] [--grains M] [--idle-grains K] [--store sqlite|postgres|both]
          --commands N     commands per shape (default 5000)
          --grains M       grains in the spread shape, each receiving about N/M commands (default 200)
          --idle-grains K  idle activations for the memory measurement (default 10000)
          --store S        sqlite, postgres or both (default both); PostgreSQL comes from CASEGRAINS_TEST_PG
                           when set, else from a private cluster started with initdb
        """;

    /// <summary>Parses the arguments; null and an error message when they do not make sense.</summary>
    public static BenchmarkOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new BenchmarkOptions(DefaultCommands, DefaultGrains, DefaultIdleGrains, [StoreKind.Sqlite, StoreKind.PostgreSql]);
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                return null;
            }
            if (i + 1 >= args.Count)
            {
                error = $"{name} needs a value.";
                return null;
            }
            var value = args[++i];
            switch (name)
            {
                case "--commands" when TryCount(value, MaxCommands, out var commands):
                    options = options with { Commands = commands };
                    break;
                case "--grains" when TryCount(value, MaxCommands, out var grains):
                    options = options with { Grains = grains };
                    break;
                case "--idle-grains" when TryCount(value, MaxIdleGrains, out var idle):
                    options = options with { IdleGrains = idle };
                    break;
                case "--store" when value is "sqlite" or "postgres" or "both":
                    options = options with
                    {
                        Stores = value switch
                        {
                            "sqlite" => [StoreKind.Sqlite],
                            "postgres" => [StoreKind.PostgreSql],
                            _ => [StoreKind.Sqlite, StoreKind.PostgreSql],
                        },
                    };
                    break;
                case "--commands" or "--grains" or "--idle-grains" or "--store":
                    error = $"{name} {value}: not an accepted value.";
                    return null;
                default:
                    error = $"unknown option {name}.";
                    return null;
            }
        }
        if (options.Grains > options.Commands)
        {
            error = $"--grains ({options.Grains}) cannot exceed --commands ({options.Commands}): every grain needs a command.";
            return null;
        }
        return options;
    }

    private static bool TryCount(string value, int max, out int count)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count >= 1 && count <= max;
}
