using ClinicVetting.Testing;
using Microsoft.Playwright;

namespace ClinicVetting.BrowserTests.Support;

/// <summary>Pictures of pages for docs/ui (the README links them): written by the tests, so they show the pages as they are.</summary>
public static class Screenshots
{
    public static string PathOf(string name) => Path.Combine(RepoPaths.Root, "docs", "ui", $"{name}.png");

    /// <param name="volatileParts">Painted over (the test app's port, clocks): a page that did not change gives the same file.</param>
    public static async Task<string> SaveToDocs(IPage page, string name, bool fullPage = false, params ILocator[] volatileParts)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var picture = await page.ScreenshotAsync(new PageScreenshotOptions
        {
            FullPage = fullPage,
            Animations = ScreenshotAnimations.Disabled,
            Caret = ScreenshotCaret.Hide,
            Mask = volatileParts,
        });
        // Rewritten only when it changed, so a test run leaves no diff behind for an unchanged page.
        if (!File.Exists(path) || !(await File.ReadAllBytesAsync(path)).AsSpan().SequenceEqual(picture))
        {
            await File.WriteAllBytesAsync(path, picture);
        }

        return path;
    }
}
