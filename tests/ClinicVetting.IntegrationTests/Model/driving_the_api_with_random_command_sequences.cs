using System.Diagnostics;
using System.Text;
using CsCheck;
using Xunit.Abstractions;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>
/// A stateful, model-based test: random sequences of what staff, approvers and the booking system do (register, claim,
/// open cases, record evidence fresh and stale, waive, raise and clear red flags, decide, review, moderate, propose and
/// publish rankings, retry with the same Idempotency-Key, restart the API) go through HTTP, and after every step the
/// event log is read back and every promise checked (<see cref="Invariants"/>, <see cref="NewRules"/>). A failure is
/// shrunk to the fewest steps that still break the same promise and printed with the seed that reproduces it.
/// </summary>
public class driving_the_api_with_random_command_sequences(ITestOutputHelper output)
{
    private sealed record Failure(string Seed, Violation First, int Generated, IReadOnlyList<int> Kept, RunResult Shrunk,
        IReadOnlyCollection<string> Ignored);

    [Fact]
    public async Task no_sequence_of_commands_breaks_a_promise()
    {
        var settings = ModelSettings.FromEnvironment();
        var watch = Stopwatch.StartNew();
        await using var app = await ModelHost.Start();
        output.WriteLine($"host started in {watch.Elapsed.TotalSeconds:0.0} s");

        var failures = new List<Failure>();
        var ignored = new HashSet<string>(settings.Ignored);
        var shrinking = new Stopwatch();
        var searching = Stopwatch.StartNew();
        for (var run = 0; settings.Seed is not null ? run < 1 : run < settings.Runs && searching.Elapsed < settings.Budget; run++)
        {
            var pcg = settings.SeedOf(run);
            var seed = pcg.ToString();
            var steps = StepGenerator.Run(settings.Steps, settings.RestartsPerHundredSteps).Generate(pcg, null, out _);
            var kept = settings.Keep ?? Enumerable.Range(0, steps.Length).ToList();

            var started = watch.Elapsed;
            var result = await new ModelRun(app, kept.Select(i => steps[i]).ToList(), ignored, kept).Execute();
            output.WriteLine($"run {run}: seed {seed}, {kept.Count} steps, {(result.Failed ? result.Violations[0].Invariant : "every promise kept")} " +
                             $"({(watch.Elapsed - started).TotalSeconds:0.0} s)");
            if (settings.Trace)
            {
                result.Trace.ToList().ForEach(line => output.WriteLine($"    {line}"));
            }

            if (!result.Failed)
            {
                continue;
            }

            var first = result.Violations[0];
            var failure = new Failure(seed, first, steps.Length, kept, result, ignored.ToList());
            if (settings.Keep is null)
            {
                searching.Stop();
                shrinking.Start();
                // Each failure gets its budget, all of them together three budgets: a broken build still ends in minutes.
                var budget = TimeSpan.FromTicks(Math.Min(settings.ShrinkBudget.Ticks, Math.Max(0, 3 * settings.ShrinkBudget.Ticks - shrinking.Elapsed.Ticks)));
                var (shrunk, shrunkResult) = await Shrinker.Shrink(app, steps, kept, result, first.Invariant, ignored, budget, output.WriteLine);
                shrinking.Stop();
                searching.Start();
                failure = failure with { Kept = shrunk, Shrunk = shrunkResult };
            }

            failures.Add(failure);
            // Found and shrunk: later runs look past it for the next one.
            ignored.Add(first.Invariant);
        }

        output.WriteLine($"model test: {watch.Elapsed.TotalSeconds:0.0} s in all, {shrinking.Elapsed.TotalSeconds:0.0} s of it shrinking");
        if (failures.Count > 0)
        {
            Assert.Fail(Report(settings, failures));
        }
    }

    private static string Report(ModelSettings settings, IReadOnlyList<Failure> failures)
    {
        var report = new StringBuilder($"{failures.Count} promise(s) broken by random command sequences:\n");
        foreach (var (failure, index) in failures.Select((x, i) => (x, i + 1)))
        {
            var shrunkFirst = failure.Shrunk.Violations.FirstOrDefault(x => x.Invariant == failure.First.Invariant) ?? failure.First;
            report.AppendLine()
                .AppendLine($"[{index}] {failure.First.Invariant}")
                .AppendLine($"    {shrunkFirst.Detail}")
                .AppendLine($"    seed {failure.Seed} ({failure.Generated} steps generated): {settings.Reproduce(failure.Seed, failure.Ignored)}")
                .AppendLine($"    shrunk to {failure.Kept.Count} step(s), replayed exactly by: {settings.Reproduce(failure.Seed, failure.Ignored, failure.Kept)}");
            foreach (var other in failure.Shrunk.Violations.Where(x => x != shrunkFirst))
            {
                report.AppendLine($"    also: {other}");
            }

            report.AppendLine("    the shrunk run:");
            foreach (var line in failure.Shrunk.Trace)
            {
                report.AppendLine($"      {line}");
            }
        }

        return report.ToString();
    }
}
