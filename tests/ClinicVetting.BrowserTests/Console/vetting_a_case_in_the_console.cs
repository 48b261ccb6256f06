using ClinicVetting.BrowserTests.Support;
using ClinicVetting.Vetting;
using Microsoft.Playwright;

namespace ClinicVetting.BrowserTests.Console;

/// <summary>
/// Staff work a case from the queue and record evidence with the form; approvers decide it with what is missing shown
/// first, and the refusals they must understand (stale evidence, an open red flag, four eyes) explained on the page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class vetting_a_case_in_the_console(BrowserApp browser)
{
    private readonly Arrange _arrange = new(browser.App);

    [Fact]
    public async Task staff_find_the_case_in_the_queue_record_the_last_evidence_and_an_approver_approves_it()
    {
        var name = Arrange.Unique("Clínica Queue");
        var caseId = await _arrange.OpenCase(await _arrange.ACleanClinic(name));
        await _arrange.RecordEvidence(caseId, except: "medical-team");

        await using var staffContext = await browser.NewContext();
        var staff = await browser.SignedInAs(staffContext, "dev-staff", "console/work-queue");
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "Work queue" })).ToBeVisibleAsync();
        var row = staff.GetByRole(AriaRole.Table, new() { Name = "Open cases" }).GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Assertions.Expect(row).ToContainTextAsync("Medical team");
        await Accessibility.AssertNoSeriousOrCriticalViolations(staff, "console-work-queue");
        await Screenshots.SaveToDocs(staff, "console-work-queue", fullPage: true);

        await row.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = $"Vetting case: {name}" })).ToBeVisibleAsync();
        await Assertions.Expect(staff.Locator("#missing")).ToContainTextAsync("Medical team: no evidence recorded yet.");
        await Assertions.Expect(staff.GetByRole(AriaRole.Button, new() { Name = "Approve the case" })).ToHaveCountAsync(0);

        await staff.GetByLabel("Check", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Medical team" });
        await staff.GetByLabel("Source").SelectOptionAsync("Document");
        await staff.GetByLabel("Reference (what was looked at)").FillAsync("Medical board register, Dr. Ana Ruiz");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Record evidence" }).ClickAsync();

        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("Evidence recorded on the Medical team check.");
        await Assertions.Expect(staff.GetByText("Nothing is missing")).ToBeVisibleAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Table).Last).ToContainTextAsync("recorded evidence on Medical team: Passed, Medical board register");
        await Accessibility.AssertNoSeriousOrCriticalViolations(staff, "console-case");
        await Screenshots.SaveToDocs(staff, "console-case", fullPage: true);

        await using var approverContext = await browser.NewContext();
        var approver = await browser.SignedInAs(approverContext, "dev-approver", $"console/cases/{caseId}");
        await approver.GetByRole(AriaRole.Button, new() { Name = "Approve the case" }).ClickAsync();

        await Assertions.Expect(approver.GetByRole(AriaRole.Status)).ToContainTextAsync("The case is approved.");
        await Assertions.Expect(approver.Locator("#decided + p")).ToContainTextAsync("Approved by dev-approver");
        (await _arrange.Case(caseId)).Status.ShouldBe(ClinicVetting.Vetting.Cases.CaseStatus.Approved);
    }

    [Fact]
    public async Task an_approver_sees_stale_evidence_before_pressing_and_the_refusal_says_which()
    {
        var name = Arrange.Unique("Clínica Stale");
        var caseId = await _arrange.OpenCase(await _arrange.ACleanClinic(name));
        await _arrange.RecordEvidence(caseId, daysAgo: 200);

        await using var context = await browser.NewContext();
        var approver = await browser.SignedInAs(context, "dev-approver", $"console/cases/{caseId}");
        await Assertions.Expect(approver.Locator("#missing")).ToContainTextAsync("days ago; at most 120 days are allowed");
        await Assertions.Expect(approver.GetByText("200 days old, stale").First).ToBeVisibleAsync();

        await approver.GetByRole(AriaRole.Button, new() { Name = "Approve the case" }).ClickAsync();

        var refusal = approver.GetByRole(AriaRole.Alert);
        await Assertions.Expect(refusal).ToContainTextAsync("Not approved (422");
        await Assertions.Expect(refusal).ToContainTextAsync("License: the evidence (https://evidence.example/license) was obtained");
        await Accessibility.AssertNoSeriousOrCriticalViolations(approver, "console-case-refused");
        await Screenshots.SaveToDocs(approver, "console-case-refused-stale-evidence", fullPage: true);
        (await _arrange.Case(caseId)).Status.ShouldBe(ClinicVetting.Vetting.Cases.CaseStatus.Open);
    }

    [Fact]
    public async Task an_open_red_flag_is_shown_as_missing_and_refuses_the_approval()
    {
        var name = Arrange.Unique("Clínica Flagged");
        var clinicId = await _arrange.ACleanClinic(name);
        var caseId = await _arrange.OpenCase(clinicId);
        await _arrange.RecordEvidence(caseId);
        await _arrange.Post<System.Text.Json.JsonElement>($"api/clinics/{clinicId}/red-flags",
            new RedFlagInput(RedFlagCategory.Other, "A patient reports an unlicensed injection room"));

        await using var context = await browser.NewContext();
        var approver = await browser.SignedInAs(context, "dev-approver", $"console/cases/{caseId}");
        await Assertions.Expect(approver.Locator("#missing")).ToContainTextAsync("Open red flag: A patient reports an unlicensed injection room");

        await approver.GetByRole(AriaRole.Button, new() { Name = "Approve the case" }).ClickAsync();

        await Assertions.Expect(approver.GetByRole(AriaRole.Alert)).ToContainTextAsync("Open red flag: A patient reports an unlicensed injection room");
        (await _arrange.Case(caseId)).Status.ShouldBe(ClinicVetting.Vetting.Cases.CaseStatus.Open);
    }

    [Fact]
    public async Task an_approver_who_waived_a_check_is_told_four_eyes_and_a_second_approver_decides()
    {
        var name = Arrange.Unique("Clínica Four Eyes");
        var caseId = await _arrange.OpenCase(await _arrange.ACleanClinic(name));
        await _arrange.RecordEvidence(caseId, except: "post-treatment-support");

        await using var firstContext = await browser.NewContext();
        var first = await browser.SignedInAs(firstContext, "dev-approver", $"console/cases/{caseId}");
        await first.GetByLabel("Check", new() { Exact = true }).Last.SelectOptionAsync(new SelectOptionValue { Label = "Post-treatment support" });
        await first.GetByLabel("Reason").Last.FillAsync("Single-visit diagnostic service: no treatment, so no aftercare to check");
        await first.GetByRole(AriaRole.Button, new() { Name = "Waive the check" }).ClickAsync();
        await Assertions.Expect(first.GetByRole(AriaRole.Status)).ToContainTextAsync("The Post-treatment support check is waived.");
        await Assertions.Expect(first.GetByText("Four eyes: you prepared this case")).ToBeVisibleAsync();

        await first.GetByRole(AriaRole.Button, new() { Name = "Approve the case" }).ClickAsync();

        var refusal = first.GetByRole(AriaRole.Alert);
        await Assertions.Expect(refusal).ToContainTextAsync("Four eyes");
        (await _arrange.Case(caseId)).Status.ShouldBe(ClinicVetting.Vetting.Cases.CaseStatus.Open);

        await using var secondContext = await browser.NewContext();
        var second = await browser.SignedInAs(secondContext, "dev-approver-2", $"console/cases/{caseId}");
        await second.GetByRole(AriaRole.Button, new() { Name = "Approve the case" }).ClickAsync();
        await Assertions.Expect(second.GetByRole(AriaRole.Status)).ToContainTextAsync("The case is approved.");
    }

    [Fact]
    public async Task an_approver_who_presses_on_a_page_read_before_another_decided_is_refused_with_409()
    {
        var name = Arrange.Unique("Clínica Race");
        var caseId = await _arrange.OpenCase(await _arrange.ACleanClinic(name));
        await _arrange.RecordEvidence(caseId);

        await using var context = await browser.NewContext();
        var late = await browser.SignedInAs(context, "dev-approver", $"console/cases/{caseId}");
        await Assertions.Expect(late.GetByText("Nothing is missing")).ToBeVisibleAsync();

        // Another approver decides while this page is open.
        await _arrange.Post<System.Text.Json.JsonElement>($"api/vetting/cases/{caseId}/rejection", new { reason = "The clinic withdrew its application" },
            _arrange.ClientAs("other-approver", "approver"));

        await late.GetByRole(AriaRole.Button, new() { Name = "Approve the case" }).ClickAsync();

        var refusal = late.GetByRole(AriaRole.Alert);
        await Assertions.Expect(refusal).ToContainTextAsync("Not approved (409");
        await Assertions.Expect(refusal).ToContainTextAsync("other-approver");
        await Assertions.Expect(late.Locator("#decided + p")).ToContainTextAsync("Rejected by other-approver");
        await Assertions.Expect(late.GetByRole(AriaRole.Button, new() { Name = "Approve the case" })).ToBeHiddenAsync();
        (await _arrange.Case(caseId)).Status.ShouldBe(ClinicVetting.Vetting.Cases.CaseStatus.Rejected);
    }
}
