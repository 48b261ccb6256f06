using ClinicVetting.BrowserTests.Support;
using ClinicVetting.Reviews;
using Microsoft.Playwright;

namespace ClinicVetting.BrowserTests.Console;

/// <summary>Staff keep a clinic's file (claims, red flags) and moderate held reviews; a form read before someone else acted is refused, not applied.</summary>
[Collection(BrowserCollection.Name)]
public sealed class staff_work_in_the_console(BrowserApp browser)
{
    private readonly Arrange _arrange = new(browser.App);

    [Fact]
    public async Task staff_record_a_claim_and_raise_a_red_flag_on_a_clinics_file()
    {
        var name = Arrange.Unique("Clínica File");
        var clinicId = await _arrange.ACleanClinic(name);
        await _arrange.AHeldReview(clinicId, $"Review of {name}: the staff were kind and the knee feels better after three months of care.");

        await using var context = await browser.NewContext();
        var staff = await browser.SignedInAs(context, "dev-staff", $"console/clinics?q={Uri.EscapeDataString(name)}");
        await staff.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(staff.Locator("#reviews + p")).ToContainTextAsync("1 held");

        await staff.GetByRole(AriaRole.Link, new() { Name = "Record claims" }).ClickAsync();
        await staff.GetByLabel("Issued by (the regulator)").FillAsync("COFEPRIS");
        await staff.GetByLabel("Number").FillAsync("LIC-2026-7");
        await staff.Locator("#license-from").FillAsync("2026-01-01");
        await staff.Locator("#license-until").FillAsync("2028-01-01");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Record the license" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("License recorded.");
        await Accessibility.AssertNoSeriousOrCriticalViolations(staff, "console-claims");

        await staff.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Assertions.Expect(staff.Locator("#claims ~ ul").First).ToContainTextAsync("License LIC-2026-7 by COFEPRIS");
        await staff.GetByLabel("What is wrong").FillAsync("Advertises a cure for autism on its home page");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Raise the red flag" }).ClickAsync();

        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("Red flag raised.");
        await Assertions.Expect(staff.GetByText("Advertises a cure for autism on its home page")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousOrCriticalViolations(staff, "console-clinic-file");
        await Screenshots.SaveToDocs(staff, "console-clinic-file", fullPage: true);
    }

    [Fact]
    public async Task a_moderation_form_read_before_another_moderator_acted_is_refused_with_409()
    {
        var name = Arrange.Unique("Clínica Reviewed");
        var clinicId = await _arrange.ACleanClinic(name);
        var text = $"Review of {name}: the nurse explained every step and called me twice in the first month after.";
        var reviewId = await _arrange.AHeldReview(clinicId, text);

        await using var context = await browser.NewContext();
        var staff = await browser.SignedInAs(context, "dev-staff", "console/reviews/held");
        var card = staff.GetByRole(AriaRole.Article).Filter(new() { HasText = text });
        await Assertions.Expect(card).ToContainTextAsync("UnverifiedBooking");
        await Accessibility.AssertNoSeriousOrCriticalViolations(staff, "console-held-reviews");
        await Screenshots.SaveToDocs(staff, "console-held-reviews");

        // Another moderator rejects it while this page is open.
        await _arrange.Post<ReviewVersion>($"api/reviews/{reviewId}/reject", new ModerationDecision(ModerationReason.Fake, "Not a patient of the clinic"));

        await card.GetByLabel("Decision and reason").SelectOptionAsync(new SelectOptionValue { Label = "Publish: verifiedWithPatient" });
        await card.GetByLabel("Note").FillAsync("Called the patient, who confirmed the treatment");
        await card.GetByRole(AriaRole.Button, new() { Name = "Moderate" }).ClickAsync();

        var refusal = staff.GetByRole(AriaRole.Alert);
        await Assertions.Expect(refusal).ToContainTextAsync("Not moderated (409");
        await Assertions.Expect(refusal).ToContainTextAsync("read it again and retry");
        await Assertions.Expect(staff.GetByRole(AriaRole.Article).Filter(new() { HasText = text })).ToHaveCountAsync(0);
    }
}
