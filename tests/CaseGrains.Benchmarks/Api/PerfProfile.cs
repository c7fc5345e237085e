using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CaseGrains.Benchmarks.Api;

/// <summary>
/// A CPU profile of the service with Linux perf: cpu-clock samples with call stacks, JIT-compiled frames named
/// through the runtime's perf map (the service then runs with DOTNET_PerfMapEnabled=1). Each sample is charged
/// to the assembly of its innermost managed frame (CoreLib frames are passed over, so a List's growth counts for
/// whoever grew it); samples without one are charged to the native code they were in: the JIT (tiering still
/// compiling), the runtime (GC, allocation, stubs), the kernel (sockets, scheduling) or libc.
/// dotnet-trace's sampled thread time counts waiting threads too, so on Linux it does not show where CPU goes.
/// </summary>
internal static partial class PerfProfile
{
    /// <summary>The environment the service needs for perf to name its JIT-compiled frames.</summary>
    public static readonly IReadOnlyDictionary<string, string> ServiceEnvironment = new Dictionary<string, string>
    {
        ["DOTNET_PerfMapEnabled"] = "1",
        // With W^X the JIT's code lives in a double-mapped memfd that perf cannot match to the map.
        ["DOTNET_EnableWriteXorExecute"] = "0",
    };

    /// <summary>The perf binary, or null.</summary>
    public static string? Find() => new[] { "/usr/bin/perf", "/usr/local/bin/perf" }.FirstOrDefault(File.Exists);

    /// <summary>Starts sampling the process for <paramref name="duration"/>.</summary>
    public static (Process Process, string File) Start(string perf, int pid, TimeSpan duration, string folder)
    {
        var file = Path.Combine(folder, $"service-{pid}.perf");
        var start = new ProcessStartInfo(perf) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["record", "-e", "cpu-clock", "-F", "499", "-g", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", file,
                     "--", "sleep", ((int)Math.Max(1, duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("perf did not start");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return (process, file);
    }

    /// <summary>Waits for the sampling to end and summarises it; <paramref name="cpuMsPerRequest"/> turns shares into milliseconds.</summary>
    public static async Task<string> FinishAsync(string perf, Process recording, string file, string label, double cpuMsPerRequest)
    {
        await recording.WaitForExitAsync();
        recording.Dispose();
        if (!File.Exists(file))
        {
            return $"profile of {label}: perf wrote no samples (perf_event_paranoid, or no permission)";
        }
        var start = new ProcessStartInfo(perf) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["script", "-i", file])
        {
            start.ArgumentList.Add(argument);
        }
        using var script = Process.Start(start) ?? throw new InvalidOperationException("perf script did not start");
        _ = script.StandardError.ReadToEndAsync();
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        var methods = new Dictionary<string, int>(StringComparer.Ordinal);
        var samples = 0;
        var stack = new List<string>();
        void Charge()
        {
            if (stack.Count == 0)
            {
                return;
            }
            samples++;
            var (owner, method) = Owner(stack);
            owners[owner] = owners.GetValueOrDefault(owner) + 1;
            if (method is not null)
            {
                methods[method] = methods.GetValueOrDefault(method) + 1;
            }
            stack.Clear();
        }
        while (await script.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                Charge();
            }
            else if (char.IsWhiteSpace(line[0]))
            {
                stack.Add(line.Trim());
            }
            else
            {
                Charge();
            }
        }
        Charge();
        await script.WaitForExitAsync();
        File.Delete(file);

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"CPU profile of the service, {label} (perf cpu-clock at 499 Hz, {samples} samples; share of the service's CPU and ms per request):\n");
        var table = new TextTable("charged to", "share", "ms/req");
        foreach (var (owner, count) in owners.OrderByDescending(o => o.Value).Take(22))
        {
            var share = count / (double)Math.Max(1, samples);
            table.Add(owner, $"{100 * share:F1}%", $"{share * cpuMsPerRequest:F3}");
        }
        text.Append(table);
        var top = new TextTable("innermost managed method (CoreLib passed over)", "share");
        foreach (var (method, count) in methods.OrderByDescending(m => m.Value).Take(15))
        {
            top.Add(method.Length > 120 ? method[..120] + "…" : method, $"{100.0 * count / Math.Max(1, samples):F1}%");
        }
        text.Append(top);
        return text.ToString();
    }

    /// <summary>The assembly (and method) a sample is charged to; the stack's innermost frame comes first.</summary>
    private static (string Owner, string? Method) Owner(List<string> stack)
    {
        foreach (var frame in stack)
        {
            var managed = ManagedFrame().Match(frame);
            if (managed.Success && managed.Groups[1].Value != "System.Private.CoreLib")
            {
                return (managed.Groups[1].Value, $"{managed.Groups[1].Value} {managed.Groups[2].Value.Trim()}");
            }
        }
        var leaf = stack[0];
        var owner = leaf.Contains("libclrjit", StringComparison.Ordinal) ? "JIT compiler (tiering)"
            : leaf.Contains("libcoreclr", StringComparison.Ordinal) ? "runtime (GC, allocation, stubs)"
            : leaf.Contains("kernel", StringComparison.Ordinal) ? "kernel (sockets, scheduling)"
            : leaf.Contains("libc.so", StringComparison.Ordinal) ? "libc"
            : stack.Any(f => f.Contains("System.Private.CoreLib", StringComparison.Ordinal)) ? "System.Private.CoreLib only"
            : "other native";
        return (owner, null);
    }

    // "7f… instance void [Npgsql] Npgsql.Internal.NpgsqlConnector::Method(…)[OptimizedTier1] (/tmp/perf-1.map)"
    [GeneratedRegex(@"\[([A-Za-z][\w.]*)\] ([^(]+)")]
    private static partial Regex ManagedFrame();
}
