using ClinicVetting.Shared;
using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;
using Marten;

namespace ClinicVetting.IntegrationTests.Vetting;

/// <summary>The ways one identity could end up on both sides of a vetting decision, tried through HTTP as an insider would.</summary>
public class walking_around_four_eyes(AppFixture fixture) : IntegrationContext(fixture)
{
    private string Olivia => Fixture.TokenFor("olivia-approver", "approver");

    private Task<IScenarioResult> Waive(string token, Guid caseId, string check, int status = 200) =>
        Host.PostJson(token, $"/api/vetting/cases/{caseId}/checks/{check}/waiver", new ReasonBody("Does not apply to this clinic"), status);

    private async Task<int> DecisionsOn(Guid caseId)
    {
        await using var session = Store.QuerySession();
        return (await session.Events.FetchStreamAsync(caseId)).Count(x => x.Data is VettingCaseApproved or VettingCaseRejected);
    }

    /// <summary>A US clinic offering an orthopedic therapy: the rules raise the FDA "unapproved US therapy" flag.</summary>
    private async Task<(Guid ClinicId, Guid CaseId, RedFlag Flag)> AUsClinicWithTheFdaFlag()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today, "Stem Cell Spa Miami", country: "US", licenseIssuer: "FDA");
        var caseId = await Host.OpenCase(Staff, clinicId);
        var flag = (await Host.GetClinic(Staff, clinicId)).RedFlags.ShouldHaveSingleItem().Flag;
        flag.Category.ShouldBe(RedFlagCategory.UnapprovedUsTherapy);
        flag.Automatic.ShouldBeTrue();
        return (clinicId, caseId, flag);
    }

    [Fact]
    public async Task an_approver_who_waives_all_nine_checks_then_approves_alone_is_refused()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);

        foreach (var check in VettingScenarios.AllChecks)
        {
            if (check is "license" or "therapy-approval")
            {
                var refused = await Waive(Approver, caseId, check, 422);
                refused.ShouldBeProblem(422).Detail.ShouldNotBeNull().ShouldContain("cannot be waived");
                refused.ProblemExtension("rule").ShouldBe("primary-source-required");
            }
            else
            {
                await Waive(Approver, caseId, check);
            }
        }

        var (_, alone) = await Host.Approve(Approver, caseId);

        var problem = alone.ShouldBeProblem(422);
        problem.Detail.ShouldNotBeNull().ShouldContain("Four eyes");
        problem.Reasons.ShouldNotBeNull().Length.ShouldBe(7);
        problem.Reasons.ShouldContain("arthur-approver waived the Medical evaluation check.");
        alone.ProblemExtension("rule").ShouldBe("four-eyes");
        alone.ProblemExtension("whoMayAct").ShouldBe("an approver other than stella-staff, arthur-approver");

        var (_, other) = await Host.Approve(Olivia, caseId);
        other.ShouldBeProblem(422).Reasons.ShouldBe(["License: no evidence recorded yet.", "Therapy approval: no evidence recorded yet."]);
        (await DecisionsOn(caseId)).ShouldBe(0);
        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.UnderVetting);
    }

    [Fact]
    public async Task staff_alone_cannot_clear_the_red_flag_the_fda_rule_raised()
    {
        var (clinicId, _, flag) = await AUsClinicWithTheFdaFlag();

        var refusal = await Host.PostJson(Staff, $"/api/clinics/{clinicId}/red-flags/{flag.FlagId}/clearance",
            new ReasonBody("The clinic says it is fine"), 403);

        refusal.ShouldBeProblem(403).Detail.ShouldNotBeNull().ShouldContain("only an approver may clear it");
        refusal.ProblemExtension("rule").ShouldBe("rule-raised-red-flag-needs-an-approver");
        refusal.ProblemExtension("whoMayAct").ShouldNotBeNull().ShouldStartWith("an approver");
        (await Host.GetClinic(Staff, clinicId)).RedFlags.ShouldHaveSingleItem().IsOpen.ShouldBeTrue();
    }

    [Fact]
    public async Task the_approver_who_waived_therapy_approval_and_cleared_the_fda_flag_cannot_then_approve_the_us_clinic()
    {
        var (clinicId, caseId, flag) = await AUsClinicWithTheFdaFlag();
        await Host.RecordAllEvidenceThatCanPass(Staff, caseId, Fixture.Clock.Now);

        (await Waive(Approver, caseId, "therapy-approval", 422)).ShouldBeProblem(422);
        await Host.PostJson(Approver, $"/api/clinics/{clinicId}/red-flags/{flag.FlagId}/clearance", new ReasonBody("Only a trial, they say"));

        var (_, refusal) = await Host.Approve(Approver, caseId);

        refusal.ShouldBeProblem(422).Reasons.ShouldNotBeNull().ShouldHaveSingleItem().ShouldStartWith("arthur-approver cleared the red flag \"Offers ");
        var (_, rejection) = await Host.SendTracked(Approver, s => s.Post.Json(new ReasonBody("no")).ToUrl($"/api/vetting/cases/{caseId}/rejection"));
        rejection.ShouldBeProblem(422);
        // Another approver is not fooled either: the therapy is still not FDA-approved.
        var (_, other) = await Host.Approve(Olivia, caseId);
        other.ShouldBeProblem(422).Reasons.ShouldNotBeNull().ShouldContain(x => x.StartsWith("Therapy approval:") && x.Contains("FDA-approved"));
        (await DecisionsOn(caseId)).ShouldBe(0);
    }

    [Fact]
    public async Task the_approver_who_cleared_a_rule_flag_cannot_decide_and_the_decision_lists_everyone_who_prepared_the_case()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        await Host.PostJson(Staff, $"/api/clinics/{clinicId}/claims/marketing-texts",
            new MarketingTextInput("https://esperanza.example/es", "Resultados garantizadas."));
        var caseId = await Host.OpenCase(Staff, clinicId);
        await Host.RecordAllEvidence(Fixture.TokenFor("sam-staff", "staff"), caseId, Fixture.Clock.Now);
        var flag = (await Host.GetClinic(Staff, clinicId)).RedFlags.ShouldHaveSingleItem().Flag;
        await Host.PostJson(Approver, $"/api/clinics/{clinicId}/red-flags/{flag.FlagId}/clearance", new ReasonBody("Page rewritten, checked 2030-01-07"));

        (await Host.GetCase(Staff, caseId)).PreparedBy.ShouldBe(["stella-staff", "sam-staff", "arthur-approver"]);
        (await Host.Approve(Approver, caseId)).Result.ShouldBeProblem(422).Detail.ShouldNotBeNull().ShouldContain("Four eyes");

        var (_, approval) = await Host.Approve(Olivia, caseId);

        var decided = approval.ReadAsJson<CaseDecision>()!;
        decided.DecidedBy.ShouldBe("olivia-approver");
        decided.PreparedBy.ShouldBe(["stella-staff", "sam-staff", "arthur-approver"]);
        (await Host.GetCase(Auditor, caseId)).PreparedBy.ShouldBe(decided.PreparedBy);
        await using var session = Store.QuerySession();
        var recorded = (await session.Events.FetchStreamAsync(caseId)).Select(x => x.Data).OfType<VettingCaseApproved>().ShouldHaveSingleItem();
        recorded.PreparedBy.ShouldBe(decided.PreparedBy);
    }

    [Fact]
    public async Task the_approver_who_made_the_regulator_accept_a_license_cannot_then_approve_the_clinic()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today, licenseIssuer: "Cancún Chamber of Commerce");
        var caseId = await Host.OpenCase(Staff, clinicId);
        (await Host.GetCase(Staff, caseId)).Checks.Single(x => x.Kind == CheckKind.License).Findings.ShouldHaveSingleItem()
            .Code.ShouldBe("license-wrong-authority");
        var mexico = RegulatorDirectory.Seed.Single(x => x.Country == "MX");
        await Host.PutJson(Approver, "/api/reference/regulators/MX", new RegulatorInput(mexico.Authority, mexico.Acronym, mexico.RegistryUrl, null,
            null, "Local chambers license clinics too", [.. mexico.Aliases!, "Cancún Chamber of Commerce"]));
        await Host.RecordAllEvidence(Staff, caseId, Fixture.Clock.Now);

        var (_, refusal) = await Host.Approve(Approver, caseId);

        refusal.ShouldBeProblem(422).Reasons.ShouldBe(["arthur-approver changed the regulator on file for MX."]);
        (await Host.GetCase(Staff, caseId)).PreparedBy.ShouldContain("arthur-approver");
        var (_, approval) = await Host.Approve(Olivia, caseId);
        approval.ReadAsJson<CaseDecision>()!.PreparedBy.ShouldBe(["stella-staff", "arthur-approver"]);
    }

    [Fact]
    public async Task the_approver_who_recorded_a_claim_while_the_case_was_open_cannot_approve_it()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        await Host.RecordAllEvidence(Staff, caseId, Fixture.Clock.Now);
        await Host.PostJson(Approver, $"/api/clinics/{clinicId}/claims/licenses",
            new LicenseInput("COFEPRIS", "LIC-2025-0777", Fixture.Clock.Today.AddMonths(-1), Fixture.Clock.Today.AddYears(3)));
        await Host.RecordEvidence(Staff, caseId, "license", Fixture.Clock.Now);

        (await Host.GetCase(Staff, caseId)).PreparedBy.ShouldBe(["stella-staff", "arthur-approver"]);
        var (_, refusal) = await Host.Approve(Approver, caseId);

        refusal.ShouldBeProblem(422).Reasons.ShouldBe(["arthur-approver recorded the license claim LIC-2025-0777 while the case was open."]);
        refusal.ProblemExtension("rule").ShouldBe("four-eyes");
        (await DecisionsOn(caseId)).ShouldBe(0);
        var (_, approval) = await Host.Approve(Olivia, caseId);
        approval.ReadAsJson<CaseDecision>()!.PreparedBy.ShouldBe(["stella-staff", "arthur-approver"]);
    }

    [Fact]
    public async Task the_approver_who_withdrew_a_claim_while_the_case_was_open_cannot_reject_it_though_claims_recorded_before_it_opened_do_not_count()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var extra = (await Host.PostJson(Approver, $"/api/clinics/{clinicId}/claims/team-members",
            new TeamMemberInput("Dr. Luis Vega", "Anesthesiology", 9, ["Board certified"]))).ReadAsJson<ClaimOnFile>()!.ClaimId!.Value;
        var caseId = await Host.OpenCase(Staff, clinicId);
        (await Host.GetCase(Staff, caseId)).PreparedBy.ShouldBe(["stella-staff"]);

        await Host.PostJson(Approver, $"/api/clinics/{clinicId}/claims/{extra}/withdrawal", new WithdrawalInput("He left the clinic"));
        var (_, refusal) = await Host.SendTracked(Approver, s => s.Post.Json(new ReasonBody("No")).ToUrl($"/api/vetting/cases/{caseId}/rejection"));

        refusal.ShouldBeProblem(422).Reasons.ShouldBe(["arthur-approver withdrew a claim while the case was open."]);
        (await DecisionsOn(caseId)).ShouldBe(0);
        var (_, byOther) = await Host.SendTracked(Olivia, s => s.Post.Json(new ReasonBody("No")).ToUrl($"/api/vetting/cases/{caseId}/rejection"));
        byOther.ReadAsJson<CaseDecision>()!.PreparedBy.ShouldBe(["stella-staff", "arthur-approver"]);
    }

    [Fact]
    public async Task a_waiver_counts_as_preparing_the_case_for_a_rejection_too()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        await Waive(Approver, caseId, "post-treatment-support");

        var (_, rejection) = await Host.SendTracked(Approver, s => s.Post.Json(new ReasonBody("No")).ToUrl($"/api/vetting/cases/{caseId}/rejection"));

        rejection.ShouldBeProblem(422).Reasons.ShouldBe(["arthur-approver waived the Post-treatment support check."]);
        var (_, byOther) = await Host.SendTracked(Olivia, s => s.Post.Json(new ReasonBody("No")).ToUrl($"/api/vetting/cases/{caseId}/rejection"));
        byOther.ReadAsJson<CaseDecision>()!.PreparedBy.ShouldBe(["stella-staff", "arthur-approver"]);
    }

    [Fact]
    public async Task passing_license_evidence_from_a_site_visit_is_refused()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);

        var refusal = await Host.PostJson(Staff, $"/api/vetting/cases/{caseId}/checks/license/evidence",
            new EvidenceBody(EvidenceOutcome.Passed, EvidenceSource.SiteVisit, "Certificate on the lobby wall", Fixture.Clock.Now), 422);

        refusal.ShouldBeProblem(422).Detail.ShouldNotBeNull().ShouldContain("primary-source evidence");
        (await Host.GetCase(Staff, caseId)).Checks.Single(x => x.Kind == CheckKind.License).Evidence.ShouldBeEmpty();
        await Host.PostJson(Staff, $"/api/vetting/cases/{caseId}/checks/license/evidence",
            new EvidenceBody(EvidenceOutcome.Passed, EvidenceSource.RegistryPage, "https://www.gob.mx/cofepris/registry/LIC-2024-0042", Fixture.Clock.Now));
    }
}
