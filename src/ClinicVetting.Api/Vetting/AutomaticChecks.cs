using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting;

/// <summary>A red flag the rules raise; its key says what raised it, so it is raised once.</summary>
public sealed record AutomaticFlag(string Key, RedFlagCategory Category, string Description, string? Excerpt = null);

public sealed record AutomaticOutcome(IReadOnlyDictionary<CheckKind, IReadOnlyList<Finding>> Findings, IReadOnlyList<AutomaticFlag> RedFlags);

/// <summary>
/// The automatic half of the nine checks: the clinic's claims, its country's regulator and the rules in force in,
/// findings per check and red flags out. Pure: the handlers that run it on every change do the I/O.
/// </summary>
public static class AutomaticChecks
{
    public static AutomaticOutcome Evaluate(ClinicClaims claims, string countryName, Regulator? regulator, VettingRuleSet rules, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var findings = Enum.GetValues<CheckKind>().ToDictionary(kind => kind, _ => new List<Finding>());
        var flags = new List<AutomaticFlag>();

        License(claims, countryName, regulator, today, findings[CheckKind.License]);
        Therapies(claims, rules, findings[CheckKind.TherapyApproval], flags);
        Accreditations(claims, rules, today, findings[CheckKind.Accreditations]);
        CellSources(claims, findings[CheckKind.CellSource], flags);
        Team(claims, rules, findings[CheckKind.MedicalTeam]);
        Protocols(claims, findings[CheckKind.TreatmentProtocol]);
        Evaluation(claims, rules, findings[CheckKind.MedicalEvaluation], flags);
        Aftercare(claims, findings[CheckKind.PostTreatmentSupport]);
        Marketing(claims, rules, findings[CheckKind.ClaimsAndCommunication], flags);

        return new AutomaticOutcome(
            findings.ToDictionary(x => x.Key, x => (IReadOnlyList<Finding>)x.Value),
            flags.DistinctBy(x => x.Key).ToList());
    }

    private static void License(ClinicClaims claims, string countryName, Regulator? regulator, DateOnly today, List<Finding> findings)
    {
        if (regulator is null)
        {
            findings.Add(new("no-regulator",
                $"No regulator is on file for {countryName} ({claims.Country}): an approver must add one before the license can pass."));
            return;
        }

        if (claims.Licenses.Count == 0)
        {
            findings.Add(new("no-license", $"No license from {regulator.Description} is recorded."));
            return;
        }

        // Every license on file names the regulator: one from another authority is a discrepancy staff resolve (correct or withdraw it).
        foreach (var license in claims.Licenses.Where(x => !regulator.Issued(x.IssuedBy)))
        {
            findings.Add(new("license-wrong-authority",
                $"License {license.Number} is issued by \"{license.IssuedBy}\", not by {regulator.Description}, the regulator on file for {countryName} (accepted names: {string.Join("; ", regulator.Names)})."));
        }

        var fromRegulator = claims.Licenses.Where(x => regulator.Issued(x.IssuedBy)).ToList();
        if (fromRegulator.Count == 0)
        {
            return;
        }

        if (!fromRegulator.Any(x => x.ValidFrom <= today && today <= x.ValidUntil))
        {
            var latest = fromRegulator.MaxBy(x => x.ValidUntil)!;
            findings.Add(new("license-not-valid",
                $"License {latest.Number} from {regulator.Description} is not valid on {today:yyyy-MM-dd} (valid {latest.ValidFrom:yyyy-MM-dd} to {latest.ValidUntil:yyyy-MM-dd})."));
        }
    }

