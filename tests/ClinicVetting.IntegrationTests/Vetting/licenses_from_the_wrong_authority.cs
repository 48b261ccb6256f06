using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.IntegrationTests.Vetting;

/// <summary>An Israeli clinic's license must be issued by the regulator on file for Israel, under one of its names.</summary>
public class licenses_from_the_wrong_authority(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task<(Guid CaseId, CheckView License)> AnIsraeliClinicLicensedBy(string issuer)
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today, "Hadassah Regenerative", country: "IL", licenseIssuer: issuer);
        var caseId = await Host.OpenCase(Staff, clinicId);
        return (caseId, (await Host.GetCase(Staff, caseId)).Checks.Single(x => x.Kind == CheckKind.License));
    }

    [Theory]
    [InlineData("Turkish Ministry of Health")]
    [InlineData("Ministry")]
    [InlineData("Health")]
    public async Task an_israeli_license_issued_by_another_authority_is_a_finding_and_passing_evidence_is_refused(string issuer)
    {
        var (caseId, license) = await AnIsraeliClinicLicensedBy(issuer);

        license.Status.ShouldBe(CheckStatus.Failed);
        var finding = license.Findings.ShouldHaveSingleItem();
        finding.Code.ShouldBe("license-wrong-authority");
        finding.Message.ShouldContain($"\"{issuer}\", not by Ministry of Health, the regulator on file for Israel");

        var refused = await Host.RecordEvidence(Staff, caseId, "license", Fixture.Clock.Now, status: 422);
        refused.ShouldBeProblem(422).Reasons.ShouldBe([finding.Message]);
        (await Host.GetCase(Staff, caseId)).LookupTasks.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("ministry of health")]
    [InlineData("MINISTRY OF HEALTH")]
    [InlineData("  Ministry   of  Health  ")]
    [InlineData("Mínistry of Heálth")]
    [InlineData("The Ministry of Health.")]
    public async Task the_israeli_regulators_name_with_other_casing_accents_or_spaces_passes(string issuer)
    {
        var (caseId, license) = await AnIsraeliClinicLicensedBy(issuer);

        license.Findings.ShouldBeEmpty();
        (await Host.GetCase(Staff, caseId)).LookupTasks.ShouldHaveSingleItem().Authority.ShouldBe("Ministry of Health");
        await Host.RecordEvidence(Staff, caseId, "license", Fixture.Clock.Now);
    }

    [Fact]
    public async Task a_name_an_approver_adds_to_the_regulator_clears_the_finding_on_open_cases()
    {
        var (caseId, license) = await AnIsraeliClinicLicensedBy("Misrad HaBriut");
        license.Findings.ShouldHaveSingleItem().Code.ShouldBe("license-wrong-authority");
        var israel = RegulatorDirectory.Seed.Single(x => x.Country == "IL");

        await Host.PutJson(Approver, "/api/reference/regulators/IL", new RegulatorInput(israel.Authority, israel.Acronym, israel.RegistryUrl, null,
            israel.Notes, "Licenses are issued under the Hebrew name too", [.. israel.Aliases!, "Misrad HaBriut"]));

        var after = await Host.GetCase(Staff, caseId);
        after.Checks.Single(x => x.Kind == CheckKind.License).Findings.ShouldBeEmpty();
        after.RegulatorsVersion.ShouldBe(10);
        var regulators = (await Host.Send(Staff, s => s.Get.Url("/api/reference/regulators?version=9"))).ReadAsJson<RegulatorDirectory>()!;
        regulators.For("IL")!.Aliases.ShouldNotBeNull().ShouldNotContain("Misrad HaBriut");
    }

    [Fact]
    public async Task aliases_must_be_words()
    {
        var result = await Host.PutJson(Approver, "/api/reference/regulators/IL",
            new RegulatorInput("Ministry of Health", null, null, null, null, "Typo", ["  "]), 400);

        result.ShouldBeProblem(400).Errors!.Keys.ShouldBe(["aliases"]);
    }
}
