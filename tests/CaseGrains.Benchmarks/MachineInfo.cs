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

    /// <summary>The 1-, 5- and 15-minute load averages (Linux), e.g. <c>3.12 2.80 2.41</c>; on 2 cores above 2 means waiting for a core.</summary>
    public static string LoadAverage()
    {
        const string loadavg = "/proc/loadavg";
        return File.Exists(loadavg) ? string.Join(' ', File.ReadAllText(loadavg).Split(' ').Take(3)) : "n/a";
    }

    /// <summary>The CPU model and the memory installed (Linux), e.g. <c>AMD EPYC, 23.4 GiB RAM</c>.</summary>
    public static string Hardware()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            : null;
        var kib = memory is null ? 0 : long.Parse(memory.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return $"{model ?? RuntimeInformation.ProcessArchitecture.ToString()}, {kib / 1048576.0:F1} GiB RAM";
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