    private static void Therapies(ClinicClaims claims, VettingRuleSet rules, List<Finding> findings, List<AutomaticFlag> flags)
    {
        if (claims.Therapies.Count == 0)
        {
            findings.Add(new("no-therapies", "No offered therapy is recorded: each must be checked against the regulator's approvals."));
        }

        foreach (var therapy in claims.Therapies)
        {
            var label = Describe(therapy);
            if (claims.Country == "US" && !therapy.InRegisteredTrial && !rules.UsApprovedConditions.Contains(therapy.Condition))
            {
                findings.Add(new("us-unapproved-therapy",
                    $"In the United States only FDA-approved therapies pass: {label} is not FDA-approved."));
                if (rules.UsConditionsWithoutApprovedTherapy.Contains(therapy.Condition))
                {
                    flags.Add(new($"us-unapproved:{therapy.ClaimId}", RedFlagCategory.UnapprovedUsTherapy,
                        $"Offers {label} in the United States outside a clinical trial: no regenerative therapy is FDA-approved for {Conditions.LabelOf(therapy.Condition)}."));
                }
            }

            if (rules.TierOf(therapy.CellType) == CellTier.Experimental && !therapy.InRegisteredTrial)
            {
                findings.Add(new("experimental-cells-outside-trial",
                    $"{label} uses experimental {CellTypeLabel(therapy.CellType)} cells outside a registered clinical trial."));
                flags.Add(new($"experimental-cells:{therapy.ClaimId}", RedFlagCategory.ExperimentalCellsOutsideTrial,
                    $"Offers {CellTypeLabel(therapy.CellType)} cells ({label}) outside a registered clinical trial."));
            }

            if (therapy.InRegisteredTrial && string.IsNullOrWhiteSpace(therapy.TrialRegistryId))
            {
                findings.Add(new("trial-not-identified", $"{label} is said to be inside a registered trial, but no trial registry id is recorded."));
            }
        }
    }

    private static void Accreditations(ClinicClaims claims, VettingRuleSet rules, DateOnly today, List<Finding> findings)
    {
        if (claims.Accreditations.Count == 0)
        {
            findings.Add(new("no-accreditations", "No accreditation is claimed.", Blocking: false));
        }

        foreach (var accreditation in claims.Accreditations.Where(x => !(x.ValidFrom <= today && today <= x.ValidUntil)))
        {
            findings.Add(new("accreditation-not-valid",
                $"Accreditation {accreditation.CertificateId} from {accreditation.Issuer} is not valid on {today:yyyy-MM-dd} (valid {accreditation.ValidFrom:yyyy-MM-dd} to {accreditation.ValidUntil:yyyy-MM-dd})."));
        }

        var surgical = claims.Therapies.Where(x => x.Route == AdministrationRoute.Surgical).ToList();
        var hasSurgicalAccreditation = claims.Accreditations.Any(a =>
            a.ValidFrom <= today && today <= a.ValidUntil
            && a.Scopes.Any(scope => rules.SurgicalAccreditationScopes.Any(s => Text.Key(scope).Contains(Text.Key(s)))));
        if (surgical.Count > 0 && !hasSurgicalAccreditation)
        {
            findings.Add(new("surgical-accreditation-missing",
                $"Surgical implantation is offered ({string.Join("; ", surgical.Select(Describe))}) but no valid accreditation covers surgery."));
        }
    }

    private static void CellSources(ClinicClaims claims, List<Finding> findings, List<AutomaticFlag> flags)
    {
        foreach (var therapy in claims.Therapies.Where(x => string.IsNullOrWhiteSpace(x.LabName) || string.IsNullOrWhiteSpace(x.LabLicense)))
        {
            findings.Add(new("cell-source-undocumented",
                $"{Describe(therapy)}: the lab that processes the cells and its license are not documented."));
            flags.Add(new($"undocumented-source:{therapy.ClaimId}", RedFlagCategory.UndocumentedCellSource,
                $"Undocumented cell source for {Describe(therapy)}: no processing lab or lab license."));
        }
    }

    private static void Team(ClinicClaims claims, VettingRuleSet rules, List<Finding> findings)
    {
        if (claims.Team.Count == 0)
        {
            findings.Add(new("no-team", "No member of the medical team is recorded."));
        }

        var intrathecal = claims.Therapies.Where(x => x.Route == AdministrationRoute.Intrathecal).ToList();
        var credentialed = claims.Team.Any(member => member.Credentials.Append(member.Specialty).Concat(member.Certifications)
            .Any(credential => rules.IntrathecalCredentials.Any(c => Text.Key(credential).Contains(Text.Key(c)))));
        if (intrathecal.Count > 0 && !credentialed)
        {
            findings.Add(new("intrathecal-specialist-missing",
                $"Intrathecal (spinal) delivery is offered ({string.Join("; ", intrathecal.Select(Describe))}) but no team member is a credentialed specialist for it."));
        }
    }

    private static void Protocols(ClinicClaims claims, List<Finding> findings)
    {
        if (claims.Programs.Count == 0 && claims.Protocols.Count == 0)
        {
            findings.Add(new("no-protocol", "No written treatment protocol is recorded."));
        }

        foreach (var program in claims.Programs.Where(p => !claims.Protocols.Any(x => Text.Key(x.Program) == Text.Key(p))))
        {
            findings.Add(new("protocol-missing", $"No written step-by-step protocol for the program \"{program}\"."));
        }

        foreach (var protocol in claims.Protocols.Where(x => x.Steps.Count == 0 && string.IsNullOrWhiteSpace(x.DocumentUrl)))
        {
            findings.Add(new("protocol-undocumented", $"The protocol for \"{protocol.Program}\" has neither steps nor a document."));
        }
    }

