using System.Text.Json.Nodes;
using ClinicVetting.BrowserTests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ClinicVetting.BrowserTests;

/// <summary>/docs, the API reference page that exists today (Scalar's): a real browser renders the served document.</summary>
[Collection(BrowserCollection.Name)]
public sealed class the_api_reference_page(BrowserApp browser, ITestOutputHelper output)
{
    [Fact]
    public async Task shows_a_visitor_the_served_document()
    {
        using var http = browser.App.CreateClient();
        var document = JsonNode.Parse(await http.GetStringAsync("openapi/v1.json"))!;
        var title = document["info"]!["title"]!.GetValue<string>();
        var firstTag = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject())
            .Select(operation => operation.Value!["tags"]?[0]?.GetValue<string>())
            .First(tag => tag is not null)!;

        await using var context = await browser.NewContext();
        var page = await context.NewPageAsync();
        var fetched = await page.RunAndWaitForResponseAsync(() => page.GotoAsync("docs"),
            response => new Uri(response.Url).AbsolutePath == "/openapi/v1.json");

        fetched.Status.ShouldBe(200);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = title })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(firstTag, new() { Exact = true }).First).ToBeVisibleAsync();

        var picture = await Screenshots.SaveToDocs(page, "api-reference", volatileParts: page.GetByText(browser.App.BaseAddress.Authority));
        new FileInfo(picture).Length.ShouldBeGreaterThan(10_000);

        // Scalar's page is not ours to fix: its violations are reported (.data/browser/axe/), not held against it.
        var axe = await Accessibility.Check(page);
        output.WriteLine(Accessibility.Report(axe, "api-reference"));
        axe.Passes.ShouldNotBeEmpty("axe checked nothing: it did not run on the page");
    }
}
