using System.Diagnostics;
using System.Text.Json;
using ClinicVetting.Testing;

namespace ClinicVetting.ContractTests.Support;

public sealed record LintCounts(int Errors, int Warnings);

/// <param name="Enforced">Whether scripts/openapi-lint fails on errors (its OPENAPI_LINT_ENFORCED).</param>
public sealed record LintSummary(bool Enforced, LintCounts Redocly, LintCounts Spectral)
{
    public override string ToString() =>
        $"Redocly {Redocly.Errors} errors, {Redocly.Warnings} warnings; Spectral OWASP {Spectral.Errors} errors, {Spectral.Warnings} warnings" +
        (Enforced ? "" : " (not enforced yet)");
}

public sealed record LintRun(int ExitCode, string Output, LintSummary? Summary);

/// <summary>Runs scripts/openapi-lint (it installs the linters on first use), the same command a person runs.</summary>
public static class OpenApiLint
{
    public static string SummaryPath => RepoPaths.InData("openapi-lint", "summary.json");

    public static async Task<LintRun> Run(string document)
    {
        File.Delete(SummaryPath);
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "scripts", "openapi-lint"), document])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);

        var summary = File.Exists(SummaryPath)
            ? JsonSerializer.Deserialize<LintSummary>(await File.ReadAllTextAsync(SummaryPath), JsonSerializerOptions.Web)
            : null;
        return new LintRun(process.ExitCode, await stdout + await stderr, summary);
    }
}
