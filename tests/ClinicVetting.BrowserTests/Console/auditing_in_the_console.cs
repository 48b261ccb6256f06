using ClinicVetting.BrowserTests.Support;
using Microsoft.Playwright;

namespace ClinicVetting.BrowserTests.Console;

/// <summary>An auditor replays a published edition, tries another policy beside it, checks the log's integrity and reads a clinic's file as of an instant.</summary>
[Collection(BrowserCollection.Name)]
public sealed class auditing_in_the_console(BrowserApp browser)
{
    private readonly Arrange _arrange = new(browser.App);

    [Fact]
    public async Task an_auditor_replays_an_edition_it_matches_and_a_what_if_shows_beside_it()
    {
        var name = Arrange.Unique("Clínica Audited");
        await _arrange.AnApprovedClinic(name);
        var edition = await _arrange.AnEdition();

        await using var context = await browser.NewContext();
        var auditor = await browser.SignedInAs(context, "dev-auditor", "console/audit");
        await auditor.GetByRole(AriaRole.Link, new() { Name = $"Replay edition {edition.Edition} and compare" }).ClickAsync();

        await Assertions.Expect(auditor.GetByRole(AriaRole.Heading, new() { Name = $"Replay of edition {edition.Edition}" })).ToBeVisibleAsync();
        await Assertions.Expect(auditor.GetByRole(AriaRole.Status)).ToContainTextAsync("Matches: the replay gives exactly what was published");
        await Assertions.Expect(auditor.GetByRole(AriaRole.Status)).ToContainTextAsync($"up to log position {edition.LogPosition}");

        await auditor.GetByRole(AriaRole.Button, new() { Name = "Rank the edition's inputs under it" }).ClickAsync();
        await Assertions.Expect(auditor.GetByRole(AriaRole.Table, new() { Name = "Published overall list" })).ToBeVisibleAsync();
        await Assertions.Expect(auditor.GetByRole(AriaRole.Table, new() { Name = "What-if overall list" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousOrCriticalViolations(auditor, "console-audit-replay");
        await Screenshots.SaveToDocs(auditor, "console-audit-replay", fullPage: true);
    }

    [Fact]
    public async Task an_auditor_sees_the_log_intact_and_reads_a_clinics_file_as_it_stood()
    {
        var name = Arrange.Unique("Clínica As Of");
        await _arrange.ACleanClinic(name);

        await using var context = await browser.NewContext();
        var auditor = await browser.SignedInAs(context, "dev-auditor", "console/audit");
        await Accessibility.AssertNoSeriousOrCriticalViolations(auditor, "console-audit");
        await Screenshots.SaveToDocs(auditor, "console-audit", fullPage: false);

        await auditor.GetByLabel("Clinic", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = $"{name}, Cancún (MX)" });
        await auditor.GetByRole(AriaRole.Button, new() { Name = "Show the file" }).ClickAsync();
        await Assertions.Expect(auditor.GetByRole(AriaRole.Heading, new() { Name = $"{name} as of" })).ToBeVisibleAsync();
        await Assertions.Expect(auditor.GetByRole(AriaRole.Table)).ToContainTextAsync("clinic_registered");
        await Accessibility.AssertNoSeriousOrCriticalViolations(auditor, "console-audit-clinic-as-of");

        await auditor.GotoAsync("console/audit/integrity");
        await Assertions.Expect(auditor.GetByRole(AriaRole.Status)).ToContainTextAsync("Intact");
        await Accessibility.AssertNoSeriousOrCriticalViolations(auditor, "console-audit-integrity");
        await Screenshots.SaveToDocs(auditor, "console-audit-integrity");
    }

    [Fact]
    public async Task staff_are_turned_away_from_the_audit_desk_as_the_api_turns_their_token_away()
    {
        await using var context = await browser.NewContext();
        var staff = await browser.SignedInAs(context, "dev-staff", "console/audit");

        new Uri(staff.Url).AbsolutePath.ShouldBe("/console/denied");
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "Not for your role" })).ToBeVisibleAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Link, new() { Name = "Audit" })).ToHaveCountAsync(0);
    }
}
