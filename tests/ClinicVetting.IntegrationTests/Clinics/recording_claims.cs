using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Vetting.ReferenceData;

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
            new LicenseInput(" cofepris ", "lic-2024-0042", Fixture.Clock.Today, Fixture.Clock.Today.AddYears(5)))).ReadAsJson<ClaimRecorded>()!;

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
}
