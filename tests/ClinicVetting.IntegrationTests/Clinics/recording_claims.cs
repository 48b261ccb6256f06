using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Vetting.ReferenceData;
using Marten;

namespace ClinicVetting.IntegrationTests.Clinics;

public class recording_claims(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task<ClinicClaims> Claims(Guid clinicId) =>
        (await Host.Send(Auditor, s => s.Get.Url($"/api/clinics/{clinicId}/claims"))).ReadAsJson<ClinicClaims>()!;

    [Fact]
    public async Task every_kind_of_claim_is_kept_with_the_clinic()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);

        var claims = await Claims(clinicId);

        claims.Licenses.ShouldHaveSingleItem().IssuedBy.ShouldBe("COFEPRIS");
        claims.Accreditations.ShouldHaveSingleItem().Scopes.ShouldBe(["hospital"]);
        claims.Therapies.ShouldHaveSingleItem().Condition.ShouldBe("orthopedics");
        claims.Team.ShouldHaveSingleItem().Name.ShouldBe("Dr. Ana Ruiz");
        claims.Protocols.ShouldHaveSingleItem().Steps.Count.ShouldBe(4);
        claims.MedicalEvaluation!.RequiresHealthHistory.ShouldBeTrue();
        claims.Aftercare!.FollowUpMonths.ShouldBe(6);
        claims.Marketing.ShouldHaveSingleItem().CapturedAt.ShouldBe(Fixture.Clock.Now);
    }

    [Fact]
    public async Task the_same_license_again_renews_it_instead_of_adding_another()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var before = (await Claims(clinicId)).Licenses.Single();

        var renewed = (await Host.PostJson(Staff, $"/api/clinics/{clinicId}/claims/licenses",
            new LicenseInput(" cofepris ", "lic-2024-0042", Fixture.Clock.Today, Fixture.Clock.Today.AddYears(5)))).ReadAsJson<ClaimOnFile>()!;

        renewed.ClaimId.ShouldBe(before.ClaimId);
        (await Claims(clinicId)).Licenses.ShouldHaveSingleItem().ValidUntil.ShouldBe(Fixture.Clock.Today.AddYears(5));
    }

    [Fact]
    public async Task a_withdrawn_claim_disappears_and_the_withdrawal_keeps_its_reason()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var therapy = (await Claims(clinicId)).Therapies.Single();

        await Host.PostJson(Staff, $"/api/clinics/{clinicId}/claims/{therapy.ClaimId}/withdrawal", new WithdrawalInput("No longer offered"));

        (await Claims(clinicId)).Therapies.ShouldBeEmpty();
        await using var session = Store.QuerySession();
        (await session.Events.FetchStreamAsync(clinicId)).Last().Data.ShouldBeOfType<ClaimWithdrawn>().Reason.ShouldBe("No longer offered");
        (await Host.PostJson(Staff, $"/api/clinics/{clinicId}/claims/{therapy.ClaimId}/withdrawal", new WithdrawalInput("again"), 404))
            .ShouldBeProblem(404);
    }

    [Fact]
    public async Task claims_on_an_unknown_clinic_are_a_404()
    {
        (await Host.PostJson(Staff, $"/api/clinics/{Guid.NewGuid()}/claims/licenses",
            new LicenseInput("COFEPRIS", "1", Fixture.Clock.Today, Fixture.Clock.Today.AddYears(1)), 404)).ShouldBeProblem(404);
        await Host.Send(Staff, s => s.Get.Url($"/api/clinics/{Guid.NewGuid()}/claims"), 404);
    }

    [Fact]
    public async Task invalid_claims_are_a_400_naming_the_fields()
    {
        var clinic = await Host.RegisterClinic(Staff);

        var license = await Host.PostJson(Staff, $"/api/clinics/{clinic.Id}/claims/licenses",
            new { issuedBy = "", number = "X", validFrom = "2030-01-01", validUntil = "2029-01-01", documentUrl = "not a url" }, 400);
        license.ShouldBeProblem(400).Errors!.Keys.ShouldBe(["issuedBy", "validUntil", "documentUrl"], ignoreOrder: true);

        var therapy = await Host.PostJson(Staff, $"/api/clinics/{clinic.Id}/claims/therapies",
            new { condition = "autism", cellType = "dragon", source = "autologous", route = "intravenous" }, 400);
        therapy.ShouldBeProblem(400);

        (await DomainEventCount()).ShouldBe(1);
    }

    [Fact]
    public async Task reference_data_keeps_its_versions()
    {
        await Host.PutJson(Approver, "/api/reference/regulators/BR",
            new RegulatorInput("Brazilian Health Regulatory Agency", "ANVISA", null, null, null, "New market"));

        var current = (await Host.Send(Auditor, s => s.Get.Url("/api/reference/regulators"))).ReadAsJson<RegulatorDirectory>()!;
        var before = (await Host.Send(Auditor, s => s.Get.Url("/api/reference/regulators?version=9"))).ReadAsJson<RegulatorDirectory>()!;

        current.Version.ShouldBe(10);
        current.ByCountry.Keys.ShouldContain("BR");
        before.ByCountry.Keys.ShouldNotContain("BR");
        before.ByCountry.Count.ShouldBe(9);
        await Host.Send(Auditor, s => s.Get.Url("/api/reference/regulators?version=99"), 404);
    }

    [Fact]
    public async Task a_medical_evaluation_that_leaves_out_its_flags_is_refused_not_read_as_no()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var events = await DomainEventCount();

        var problem = (await Host.PutJson(Staff, $"/api/clinics/{clinicId}/claims/medical-evaluation", new { }, 400)).ShouldBeProblem(400);

        problem.Errors!.Keys.ShouldBe(["contraindicationsScreened", "requiresHealthHistory", "approvesBeforeReview"], ignoreOrder: true);
        problem.Errors.Values.ShouldAllBe(x => x.Single() == "is required");
        (await Claims(clinicId)).MedicalEvaluation!.RequiresHealthHistory.ShouldBeTrue();
        (await DomainEventCount()).ShouldBe(events);
    }

    /// <summary>Every claim of a clinic sent again exactly as on file: each answers "unchanged" with the same version, and no event is appended.</summary>
    [Fact]
    public async Task a_claim_sent_again_as_it_is_on_file_writes_nothing()
    {
        var today = Fixture.Clock.Today;
        var clinicId = await Host.ACleanClinic(Staff, today);
        var claims = $"/api/clinics/{clinicId}/claims";
        var version = (await Claims(clinicId)).Version;
        var events = await DomainEventCount();

        var answers = new[]
        {
            await Host.PostJson(Staff, $"{claims}/licenses", new LicenseInput("COFEPRIS", "LIC-2024-0042", today.AddYears(-1), today.AddYears(2))),
            await Host.PostJson(Staff, $"{claims}/accreditations",
                new AccreditationInput("Joint Commission International", "JCI-7781", today.AddYears(-1), today.AddYears(2), ["hospital"])),
            await Host.PostJson(Staff, $"{claims}/therapies", new TherapyInput("Orthopedic conditions", CellType.Mesenchymal, CellSource.Autologous,
                AdministrationRoute.LocalInjection, "CellLab Cancún", "COFEPRIS-LAB-99")),
            await Host.PostJson(Staff, $"{claims}/team-members", new TeamMemberInput("Dr. Ana Ruiz", "Orthopedic surgery", 14, ["Board certified"])),
            await Host.PostJson(Staff, $"{claims}/protocols", new ProtocolInput("Knee program", ["Evaluation", "Harvest", "Injection", "Follow-up"])),
            await Host.PutJson(Staff, $"{claims}/medical-evaluation", new MedicalEvaluationInput(
                VettingRuleSet.Default.Contraindications.Select(x => x.Code).ToList(), RequiresHealthHistory: true, ApprovesBeforeReview: false)),
            await Host.PutJson(Staff, $"{claims}/aftercare", new AftercareInput("Calls at 1, 3 and 6 months", "24/7 physician line, partner hospital", 6)),
            await Host.PostJson(Staff, $"{claims}/marketing-texts", new MarketingTextInput("https://esperanza.example", "Regenerative care with realistic expectations.")),
        };

        answers.Select(x => x.ReadAsJson<ClaimOnFile>()!).ShouldAllBe(x => x.Unchanged && x.Version == version);
        (await DomainEventCount()).ShouldBe(events);

        var changed = (await Host.PutJson(Staff, $"{claims}/medical-evaluation", new MedicalEvaluationInput(
            VettingRuleSet.Default.Contraindications.Select(x => x.Code).ToList(), RequiresHealthHistory: true, ApprovesBeforeReview: true))).ReadAsJson<ClaimOnFile>()!;
        (changed.Unchanged, changed.Version).ShouldBe((false, version + 1));
    }

    [Fact]
    public async Task contraindications_are_codes_of_the_vetting_rules_and_their_labels_are_read_as_codes()
    {
        var clinicId = (await Host.RegisterClinic(Staff)).Id;
        var url = $"/api/clinics/{clinicId}/claims/medical-evaluation";

        await Host.PutJson(Staff, url, new MedicalEvaluationInput(["Active infection", "cancer", " Pregnancy or breastfeeding "], true, false));
        (await Claims(clinicId)).MedicalEvaluation!.ContraindicationsScreened.ShouldBe(["active-infection", "cancer", "pregnancy-breastfeeding"]);

        var problem = (await Host.PutJson(Staff, url, new MedicalEvaluationInput(["active-infection", "infections in general"], true, false), 400))
            .ShouldBeProblem(400);
        problem.Errors!.Keys.ShouldBe(["contraindicationsScreened[1]"]);
        problem.Errors["contraindicationsScreened[1]"].Single().ShouldEndWith("must be one of: " +
            string.Join(", ", VettingRuleSet.Default.Contraindications.Select(x => x.Code)));
        (await Claims(clinicId)).MedicalEvaluation!.ContraindicationsScreened.Count.ShouldBe(3);
    }

    [Fact]
    public async Task a_condition_outside_the_catalog_is_refused_and_the_catalog_named()
    {
        var clinicId = (await Host.RegisterClinic(Staff)).Id;
        var events = await DomainEventCount();

        var clinic = (await Host.PostJson(Staff, "/api/clinics", ClinicScenarios.AClinic("Knee Clinic") with { BestFor = ["Orthopedics", "Knee pain"] }, 400))
            .ShouldBeProblem(400);
        clinic.Errors!["bestFor[1]"].Single().ShouldContain("'Knee pain' is not in the condition catalog");
        clinic.Errors["bestFor[1]"].Single().ShouldContain("orthopedics, sports-injuries");

        var therapy = (await Host.PostJson(Staff, $"/api/clinics/{clinicId}/claims/therapies",
            new TherapyInput("Knee pain", CellType.Mesenchymal, CellSource.Autologous, AdministrationRoute.LocalInjection), 400)).ShouldBeProblem(400);
        therapy.Errors!.Keys.ShouldBe(["condition"]);

        (await Host.Send(Staff, s => s.Get.Url("/api/clinics?condition=knee%20pain"), 400)).ShouldBeProblem(400).Errors!.Keys.ShouldBe(["condition"]);
        (await DomainEventCount()).ShouldBe(events);
    }

    [Fact]
    public async Task reference_data_and_the_policy_published_again_unchanged_write_nothing()
    {
        var regulators = (await Host.Send(Auditor, s => s.Get.Url("/api/reference/regulators"))).ReadAsJson<RegulatorDirectory>()!;
        var mexico = regulators.ByCountry["MX"];
        var rules = (await Host.Send(Auditor, s => s.Get.Url("/api/reference/vetting-rules"))).ReadAsJson<CurrentVettingRules>()!;
        var policy = (await Host.Send(Auditor, s => s.Get.Url("/api/ranking/policy"))).ReadAsJson<ClinicVetting.Ranking.CurrentRankingPolicy>()!;
        await using var session = Store.QuerySession();
        var events = await session.Events.QueryAllRawEvents().CountAsync();

        (await Host.PutJson(Approver, "/api/reference/regulators/MX", new RegulatorInput(mexico.Authority, mexico.Acronym, mexico.RegistryUrl,
            mexico.RegistryApiUrl, mexico.Notes, "Checked again", mexico.Aliases))).ReadAsJson<RegulatorsVersion>()!.Version.ShouldBe(regulators.Version);
        (await Host.PutJson(Approver, "/api/reference/vetting-rules", new PublishVettingRulesInput(rules.Rules, "Checked again")))
            .ReadAsJson<VettingRulesVersion>()!.Version.ShouldBe(rules.Version);
        (await Host.PutJson(Approver, "/api/ranking/policy", new ClinicVetting.Ranking.PublishRankingPolicyInput(policy.Policy, "Checked again")))
            .ReadAsJson<ClinicVetting.Ranking.RankingPolicyVersion>()!.Version.ShouldBe(policy.Version);

        (await session.Events.QueryAllRawEvents().CountAsync()).ShouldBe(events);
    }

    [Fact]
    public async Task a_new_claim_is_created_with_its_location_and_one_already_on_file_is_not()
    {
        var clinic = await Host.RegisterClinic(Staff);
        var license = new LicenseInput("COFEPRIS", "LIC-201", Fixture.Clock.Today.AddYears(-1), Fixture.Clock.Today.AddYears(2));

        var created = await Host.PostJson(Staff, $"/api/clinics/{clinic.Id}/claims/licenses", license, 201);
        var claim = created.ReadAsJson<ClaimOnFile>()!;
        created.Context.Response.Headers.Location.ToString().ShouldBe($"/api/clinics/{clinic.Id}/claims#{claim.ClaimId}");

        var again = await Host.PostJson(Staff, $"/api/clinics/{clinic.Id}/claims/licenses", license, 200);
        again.ReadAsJson<ClaimOnFile>()!.Unchanged.ShouldBeTrue();
        again.Context.Response.Headers.Location.ToString().ShouldBeEmpty();

        var renewed = await Host.PostJson(Staff, $"/api/clinics/{clinic.Id}/claims/licenses", license with { ValidUntil = Fixture.Clock.Today.AddYears(5) }, 200);
        renewed.ReadAsJson<ClaimOnFile>()!.ClaimId.ShouldBe(claim.ClaimId);
    }
}
