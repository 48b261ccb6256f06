using System.Globalization;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>
/// How long the model test runs and what it replays, from the environment (docs/operations.md, "Testing"):
/// CLINICVETTING_MODEL_SECONDS and CLINICVETTING_MODEL_RUNS bound the search, CLINICVETTING_MODEL_STEPS and
/// CLINICVETTING_MODEL_RESTARTS shape each run, CLINICVETTING_MODEL_SEED (with CLINICVETTING_MODEL_KEEP) replays one,
/// CLINICVETTING_MODEL_SHRINK_SECONDS bounds the shrinking of each failure, CLINICVETTING_MODEL_IGNORE skips named
/// invariants, CLINICVETTING_MODEL_TRACE=1 prints every run step by step.
/// </summary>
public sealed record ModelSettings(
    TimeSpan Budget,
    int Runs,
    int Steps,
    double RestartsPerHundredSteps,
    string? Seed,
    IReadOnlyList<int>? Keep,
    TimeSpan ShrinkBudget,
    IReadOnlySet<string> Ignored,
    bool Trace)
{
    public const int DefaultSteps = 30;
    public const double DefaultRestartsPerHundredSteps = 1.5;

    public static ModelSettings FromEnvironment()
    {
        var seconds = Number("CLINICVETTING_MODEL_SECONDS");
        var runs = Number("CLINICVETTING_MODEL_RUNS");
        return new ModelSettings(
            // Either bound alone lifts the other; neither: about 40 s of runs, what ./scripts/test can afford.
            Budget: seconds is { } limit ? TimeSpan.FromSeconds(limit) : runs is null ? TimeSpan.FromSeconds(40) : TimeSpan.MaxValue,
            Runs: (int)(runs ?? int.MaxValue),
            Steps: (int)(Number("CLINICVETTING_MODEL_STEPS") ?? DefaultSteps),
            RestartsPerHundredSteps: Number("CLINICVETTING_MODEL_RESTARTS") ?? DefaultRestartsPerHundredSteps,
            Seed: Text("CLINICVETTING_MODEL_SEED"),
            Keep: Text("CLINICVETTING_MODEL_KEEP")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToList(),
            ShrinkBudget: TimeSpan.FromSeconds(Number("CLINICVETTING_MODEL_SHRINK_SECONDS") ?? 60),
            Ignored: (Text("CLINICVETTING_MODEL_IGNORE") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .ToHashSet(),
            Trace: Text("CLINICVETTING_MODEL_TRACE") is "1" or "true");
    }

    /// <summary>The environment that generates the same steps again (the seed alone is not enough when their shape changed).</summary>
    public string Reproduce(string seed, IReadOnlyCollection<string> ignored, IReadOnlyList<int>? keep = null) =>
        $"CLINICVETTING_MODEL_SEED={seed}"
        + (Steps != DefaultSteps ? $" CLINICVETTING_MODEL_STEPS={Steps}" : "")
        + (Math.Abs(RestartsPerHundredSteps - DefaultRestartsPerHundredSteps) > 1e-9
            ? $" CLINICVETTING_MODEL_RESTARTS={RestartsPerHundredSteps.ToString(CultureInfo.InvariantCulture)}" : "")
        + (keep is null ? "" : $" CLINICVETTING_MODEL_KEEP={string.Join(",", keep)}")
        + (ignored.Count > 0 ? $" CLINICVETTING_MODEL_IGNORE={string.Join(",", ignored)}" : "");

    private static string? Text(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value.Trim() : null;

    private static double? Number(string name) => Text(name) is { } value ? double.Parse(value, CultureInfo.InvariantCulture) : null;
}
