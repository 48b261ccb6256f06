using Alba;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.IntegrationTests.Vetting;

public class looking_up_licenses_at_the_regulator(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task UseRegistryApi(string apiUrl) =>
        await Host.PutJson(Approver, "/api/reference/regulators/MX", new RegulatorInput("Federal Commission for Protection against Sanitary Risks",
            "COFEPRIS", "https://www.gob.mx/cofepris", apiUrl, null, "COFEPRIS opened its registry API"));

    private async Task<CheckView> LicenseCheckOfANewCase()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        return (await Host.GetCase(Staff, caseId)).Checks.Single(x => x.Kind == CheckKind.License);
    }

    [Fact]
    public async Task without_a_registry_api_the_look_up_becomes_a_task_for_staff()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);

        var task = (await Host.GetCase(Staff, caseId)).LookupTasks.ShouldHaveSingleItem();
        task.Instructions.ShouldContain("LIC-2024-0042");
        task.RegistryUrl.ShouldBe("https://www.gob.mx/cofepris");
        var queue = (await Host.Send(Staff, s => s.Get.Url("/api/vetting/work-queue"))).ReadAsJson<ClinicVetting.Vetting.WorkQueue>()!;
        queue.OpenCases.ShouldHaveSingleItem().LookupTasks.ShouldHaveSingleItem().TaskId.ShouldBe(task.TaskId);

        await Host.RecordEvidence(Staff, caseId, "license", Fixture.Clock.Now);
        (await Host.GetCase(Staff, caseId)).LookupTasks.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_registry_api_confirms_an_active_license_as_primary_source_evidence()
    {
        await using var registry = await FakeLicenseRegistry.Start();
        registry.Licenses["LIC-2024-0042"] = new { number = "LIC-2024-0042", holder = "Clínica Esperanza", status = "active",
            validUntil = Fixture.Clock.Today.AddYears(2).ToString("yyyy-MM-dd") };
        await UseRegistryApi(registry.BaseUrl);

        var check = await LicenseCheckOfANewCase();

        check.Status.ShouldBe(CheckStatus.Passed);
        var evidence = check.Evidence.ShouldHaveSingleItem();
        evidence.Source.ShouldBe(EvidenceSource.RegistryApi);
        evidence.Reference.ShouldBe($"{registry.BaseUrl}/licenses/LIC-2024-0042");
        evidence.RecordedBy.ShouldBe(LookUpLicenseHandler.RegistryUser);
        registry.Requests.ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("suspended", "status is 'suspended'")]
    [InlineData("unknown", "does not know license")]
    public async Task a_registry_that_does_not_confirm_the_license_fails_the_check(string status, string note)
    {
        await using var registry = await FakeLicenseRegistry.Start();
        if (status != "unknown")
        {
            registry.Licenses["LIC-2024-0042"] = new { number = "LIC-2024-0042", holder = "Clínica Esperanza", status,
                validUntil = Fixture.Clock.Today.AddYears(2).ToString("yyyy-MM-dd") };
        }

        await UseRegistryApi(registry.BaseUrl);

        var check = await LicenseCheckOfANewCase();

        check.Status.ShouldBe(CheckStatus.Failed);
        check.Evidence.ShouldHaveSingleItem().Note.ShouldNotBeNull().ShouldContain(note);
    }

    [Fact]
    public async Task a_registry_that_does_not_answer_falls_back_to_staff()
    {
        await UseRegistryApi("http://127.0.0.1:9/registry");

        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);

        var view = await Host.GetCase(Staff, caseId);
        view.Checks.Single(x => x.Kind == CheckKind.License).Evidence.ShouldBeEmpty();
        view.LookupTasks.ShouldHaveSingleItem().Instructions.ShouldContain("did not answer");
    }
}
