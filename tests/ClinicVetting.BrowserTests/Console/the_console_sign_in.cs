using ClinicVetting.BrowserTests.Support;
using Microsoft.Playwright;

namespace ClinicVetting.BrowserTests.Console;

/// <summary>The console's door: anonymous visitors are sent to sign in, development identities sign in with their roles.</summary>
[Collection(BrowserCollection.Name)]
public sealed class the_console_sign_in(BrowserApp browser)
{
    [Fact]
    public async Task sends_an_anonymous_visitor_to_sign_in_and_back_to_the_page_asked_for()
    {
        await using var context = await browser.NewContext();
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync("console");

        new Uri(page.Url).AbsolutePath.ShouldBe("/console/sign-in");
        response!.Headers["content-security-policy"].ShouldContain("default-src 'none'");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousOrCriticalViolations(page, "console-sign-in");
        await Screenshots.SaveToDocs(page, "console-sign-in");

        await page.GetByRole(AriaRole.Button, new() { Name = "(dev-approver-2:" }).ClickAsync();

        new Uri(page.Url).AbsolutePath.ShouldBe("/console");
        await Assertions.Expect(page.GetByRole(AriaRole.Banner).GetByText("Signed in as dev-approver-2")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousOrCriticalViolations(page, "console-home");
    }

    [Fact]
    public async Task signs_out_with_a_form_and_the_console_is_closed_again()
    {
        await using var context = await browser.NewContext();
        var page = await browser.SignedInAs(context, "dev-staff");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        new Uri(page.Url).AbsolutePath.ShouldBe("/console/sign-in");
        await page.GotoAsync("console");
        new Uri(page.Url).AbsolutePath.ShouldBe("/console/sign-in");
    }

    [Fact]
    public async Task a_sign_in_link_cannot_send_anyone_off_the_console()
    {
        await using var context = await browser.NewContext();
        var page = await context.NewPageAsync();
        await page.GotoAsync("console/sign-in?ReturnUrl=https%3A%2F%2Fexample.org%2F");

        await page.GetByRole(AriaRole.Button, new() { Name = "(dev-auditor:" }).ClickAsync();

        new Uri(page.Url).Host.ShouldBe(browser.App.BaseAddress.Host);
        new Uri(page.Url).AbsolutePath.ShouldBe("/console");
    }
}
