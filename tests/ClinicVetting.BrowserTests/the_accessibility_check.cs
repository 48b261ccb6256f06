using ClinicVetting.BrowserTests.Support;
using Microsoft.Playwright;
using Xunit.Sdk;

namespace ClinicVetting.BrowserTests;

/// <summary>The check every page of issue 14 must pass: it fails on a serious or critical axe violation, and only on those.</summary>
[Collection(BrowserCollection.Name)]
public sealed class the_accessibility_check(BrowserApp browser)
{
    [Fact]
    public async Task fails_a_page_whose_worst_problem_is_serious()
    {
        await using var context = await browser.NewContext();
        var page = await PageWith(context, """
            <!doctype html><html><head><title>No language</title></head>
            <body><main><h1>No language</h1><p>Which language is this?</p></main></body></html>
            """);

        var failure = await Assert.ThrowsAsync<XunitException>(() => Accessibility.AssertNoSeriousOrCriticalViolations(page, "self-check-serious"));

        failure.Message.ShouldContain("serious html-has-lang");
    }

    [Fact]
    public async Task fails_a_page_whose_worst_problem_is_critical()
    {
        await using var context = await browser.NewContext();
        var page = await PageWith(context, """
            <!doctype html><html lang="en"><head><title>Image</title></head>
            <body><main><h1>Image</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>
            """);

        var failure = await Assert.ThrowsAsync<XunitException>(() => Accessibility.AssertNoSeriousOrCriticalViolations(page, "self-check-critical"));

        failure.Message.ShouldContain("critical image-alt");
    }

    [Fact]
    public async Task passes_a_page_whose_problems_are_only_moderate()
    {
        // Content outside any landmark: axe's "region" and "landmark-one-main", both moderate.
        await using var context = await browser.NewContext();
        var page = await PageWith(context, """
            <!doctype html><html lang="en"><head><title>Plain</title></head>
            <body><h1>Plain</h1><p>Nothing to see here.</p></body></html>
            """);

        var found = await Accessibility.Check(page);
        found.Violations.Select(violation => violation.Impact).Distinct().ShouldBe(["moderate"]);

        await Accessibility.AssertNoSeriousOrCriticalViolations(page, "self-check-moderate");
    }

    private static async Task<IPage> PageWith(IBrowserContext context, string html)
    {
        var page = await context.NewPageAsync();
        await page.SetContentAsync(html);
        return page;
    }
}
