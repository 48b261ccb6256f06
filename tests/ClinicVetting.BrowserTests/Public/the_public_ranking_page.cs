using System.Text.RegularExpressions;
using ClinicVetting.BrowserTests.Support;
using Microsoft.Playwright;

namespace ClinicVetting.BrowserTests.Public;

/// <summary>The front page and its companions as an anonymous reader uses them: lists, methodology, history; axe-clean, keyboard, no script.</summary>
[Collection(BrowserCollection.Name)]
public sealed class the_public_ranking_page(BrowserApp browser, DemoSite site) : IClassFixture<DemoSite>
{
    private static ILocator Clinics(IPage page) => page.Locator("ol.ranking > li");

    [Fact]
    public async Task a_reader_sees_the_top_10_overall_then_for_a_condition_and_a_country()
    {
        await using var context = await site.NewReader(browser);
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync("/");

        response!.Status.ShouldBe(200);
        response.Headers["content-security-policy"].ShouldContain("default-src 'none'");
        response.Headers["etag"].ShouldStartWith("\"");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Top 10 verified stem-cell clinics", Level = 1 })).ToBeVisibleAsync();
        (await Clinics(page).CountAsync()).ShouldBeInRange(2, 10);
        var first = Clinics(page).First;
        await Assertions.Expect(first.GetByRole(AriaRole.Heading, new() { Name = "Verified facts" })).ToBeVisibleAsync();
        await Assertions.Expect(first.GetByRole(AriaRole.Table)).ToContainTextAsync("Verified patient reviews");
        await Assertions.Expect(first).ToContainTextAsync(new Regex(@"Score \d\.\d{3} of 1"));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Atom feed", Exact = true })).ToHaveAttributeAsync("href", "/api/public/rankings/feed.atom");
        await Accessibility.AssertNoSeriousOrCriticalViolations(page, "public-ranking");
        await Screenshots.SaveToDocs(page, "public-ranking", volatileParts: page.Locator(".edition-line"));

        var lists = page.GetByRole(AriaRole.Navigation, new() { Name = "Lists" });
        await lists.GetByRole(AriaRole.Link, new() { Name = "Orthopedics", Exact = true }).ClickAsync();
        new Uri(page.Url).Query.ShouldBe("?condition=orthopedics");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Top 10 verified clinics for Orthopedics", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(lists.GetByRole(AriaRole.Link, new() { Name = "Orthopedics", Exact = true })).ToHaveAttributeAsync("aria-current", "page");
        await Accessibility.AssertNoSeriousOrCriticalViolations(page, "public-ranking-condition");
        await Screenshots.SaveToDocs(page, "public-ranking-condition", volatileParts: page.Locator(".edition-line"));

        await lists.GetByRole(AriaRole.Link, new() { Name = "Mexico", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Top 10 verified clinics in Mexico", Level = 1 })).ToBeVisibleAsync();
        (await Clinics(page).AllInnerTextsAsync()).ShouldAllBe(text => text.Contains("Mexico"));
        await Accessibility.AssertNoSeriousOrCriticalViolations(page, "public-ranking-country");
        await Screenshots.SaveToDocs(page, "public-ranking-country", volatileParts: page.Locator(".edition-line"));
    }

    [Fact]
    public async Task the_methodology_and_the_edition_history_are_a_click_away()
    {
        await using var context = await site.NewReader(browser);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");

        var navigation = page.GetByRole(AriaRole.Navigation, new() { Name = "Public pages" });
        await navigation.GetByRole(AriaRole.Link, new() { Name = "Methodology" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "The ranking policy", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Who can be ranked (eligibility)" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousOrCriticalViolations(page, "public-methodology");
        await Screenshots.SaveToDocs(page, "public-methodology");

        await navigation.GetByRole(AriaRole.Link, new() { Name = "Edition history" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Edition history", Level = 1 })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousOrCriticalViolations(page, "public-editions");
        await Screenshots.SaveToDocs(page, "public-editions", volatileParts: page.Locator("td:nth-child(2)"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Edition 1", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Edition 1", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overall", Level = 2 })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousOrCriticalViolations(page, "public-edition");
        await Screenshots.SaveToDocs(page, "public-edition", volatileParts: page.Locator("dl.facts dd").First);
    }

    [Fact]
    public async Task it_reads_without_javascript_and_the_keyboard_reaches_the_content_first()
    {
        await using var context = await site.NewReader(browser, javaScript: false);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/?country=MX");

        (await page.Locator("script").CountAsync()).ShouldBe(0);
        (await Clinics(page).CountAsync()).ShouldBeGreaterThan(0);

        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        new Uri(page.Url).Fragment.ShouldBe("#content");

        var unknown = await page.GotoAsync("/?condition=levitation");
        unknown!.Status.ShouldBe(404);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No such list" })).ToBeVisibleAsync();
    }
}
