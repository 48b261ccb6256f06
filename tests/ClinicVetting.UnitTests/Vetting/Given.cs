using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.UnitTests.Vetting;

/// <summary>States to start from: a clinic whose claims pass every rule, and cases built from their events.</summary>
public static class Given
{
    public static readonly DateTimeOffset Now = new(2030, 3, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);
    public static readonly VettingRuleSet Rules = VettingRuleSet.Default;
    public static readonly Guid ClinicId = Guid.NewGuid();

    public static Regulator? RegulatorOf(string country) => RegulatorDirectory.Seed.FirstOrDefault(x => x.Country == country);

    public static TherapyClaim Therapy(string condition = "orthopedics", CellType cells = CellType.Mesenchymal,
        AdministrationRoute route = AdministrationRoute.LocalInjection, bool inTrial = false, string? lab = "BioLab", string? labLicense = "LAB-1") =>
        new(Guid.NewGuid(), condition, cells, CellSource.Autologous, route, lab, labLicense, inTrial, inTrial ? "NCT01234567" : null);

    /// <summary>A Mexican clinic whose every claim satisfies the default rules.</summary>
    public static ClinicClaims CleanClaims(string country = "MX")
    {
        var claims = new ClinicClaims { Id = ClinicId, Country = country, Programs = ["Knee program"] };
        var authority = RegulatorOf(country)?.Acronym ?? RegulatorOf(country)?.Authority ?? "Some Authority";
        claims.Licenses.Add(new LicenseClaim(Guid.NewGuid(), authority, "LIC-001", Today.AddYears(-2), Today.AddYears(2), null));
        claims.Accreditations.Add(new AccreditationClaim(Guid.NewGuid(), "Joint Commission International", "JCI-77", Today.AddYears(-1),
            Today.AddYears(2), ["hospital"]));
        claims.Therapies.Add(Therapy());
        claims.Team.Add(new TeamMemberClaim(Guid.NewGuid(), "Dr. Ana Ruiz", "Orthopedics", 15, ["Board certified"], []));
        claims.Protocols.Add(new ProtocolClaim(Guid.NewGuid(), "Knee program", ["Consultation", "Harvest", "Injection", "Follow-up"], null));
        claims.MedicalEvaluation = new MedicalEvaluationClaim(Rules.Contraindications.Select(x => x.Code).ToList(), true, false, null);
        claims.Aftercare = new AftercareClaim("Calls at 1, 3 and 6 months", "On-call physician, partner hospital", 6);
        claims.Marketing.Add(new MarketingTextClaim(Guid.NewGuid(), "https://clinic.example/about", "Regenerative care with realistic expectations.", Now));
        return claims;
    }

    public static AutomaticOutcome Evaluate(ClinicClaims claims) =>
        AutomaticChecks.Evaluate(claims, claims.Country, RegulatorOf(claims.Country), Rules, Now);

    public static ClinicStanding Clinic(params object[] events)
    {
        var clinic = ClinicStanding.Create(new ClinicRegistered(ClinicId, new ClinicDetails("Clínica Uno", "Cancún", "MX"), Now.AddYears(-1)));
        foreach (var @event in events)
        {
            ((dynamic)clinic).Apply((dynamic)@event);
        }

        return clinic;
    }

    public static VettingCase Case(string openedBy = "olga-staff", params object[] events)
    {
        var vettingCase = new VettingCase();
        vettingCase.Apply(new VettingCaseOpened(Guid.NewGuid(), ClinicId, CaseOpening.Initial, Enum.GetValues<CheckKind>(), openedBy, Now.AddDays(-10)));
        foreach (var @event in events)
        {
            ((dynamic)vettingCase).Apply((dynamic)@event);
        }

        return vettingCase;
    }

    public static EvidenceRecorded Evidence(VettingCase vettingCase, CheckKind check, string by = "sam-staff", int daysOld = 5,
        EvidenceOutcome outcome = EvidenceOutcome.Passed) =>
        new(vettingCase.Id, check, new Evidence(Guid.NewGuid(), outcome, EvidenceSource.Document, $"doc-{check}", Now.AddDays(-daysOld), null, by,
            Now.AddDays(-daysOld)));

    /// <summary>A case where every check has fresh passing evidence from sam-staff.</summary>
    public static VettingCase ReadyCase()
    {
        var vettingCase = Case();
        foreach (var check in Enum.GetValues<CheckKind>())
        {
            vettingCase.Apply(Evidence(vettingCase, check));
        }

        return vettingCase;
    }
}
