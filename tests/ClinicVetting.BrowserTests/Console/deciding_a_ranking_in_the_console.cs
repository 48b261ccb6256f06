using ClinicVetting.BrowserTests.Support;
using Microsoft.Playwright;

namespace ClinicVetting.BrowserTests.Console;

/// <summary>A ranking proposed from the console shows its factors, exclusions and changes; its proposer may not approve it, another approver publishes it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class deciding_a_ranking_in_the_console(BrowserApp browser)
{
    private readonly Arrange _arrange = new(browser.App);

    [Fact]
    public async Task the_proposer_is_refused_by_four_eyes_and_a_second_approver_publishes_the_edition()
    {
        var name = Arrange.Unique("Clínica Ranked");
        await _arrange.AnApprovedClinic(name);

        await using var firstContext = await browser.NewContext();
        var proposer = await browser.SignedInAs(firstContext, "dev-approver", "console/ranking/proposals");
        await proposer.GetByRole(AriaRole.Button, new() { Name = "Propose a ranking now" }).ClickAsync();
        await Assertions.Expect(proposer.GetByRole(AriaRole.Status)).ToContainTextAsync("Ranking proposed");
        await Assertions.Expect(proposer.GetByRole(AriaRole.Table, new() { Name = "Excluded" }))
            .ToContainTextAsync(name);
        await Assertions.Expect(proposer.GetByText("Four eyes: you proposed this ranking")).ToBeVisibleAsync();
        var proposalUrl = proposer.Url.Split('?')[0];

        await proposer.GetByRole(AriaRole.Button, new() { Name = "Approve the proposal" }).ClickAsync();
        await Assertions.Expect(proposer.GetByRole(AriaRole.Alert)).ToContainTextAsync("Not approved");
        await Accessibility.AssertNoSeriousOrCriticalViolations(proposer, "console-ranking-proposal");
        await Screenshots.SaveToDocs(proposer, "console-ranking-proposal", fullPage: true);

        await using var secondContext = await browser.NewContext();
        var approver = await browser.SignedInAs(secondContext, "dev-approver-2", new Uri(proposalUrl).PathAndQuery.TrimStart('/'));
        await approver.GetByRole(AriaRole.Button, new() { Name = "Approve the proposal" }).ClickAsync();
        await Assertions.Expect(approver.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved and published.");
        await Assertions.Expect(approver.GetByText("Approved by dev-approver-2")).ToBeVisibleAsync();
    }
}
