using ClinicVetting.BrowserTests.Support;
using Xunit.Sdk;

namespace ClinicVetting.BrowserTests;

/// <summary>The check every page of issue 14 must pass: it fails where axe finds a serious or critical violation, and only there.</summary>
[Collection(BrowserCollection.Name)]
public sealed class the_accessibility_check(BrowserApp browser)
{
    [Fact]
    public async Task fails_a_page_with_an_image_without_text_and_no_language()
    {
        await using var context = await browser.NewContext();
        var page = await context.NewPageAsync();
        await page.SetContentAsync("""
            <!doctype html><html><head><title>Broken</title></head>
            <body><main><h1>Broken</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>
            """);

        var failure = await Assert.ThrowsAsync<XunitException>(() => Accessibility.AssertNoSeriousOrCriticalViolations(page, "self-check-broken"));

        failure.Message.ShouldContain("image-alt");
        failure.Message.ShouldContain("html-has-lang");
    }

    [Fact]
    public async Task passes_a_plain_page_without_any()
    {
        await using var context = await browser.NewContext();
        var page = await context.NewPageAsync();
        await page.SetContentAsync("""
            <!doctype html><html lang="en"><head><title>Plain</title></head>
            <body><main><h1>Plain</h1><p>Nothing to see here.</p></main></body></html>
            """);

        await Accessibility.AssertNoSeriousOrCriticalViolations(page, "self-check-plain");
    }
}
