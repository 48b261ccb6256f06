using System.Diagnostics;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>
/// Makes a failing run as short as it can within a time budget: it drops chunks of steps, then single steps (delta
/// debugging), keeping any shorter list that still breaks the same invariant. CsCheck's own shrinking re-samples
/// at random, which needs thousands of runs; a run here costs a database reset and dozens of requests.
/// </summary>
public static class Shrinker
{
    public static async Task<(IReadOnlyList<int> Kept, RunResult Result)> Shrink(ModelHost app, IReadOnlyList<Step> steps,
        IReadOnlyList<int> failing, RunResult failure, string invariant, IReadOnlySet<string> ignored, TimeSpan budget, Action<string> log)
    {
        var watch = Stopwatch.StartNew();
        var kept = UpTo(failing, failure);
        var best = failure;

        // First, all at once, the steps that wrote nothing (refused, replayed, nothing to do, restarts): they seldom matter.
        var active = kept.Where((_, position) => position == kept.Count - 1 || !failure.Inert[position]).ToList();
        if (active.Count < kept.Count && budget > TimeSpan.Zero)
        {
            var result = await new ModelRun(app, active.Select(i => steps[i]).ToList(), ignored, active).Execute();
            if (result.Violations.Any(x => x.Invariant == invariant))
            {
                kept = UpTo(active, result);
                best = result;
                log($"  shrunk to {kept.Count} steps by dropping those that wrote nothing ({watch.Elapsed.TotalSeconds:0} s)");
            }
        }

        var chunks = 2;
        while (kept.Count > 1 && watch.Elapsed < budget)
        {
            var size = (int)Math.Ceiling(kept.Count / (double)chunks);
            var reduced = false;
            for (var start = 0; start < kept.Count && watch.Elapsed < budget; start += size)
            {
                var candidate = kept.Take(start).Concat(kept.Skip(start + size)).ToList();
                if (candidate.Count == 0)
                {
                    continue;
                }

                var result = await new ModelRun(app, candidate.Select(i => steps[i]).ToList(), ignored, candidate).Execute();
                if (result.Violations.Any(x => x.Invariant == invariant))
                {
                    kept = UpTo(candidate, result);
                    best = result;
                    chunks = Math.Max(chunks - 1, 2);
                    reduced = true;
                    log($"  shrunk to {kept.Count} steps ({watch.Elapsed.TotalSeconds:0} s)");
                    break;
                }
            }

            if (!reduced)
            {
                if (size == 1)
                {
                    break;
                }

                chunks = Math.Min(chunks * 2, kept.Count);
            }
        }

        return (kept, best);
    }

    /// <summary>The steps up to the one that broke the invariant: what came after cannot have mattered.</summary>
    private static List<int> UpTo(IReadOnlyList<int> kept, RunResult result) =>
        kept.Take(Math.Min(kept.Count, result.FailedAt + 1)).ToList();
}
