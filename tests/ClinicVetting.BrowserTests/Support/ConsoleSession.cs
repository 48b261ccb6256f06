using Microsoft.Playwright;

namespace ClinicVetting.BrowserTests.Support;

/// <summary>Signing in to the console as a person does: the sign-in page, one of the development identities.</summary>
public static class ConsoleSession
{
    public static async Task<IPage> SignedInAs(this BrowserApp browser, IBrowserContext context, string identity, string startAt = "console")
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(startAt);
        await page.GetByRole(AriaRole.Button, new() { Name = $"({identity}:" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Banner).GetByText($"Signed in as {identity}")).ToBeVisibleAsync();
        return page;
    }
}