    private static void Evaluation(ClinicClaims claims, VettingRuleSet rules, List<Finding> findings, List<AutomaticFlag> flags)
    {
        if (claims.MedicalEvaluation is not { } evaluation)
        {
            findings.Add(new("no-evaluation", "The pre-treatment medical evaluation is not described."));
            return;
        }

        var missing = rules.Contraindications
            .Where(x => x.MustScreen && !evaluation.ContraindicationsScreened.Contains(x.Code))
            .Select(x => x.Label)
            .ToList();
        if (missing.Count > 0)
        {
            findings.Add(new("evaluation-gaps", $"The evaluation does not screen for: {string.Join("; ", missing)}."));
        }

        if (!evaluation.RequiresHealthHistory || evaluation.ApprovesBeforeReview)
        {
            findings.Add(new("approval-without-health-history", "Patients are approved without a review of their health history."));
            flags.Add(new("no-health-history", RedFlagCategory.NoHealthHistory,
                "Approves patients for treatment without reviewing their health history."));
        }
    }

    private static void Aftercare(ClinicClaims claims, List<Finding> findings)
    {
        if (claims.Aftercare is not { } aftercare
            || string.IsNullOrWhiteSpace(aftercare.FollowUp)
            || string.IsNullOrWhiteSpace(aftercare.ComplicationHandling))
        {
            findings.Add(new("no-aftercare", "Follow-up care and the handling of complications are not described."));
        }
    }

    private static void Marketing(ClinicClaims claims, VettingRuleSet rules, List<Finding> findings, List<AutomaticFlag> flags)
    {
        if (claims.Marketing.Count == 0)
        {
            findings.Add(new("no-marketing-captured", "No marketing text has been captured for review.", Blocking: false));
        }

        foreach (var marketing in claims.Marketing)
        {
            foreach (var category in ClaimsScanner.Scan(marketing.Text, rules.RedFlagPhrases).GroupBy(x => x.Phrase.Category))
            {
                var phrases = string.Join(", ", category.Select(x => $"\"{x.Found}\"").Distinct(StringComparer.OrdinalIgnoreCase));
                findings.Add(new("red-flag-phrase", $"{marketing.SourceUrl} says {phrases}.", Blocking: false));
                flags.Add(new($"marketing:{marketing.ClaimId}:{category.Key}", category.Key,
                    $"Marketing at {marketing.SourceUrl} makes {Describe(category.Key)} ({phrases}).", category.First().Excerpt));
            }
        }
    }

    private static string Describe(TherapyClaim therapy) =>
        $"{Conditions.LabelOf(therapy.Condition)} with {therapy.Source.ToString().ToLowerInvariant()} {CellTypeLabel(therapy.CellType)} cells by {RouteLabel(therapy.Route)}";

    private static string Describe(RedFlagCategory category) => category switch
    {
        RedFlagCategory.GuaranteedResults => "guarantees of results",
        RedFlagCategory.CureClaim => "cure or miracle claims",
        RedFlagCategory.RiskDenial => "claims that the treatment has no risk",
        RedFlagCategory.Testimonials => "testimonials offered as evidence",
        _ => category.ToString(),
    };

    public static string CellTypeLabel(CellType cellType) => cellType switch
    {
        CellType.Mesenchymal => "mesenchymal",
        CellType.UmbilicalCordBlood => "umbilical cord blood",
        CellType.Hematopoietic => "hematopoietic",
        CellType.AdultOther => "adult",
        CellType.Embryonic => "embryonic",
        CellType.InducedPluripotent => "induced pluripotent",
        _ => cellType.ToString(),
    };

    public static string RouteLabel(AdministrationRoute route) => route switch
    {
        AdministrationRoute.LocalInjection => "local injection",
        AdministrationRoute.Intramuscular => "intramuscular injection",
        AdministrationRoute.Intravenous => "intravenous infusion",
        AdministrationRoute.Intrathecal => "intrathecal (spinal) injection",
        AdministrationRoute.Surgical => "surgical implantation",
        _ => "another route",
    };
}
