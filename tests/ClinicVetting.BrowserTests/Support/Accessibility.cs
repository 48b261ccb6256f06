using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using ClinicVetting.Testing;
using Microsoft.Playwright;
using Xunit.Sdk;

namespace ClinicVetting.BrowserTests.Support;

/// <summary>axe-core on the page as it is now, against WCAG 2.2 A and AA and axe's best practices.</summary>
public static class Accessibility
{
    private static readonly string[] Standards = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
    private static readonly string[] Blocking = ["serious", "critical"];

    public static Task<AxeResult> Check(IPage page) => page.RunAxe(new AxeRunOptions
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. Standards] },
    });

    public static IReadOnlyList<AxeResultItem> SeriousOrCritical(AxeResult result) =>
        result.Violations.Where(violation => Blocking.Contains(violation.Impact)).ToList();

    /// <summary>The violations, one line per rule and one per offending element; also written to .data/browser/axe/NAME.txt.</summary>
    public static string Report(AxeResult result, string name)
    {
        var lines = result.Violations
            .OrderByDescending(violation => Array.IndexOf(["minor", "moderate", "serious", "critical"], violation.Impact))
            .SelectMany(violation => new[] { $"{violation.Impact} {violation.Id}: {violation.Help} ({violation.HelpUrl})" }
                .Concat(violation.Nodes.Select(node => $"    {node.Target}: {Shorten(node.Html)}")))
            .Prepend($"{result.Url}: {result.Violations.Length} rules violated, {SeriousOrCritical(result).Count} of them serious or critical; {result.Passes.Length} passed");
        var report = string.Join('\n', lines);
        File.WriteAllText(RepoPaths.InData("browser", "axe", $"{name}.txt"), report + "\n");
        return report;
    }

    /// <summary>The bar every page of ours must clear (issue 14): no serious or critical violation.</summary>
    public static async Task AssertNoSeriousOrCriticalViolations(IPage page, string name)
    {
        var result = await Check(page);
        var report = Report(result, name);
        if (SeriousOrCritical(result).Count > 0)
        {
            throw new XunitException($"Accessibility: {report}");
        }
    }

    private static string Shorten(string html) => html.Length <= 160 ? html : html[..157] + "...";
}
