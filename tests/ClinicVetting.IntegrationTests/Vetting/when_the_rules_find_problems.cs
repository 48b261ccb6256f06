using ClinicVetting.Shared;
using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.IntegrationTests.Vetting;

/// <summary>The cases DOMAIN.md names, each ending the way it says, with a clear reason.</summary>
public class when_the_rules_find_problems(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task<(Guid ClinicId, Guid CaseId)> CaseFor(Func<Guid, Task> alsoClaim, string country = "MX", string issuer = "COFEPRIS")
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today, country: country, licenseIssuer: issuer);
        await alsoClaim(clinicId);
        var caseId = await Host.OpenCase(Staff, clinicId);
        return (clinicId, caseId);
    }

    private async Task<string[]> ApprovalRefusal(Guid caseId)
    {
        await Host.RecordAllEvidenceThatCanPass(Staff, caseId, Fixture.Clock.Now);
        var (_, refusal) = await Host.Approve(Approver, caseId);
        return refusal.ShouldBeProblem(422).Reasons.ShouldNotBeNull();
    }

    [Fact]
    public async Task a_us_clinic_offering_an_unapproved_therapy_is_flagged_and_cannot_be_approved()
    {
        var (clinicId, caseId) = await CaseFor(id => Host.PostJson(Staff, $"/api/clinics/{id}/claims/therapies",
            new TherapyInput("Parkinson's disease", CellType.Mesenchymal, CellSource.Allogeneic, AdministrationRoute.Intravenous, "Lab", "L-1")),
            country: "US", issuer: "FDA");

        // The clean clinic's orthopedic therapy is just as unapproved in the US: one flag per offending therapy.
        var flags = (await Host.GetClinic(Staff, clinicId)).RedFlags.Select(x => x.Flag).ToList();
        flags.ShouldAllBe(x => x.Category == RedFlagCategory.UnapprovedUsTherapy && x.RaisedBy == "system:vetting-rules");
        flags.Select(x => x.Description).ShouldContain(x => x.Contains("Parkinson's disease") && x.Contains("outside a clinical trial"));

        var reasons = await ApprovalRefusal(caseId);
        reasons.ShouldContain(x => x.StartsWith("Therapy approval:") && x.Contains("FDA-approved"));
        reasons.ShouldContain(x => x.StartsWith("Open red flag:") && x.Contains("Parkinson"));
    }

    [Fact]
    public async Task a_cure_all_claim_raises_a_red_flag_with_the_offending_excerpt()
    {
        var (clinicId, caseId) = await CaseFor(id => Host.PostJson(Staff, $"/api/clinics/{id}/claims/marketing-texts",
            new MarketingTextInput("https://esperanza.example/promo", "Stem cells: the cure-all your doctor won't tell you about. Results guaranteed.")));

        var flags = (await Host.GetClinic(Staff, clinicId)).RedFlags.Select(x => x.Flag).ToList();
        flags.Select(x => x.Category).ShouldBe([RedFlagCategory.GuaranteedResults, RedFlagCategory.CureClaim], ignoreOrder: true);
        flags.Single(x => x.Category == RedFlagCategory.CureClaim).Excerpt.ShouldNotBeNull().ShouldContain("the cure-all your doctor");

        (await ApprovalRefusal(caseId)).Count(x => x.StartsWith("Open red flag:")).ShouldBe(2);
    }

    [Fact]
    public async Task a_cleared_flag_no_longer_blocks_and_keeps_who_cleared_it_and_why()
    {
        var (clinicId, caseId) = await CaseFor(id => Host.PostJson(Staff, $"/api/clinics/{id}/claims/marketing-texts",
            new MarketingTextInput("https://esperanza.example/es", "Un tratamiento milagroso.")));
        await Host.RecordAllEvidence(Staff, caseId, Fixture.Clock.Now);
        var flag = (await Host.GetClinic(Staff, clinicId)).RedFlags.ShouldHaveSingleItem().Flag;

        await Host.PostJson(Approver, $"/api/clinics/{clinicId}/red-flags/{flag.FlagId}/clearance",
            new ReasonBody("The clinic removed the page; archived copy checked on 2030-01-07"));

        var cleared = (await Host.GetClinic(Staff, clinicId)).RedFlags.ShouldHaveSingleItem();
        cleared.IsOpen.ShouldBeFalse();
        cleared.ClearedBy.ShouldBe("arthur-approver");
        cleared.ClearReason.ShouldBe("The clinic removed the page; archived copy checked on 2030-01-07");
        (await Host.Approve(Fixture.TokenFor("olivia-approver", "approver"), caseId)).Result.Context.Response.StatusCode.ShouldBe(200);
    }

    [Fact]
    public async Task a_guarantee_in_another_gender_or_number_than_the_rule_data_raises_the_flag()
    {
        var (clinicId, caseId) = await CaseFor(id => Host.PostJson(Staff, $"/api/clinics/{id}/claims/marketing-texts",
            new MarketingTextInput("https://esperanza.example/es/promo", "Mejoría garantizada en 30 días.")));

        var flag = (await Host.GetClinic(Staff, clinicId)).RedFlags.ShouldHaveSingleItem().Flag;
        flag.Category.ShouldBe(RedFlagCategory.GuaranteedResults);
        flag.Excerpt.ShouldBe("Mejoría garantizada en 30 días.");
        (await Host.GetCase(Staff, caseId)).Checks.Single(x => x.Kind == CheckKind.ClaimsAndCommunication).Findings
            .ShouldHaveSingleItem().Message.ShouldContain("\"garantizada\"");
    }

    [Fact]
    public async Task a_lapsed_accreditation_fails_its_check_with_the_dates()
    {
        var (_, caseId) = await CaseFor(id => Host.PostJson(Staff, $"/api/clinics/{id}/claims/accreditations",
            new AccreditationInput("Canadian Accreditation Council", "CAC-12", Fixture.Clock.Today.AddYears(-3), Fixture.Clock.Today.AddDays(-20))));

        var check = (await Host.GetCase(Staff, caseId)).Checks.Single(x => x.Kind == CheckKind.Accreditations);
        check.Status.ShouldBe(CheckStatus.Failed);
        check.Findings.ShouldHaveSingleItem().Message.ShouldContain("CAC-12");

        var refused = await Host.RecordEvidence(Staff, caseId, "accreditations", Fixture.Clock.Now, status: 422);
        refused.ShouldBeProblem(422).Reasons!.ShouldHaveSingleItem().ShouldContain("is not valid on");
        (await ApprovalRefusal(caseId)).ShouldContain(x => x.StartsWith("Accreditations:") && x.Contains("CAC-12"));
    }

    [Fact]
    public async Task embryonic_cells_outside_a_trial_are_flagged_and_refused()
    {
        var (clinicId, caseId) = await CaseFor(id => Host.PostJson(Staff, $"/api/clinics/{id}/claims/therapies",
            new TherapyInput("Autism", CellType.Embryonic, CellSource.Allogeneic, AdministrationRoute.Intravenous, "Lab", "L-1")));

        (await Host.GetClinic(Staff, clinicId)).RedFlags.ShouldHaveSingleItem().Flag.Category.ShouldBe(RedFlagCategory.ExperimentalCellsOutsideTrial);
        (await ApprovalRefusal(caseId)).ShouldContain(x => x.StartsWith("Therapy approval:") && x.Contains("embryonic") && x.Contains("outside a registered clinical trial"));
    }

    [Fact]
    public async Task an_intrathecal_route_without_a_credentialed_specialist_is_refused()
    {
        var (_, caseId) = await CaseFor(id => Host.PostJson(Staff, $"/api/clinics/{id}/claims/therapies",
            new TherapyInput("Multiple sclerosis", CellType.Mesenchymal, CellSource.Autologous, AdministrationRoute.Intrathecal, "Lab", "L-1")));

        (await ApprovalRefusal(caseId)).ShouldContain(x => x.StartsWith("Medical team:") && x.Contains("credentialed specialist"));
    }

    [Fact]
    public async Task a_specialist_added_while_the_case_is_open_clears_the_finding()
    {
        var (clinicId, caseId) = await CaseFor(id => Host.PostJson(Staff, $"/api/clinics/{id}/claims/therapies",
            new TherapyInput("Multiple sclerosis", CellType.Mesenchymal, CellSource.Autologous, AdministrationRoute.Intrathecal, "Lab", "L-1")));

        await Host.PostJson(Staff, $"/api/clinics/{clinicId}/claims/team-members",
            new TeamMemberInput("Dr. Neri", "Neurosurgery", 18, ["Board certified neurosurgeon"], ["Intrathecal injection"]));

        (await Host.GetCase(Staff, caseId)).Checks.Single(x => x.Kind == CheckKind.MedicalTeam).Findings.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_country_without_a_regulator_cannot_pass_until_an_approver_adds_one()
    {
        var (clinicId, caseId) = await CaseFor(_ => Task.CompletedTask, country: "BR", issuer: "ANVISA");
        var license = (await Host.GetCase(Staff, caseId)).Checks.Single(x => x.Kind == CheckKind.License);
        license.Findings.ShouldHaveSingleItem().Message.ShouldContain("No regulator is on file for Brazil");
        await Host.RecordEvidence(Staff, caseId, "license", Fixture.Clock.Now, status: 422);

        (await Host.PutJson(Staff, "/api/reference/regulators/BR", new { }, 403)).ShouldBeProblem(403);
        await Host.PutJson(Approver, "/api/reference/regulators/BR",
            new RegulatorInput("Brazilian Health Regulatory Agency", "ANVISA", "https://www.gov.br/anvisa", null, null, "Clinics in Brazil are now vetted"));

        var after = await Host.GetCase(Staff, caseId);
        after.Checks.Single(x => x.Kind == CheckKind.License).Findings.ShouldBeEmpty();
        after.RegulatorsVersion.ShouldBe(10);
        after.LookupTasks.ShouldHaveSingleItem().Authority.ShouldBe("Brazilian Health Regulatory Agency");
        await Host.RecordEvidence(Staff, caseId, "license", Fixture.Clock.Now);
        _ = clinicId;
    }

    [Fact]
    public async Task a_new_rules_version_applies_to_open_cases()
    {
        var (_, caseId) = await CaseFor(_ => Task.CompletedTask);
        var stricter = VettingRuleSet.Default with
        {
            Contraindications = [.. VettingRuleSet.Default.Contraindications, new ContraindicationRule("anticoagulants", "Blood thinners", true)],
        };

        await Host.PutJson(Approver, "/api/reference/vetting-rules", new PublishVettingRulesInput(stricter, "Screen for blood thinners"));

        var view = await Host.GetCase(Staff, caseId);
        view.RulesVersion.ShouldBe(2);
        view.Checks.Single(x => x.Kind == CheckKind.MedicalEvaluation).Findings.ShouldHaveSingleItem().Message.ShouldContain("Blood thinners");
    }
}
