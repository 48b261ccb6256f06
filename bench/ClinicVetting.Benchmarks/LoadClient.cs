using System.Diagnostics;

namespace ClinicVetting.Benchmarks;

/// <summary>What a load run measured: throughput and latency percentiles.</summary>
public sealed record LoadResult(long Operations, long Failures, TimeSpan Elapsed, double P50Ms, double P99Ms)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;
}

/// <summary>
/// A closed-loop load: N workers each run one operation after another for a fixed time (after a warm-up), recording
/// every latency. Runs in the benchmark process, never in the API's.
/// </summary>
public static class LoadClient
{
    /// <summary>
    /// Runs <paramref name="operation"/> (true when it got the answer it expects) and fails loudly when any operation failed or
    /// none succeeded: a figure measured on failures (a baseline of zero, an "Infinity" ratio) is no figure.
    /// </summary>
    public static async Task<LoadResult> Run(string scenario, int concurrency, TimeSpan duration, Func<int, long, Task<bool>> operation, TimeSpan? warmUp = null)
    {
        var result = await Measure(concurrency, duration, operation, warmUp);
        if (result.Operations == 0 || result.Failures > 0)
        {
            throw new InvalidOperationException(
                $"{scenario}: {result.Failures:N0} of {result.Operations + result.Failures:N0} operations did not get the expected answer; the figure would be meaningless.");
        }

        return result;
    }

    private static async Task<LoadResult> Measure(int concurrency, TimeSpan duration, Func<int, long, Task<bool>> operation, TimeSpan? warmUp)
    {
        await RunFor(concurrency, warmUp ?? TimeSpan.FromSeconds(2), operation, null);
        var latencies = new List<double>[concurrency];
        var watch = Stopwatch.StartNew();
        var (operations, failures) = await RunFor(concurrency, duration, operation, latencies);
        watch.Stop();

        var all = latencies.SelectMany(x => x).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
        return new LoadResult(operations, failures, watch.Elapsed, Percentile(0.50), Percentile(0.99));
    }

    private static async Task<(long Operations, long Failures)> RunFor(int concurrency, TimeSpan duration, Func<int, long, Task<bool>> operation,
        List<double>[]? latencies)
    {
        long operations = 0, failures = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = latencies is null ? null : latencies[worker] = new List<double>(100_000);
            for (long i = 0; Stopwatch.GetTimestamp() < deadline; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = await operation(worker, i);
                mine?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Interlocked.Increment(ref ok ? ref operations : ref failures);
            }
        }));
        await Task.WhenAll(workers);
        return (operations, failures);
    }
}
