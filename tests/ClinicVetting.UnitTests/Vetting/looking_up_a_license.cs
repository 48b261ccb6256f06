using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.UnitTests.Vetting;

public class looking_up_a_license
{
    private static readonly Regulator Cofepris = Given.RegulatorOf("MX")!;

    private static LicenseClaim License(string issuedBy, int yearsLeft) =>
        new(Guid.NewGuid(), issuedBy, $"L-{issuedBy}-{yearsLeft}", Given.Today.AddYears(-1), Given.Today.AddYears(yearsLeft), null);

    [Fact]
    public void the_registry_is_asked_about_the_longest_valid_license_its_regulator_issued()
    {
        var claims = Given.CleanClaims();
        claims.Licenses.Clear();
        var shorter = License("COFEPRIS", 1);
        var longer = License("Comisión Federal para la Protección contra Riesgos Sanitarios", 3);
        claims.Licenses.AddRange([shorter, License("Ministry of Health of Ukraine", 9), longer]);

        LookUpLicenseHandler.LicenseToLookUp(claims, Cofepris).ShouldBe(longer);
    }

    [Fact]
    public void without_a_license_from_the_regulator_nothing_is_looked_up()
    {
        var claims = Given.CleanClaims();
        claims.Licenses.Clear();
        claims.Licenses.Add(License("Some Town Hall", 5));

        LookUpLicenseHandler.LicenseToLookUp(claims, Cofepris).ShouldBeNull();
    }

    [Fact]
    public void the_registrys_answer_is_recorded_as_license_evidence_under_the_registry()
    {
        var vettingCase = Given.Case();
        var answer = new LicenseEvidenceFromSource(new EvidenceInput(EvidenceOutcome.Passed, EvidenceSource.RegistryApi,
            "https://registry.example/licenses/L-1", Given.Now, "Registry: Clínica Uno, active"));

        var recorded = LookUpLicenseHandler.Decide(vettingCase, Cofepris, answer, Given.Now).ShouldBeOfType<EvidenceRecorded>();

        recorded.Check.ShouldBe(CheckKind.License);
        recorded.Evidence.RecordedBy.ShouldBe(LookUpLicenseHandler.RegistryUser);
        recorded.Evidence.Source.ShouldBe(EvidenceSource.RegistryApi);
        recorded.Evidence.Reference.ShouldBe("https://registry.example/licenses/L-1");
    }

    [Fact]
    public void a_look_up_for_staff_is_asked_once_however_often_the_rules_run_again()
    {
        var vettingCase = Given.Case();
        var task = new LicenseLookupForStaff("Look up license L-1 in the COFEPRIS registry.");

        var requested = LookUpLicenseHandler.Decide(vettingCase, Cofepris, task, Given.Now).ShouldBeOfType<LicenseLookupRequested>();
        requested.Task.Authority.ShouldBe(Cofepris.Authority);
        requested.Task.Instructions.ShouldBe(task.Instructions);

        vettingCase.Apply(requested);
        LookUpLicenseHandler.Decide(vettingCase, Cofepris, task, Given.Now.AddMinutes(1)).ShouldBeNull();
        LookUpLicenseHandler.Decide(vettingCase, Cofepris, new LicenseLookupForStaff("Look up license L-2."), Given.Now)
            .ShouldBeOfType<LicenseLookupRequested>();
    }
}
