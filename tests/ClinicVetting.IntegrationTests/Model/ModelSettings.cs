using System.Globalization;
using CsCheck;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>
/// How long the model test runs and what it replays, from the environment (docs/operations.md, "Testing"): by default
/// <see cref="DefaultRuns"/> runs of fixed seeds (the same every time, so CI is reproducible); CLINICVETTING_MODEL_SECONDS
/// and CLINICVETTING_MODEL_RUNS make it a search of random seeds and bound it, CLINICVETTING_MODEL_STEPS and
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
    bool Trace,
    bool RandomSeeds)
{
    public const int DefaultSteps = 30;
    public const double DefaultRestartsPerHundredSteps = 1.5;

    /// <summary>The default run: this many runs, of the seeds <see cref="FixedSeed"/> gives (about 45 s here, what ./scripts/test can afford).</summary>
    public const int DefaultRuns = 12;

    private const uint FixedStream = 12;
    private const ulong FixedSeedBase = 20_261_130;

    public static ModelSettings FromEnvironment()
    {
        var seconds = Number("CLINICVETTING_MODEL_SECONDS");
        var runs = Number("CLINICVETTING_MODEL_RUNS");
        var searching = seconds is not null || runs is not null;
        return new ModelSettings(
            // Either bound alone lifts the other; neither: the fixed seeds, however long they take.
            Budget: seconds is { } limit ? TimeSpan.FromSeconds(limit) : TimeSpan.MaxValue,
            Runs: (int)(runs ?? (searching ? int.MaxValue : DefaultRuns)),
            Steps: (int)(Number("CLINICVETTING_MODEL_STEPS") ?? DefaultSteps),
            RestartsPerHundredSteps: Number("CLINICVETTING_MODEL_RESTARTS") ?? DefaultRestartsPerHundredSteps,
            Seed: Text("CLINICVETTING_MODEL_SEED"),
            Keep: Text("CLINICVETTING_MODEL_KEEP")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToList(),
            ShrinkBudget: TimeSpan.FromSeconds(Number("CLINICVETTING_MODEL_SHRINK_SECONDS") ?? 60),
            Ignored: (Text("CLINICVETTING_MODEL_IGNORE") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .ToHashSet(),
            Trace: Text("CLINICVETTING_MODEL_TRACE") is "1" or "true",
            RandomSeeds: searching);
    }

    /// <summary>The seed of a run: the one asked for, else a random one in a search, else the run's fixed seed.</summary>
    public PCG SeedOf(int run) =>
        Seed is { } pinned ? PCG.Parse(pinned)
        : RandomSeeds ? new PCG((uint)Random.Shared.Next(), (ulong)Random.Shared.NextInt64())
        : FixedSeed(run);

    public static PCG FixedSeed(int run) => new(FixedStream, unchecked(FixedSeedBase + (ulong)(run + 1) * 0x9E3779B97F4A7C15));

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
