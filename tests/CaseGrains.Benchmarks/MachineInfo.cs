using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace CaseGrains.Benchmarks;

/// <summary>What the numbers were measured on.</summary>
internal static class MachineInfo
{
    /// <summary>One line: cores, OS, runtime, GC mode.</summary>
    public static string Describe()
    {
        ThreadPool.GetMinThreads(out var minWorkers, out _);
        return $"{Environment.ProcessorCount} logical CPUs, {OperatingSystemName()}, "
            + $"{RuntimeInformation.FrameworkDescription} {RuntimeInformation.ProcessArchitecture}, "
            + $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, thread pool min {minWorkers} workers";
    }

    /// <summary>The mount's file system type for a path (Linux), e.g. <c>ext4 (/dev/vda)</c>.</summary>
    public static string FileSystemOf(string path)
    {
        const string mounts = "/proc/mounts";
        if (!File.Exists(mounts))
        {
            return "an unknown file system";
        }
        var full = Path.GetFullPath(path);
        var best = (Point: "", Type: "unknown", Device: "");
        foreach (var line in File.ReadLines(mounts))
        {
            var parts = line.Split(' ');
            if (parts.Length < 3)
            {
                continue;
            }
            var point = parts[1];
            var covers = point == "/" || full == point || full.StartsWith(point + "/", StringComparison.Ordinal);
            if (covers && point.Length >= best.Point.Length)
            {
                best = (point, parts[2], parts[0]);
            }
        }
        return $"{best.Type} ({best.Device})";
    }

    private static string OperatingSystemName()
    {
        const string osRelease = "/etc/os-release";
        if (File.Exists(osRelease))
        {
            var pretty = File.ReadLines(osRelease).FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            if (pretty is not null)
            {
                const string kernel = "/proc/sys/kernel/osrelease";
                var release = File.Exists(kernel) ? $", kernel {File.ReadAllText(kernel).Trim()}" : "";
                return pretty["PRETTY_NAME=".Length..].Trim('"') + release;
            }
        }
        return RuntimeInformation.OSDescription;
    }
}

/// <summary>
/// CPU used between two instants, by this process and by the whole machine. A process share well
/// under 100% means the program waited (on the disk, the server, a lock); a machine share above the
/// process share is the database server, or another build on the same cores.
/// </summary>
internal readonly record struct CpuSample(TimeSpan Process, long MachineBusyTicks, long MachineTotalTicks, long WallTimestamp)
{
    /// <summary>Reads the counters now.</summary>
    public static CpuSample Take()
    {
        var (busy, total) = ReadProcStat();
        return new CpuSample(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime, busy, total, Stopwatch.GetTimestamp());
    }

    /// <summary>Share of all cores used by this process since <paramref name="start"/>, in percent.</summary>
    public double ProcessPercentSince(CpuSample start)
    {
        var wall = Stopwatch.GetElapsedTime(start.WallTimestamp, WallTimestamp);
        return wall <= TimeSpan.Zero ? 0 : 100 * (Process - start.Process) / (wall * Environment.ProcessorCount);
    }

    /// <summary>Share of all cores busy on the machine since <paramref name="start"/>, in percent; NaN off Linux.</summary>
    public double MachinePercentSince(CpuSample start)
    {
        var total = MachineTotalTicks - start.MachineTotalTicks;
        return total <= 0 ? double.NaN : 100.0 * (MachineBusyTicks - start.MachineBusyTicks) / total;
    }

    private static (long Busy, long Total) ReadProcStat()
    {
        const string stat = "/proc/stat";
        if (!File.Exists(stat))
        {
            return (0, 0);
        }
        // cpu  user nice system idle iowait irq softirq steal ...: idle and iowait are the not-busy columns.
        var fields = File.ReadLines(stat).First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        return (total - fields[3] - fields[4], total);
    }
}
