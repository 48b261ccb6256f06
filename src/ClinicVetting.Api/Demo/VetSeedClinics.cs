using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Demo;

/// <summary>
/// Takes the ten seed clinics through real vetting cases to approval: claims drawn from the article, generated
/// evidence (labelled "[Demo evidence]", license and certificate numbers "DEMO-..."; a generated PDF stamped "DEMO DOCUMENT" on the
/// license and accreditation evidence), recorded by demo staff and
/// approved by a demo approver, through the same commands as the API. Resumes where an interrupted run stopped.
/// </summary>
public sealed class VetSeedClinics : IDemoStep
{
    public string Name => "vet-seed-clinics-v1";

    public async Task Run(DemoContext context, CancellationToken cancellation)
    {
        var store = context.Store;
        await using var query = store.QuerySession();
        var regulators = await query.LoadAsync<RegulatorDirectory>(RegulatorDirectory.StreamId, cancellation) ?? new RegulatorDirectory();
        var clinics = await query.Query<ClinicProfile>().OrderBy(x => x.Name).ToListAsync(cancellation);
        var now = context.Clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);

        foreach (var (clinic, index) in clinics.Where(x => SeedClinics.Clinics.Any(s => s.IdentityKey == x.IdentityKey)).Select((x, i) => (x, i)))
        {
            var standing = await query.LoadAsync<ClinicStanding>(clinic.Id, cancellation);
            if (standing?.Status == ClinicStatus.Approved)
            {
                continue;
            }

            var claims = await query.LoadAsync<ClinicClaims>(clinic.Id, cancellation);
            if (claims is { Licenses.Count: 0 })
            {
                await RecordClaims(context, clinic, regulators.For(clinic.Country), index, today, cancellation);
            }

            var caseId = standing?.OpenCaseId
                         ?? (await context.Invoke<NewVettingCase>(DemoContext.StaffUser, new OpenVettingCase(Guid.CreateVersion7(), clinic.Id), cancellation)).Id;
            var vettingCase = await AutomaticStepsDone(store, caseId, cancellation);
            var regulator = regulators.For(clinic.Country);
            foreach (var check in vettingCase.Checks.Where(x => x.Status != CheckStatus.Passed))
            {
                await context.Invoke<CaseVersion>(DemoContext.StaffUser, new RecordEvidence(caseId, check.Kind, Evidence(clinic, regulator, check.Kind, now)),
                    cancellation);
            }

            await AttachSampleDocuments(context, store, clinic, caseId, cancellation);

            // Four eyes: demo staff opened the case and recorded every piece of evidence; the demo approver, who did neither, decides.
            await context.Invoke<CaseDecision>(DemoContext.ApproverUser, new ApproveVettingCase(caseId), cancellation);
        }
    }

    /// <summary>
    /// Generated evidence, never a waiver: the license and the therapy approval as a look-up in the regulator's registry (their
    /// primary source), the other checks as documents.
    /// </summary>
    private static EvidenceInput Evidence(ClinicProfile clinic, Regulator? regulator, CheckKind check, DateTimeOffset now)
    {
        var reference = $"demo://evidence/{Slug(clinic.Name)}/{CheckRoute.NameOf(check)}";
        return Check.NeedsPrimarySource(check)
            ? new EvidenceInput(EvidenceOutcome.Passed, EvidenceSource.RegistryPage,
                $"{regulator?.RegistryUrl ?? "demo://registry"}#{reference}", now.AddDays(-3),
                $"[Demo evidence] Generated for the demo: a look-up in the {regulator?.Authority ?? "regulator"}'s registry that was not really made.")
            : new EvidenceInput(EvidenceOutcome.Passed, EvidenceSource.Document, reference, now.AddDays(-3),
                "[Demo evidence] Generated for the demo; not a real verification.");
    }

    /// <summary>A generated demo PDF on the license and the accreditation evidence, so the case shows documents to download.</summary>
    private static async Task AttachSampleDocuments(DemoContext context, IDocumentStore store, ClinicProfile clinic, Guid caseId, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var vettingCase = await session.LoadAsync<VettingCase>(caseId, cancellation);
        foreach (var check in new[] { CheckKind.License, CheckKind.Accreditations })
        {
            if (vettingCase?.Checks.FirstOrDefault(x => x.Kind == check)?.Evidence.LastOrDefault() is not { Documents: null or [] } evidence)
            {
                continue;
            }

            var slug = $"{Slug(clinic.Name)}-{CheckRoute.NameOf(check)}";
            await SampleDocuments.Attach(context, caseId, check, evidence.EvidenceId, $"demo-{slug}.pdf",
                [$"Clinic: {clinic.Name} ({clinic.Country})", $"Check: {Check.Label(check)}", $"Evidence reference: {evidence.Reference}",
                    "This file stands in for the document staff would keep; nothing was verified."], cancellation);
        }
    }

    /// <summary>The case's automatic checks and license look-up run from the durable queue; staff work starts once they are done.</summary>
    private static async Task<VettingCase> AutomaticStepsDone(IDocumentStore store, Guid caseId, CancellationToken cancellation)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var session = store.QuerySession();
            var vettingCase = await session.LoadAsync<VettingCase>(caseId, cancellation);
            var lookedUp = vettingCase is not null && (vettingCase.LookupTasks.Count > 0 || vettingCase[CheckKind.License].Evidence.Count > 0);
            if (vettingCase is { RulesVersion: not null } && lookedUp || DateTimeOffset.UtcNow > deadline)
            {
                return vettingCase!;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellation);
        }
    }

    private static async Task RecordClaims(DemoContext context, ClinicProfile clinic, Regulator? regulator, int index, DateOnly today,
        CancellationToken cancellation)
    {
        async Task Claim(Guid clinicId, IClaimChange change) => await context.Invoke<ClaimOnFile>(DemoContext.StaffUser, new ChangeClaim(clinicId, change), cancellation);
        var validFrom = today.AddYears(-1);
        var validUntil = today.AddYears(2).AddDays(index * 30);
        var lab = $"{clinic.Name} cell laboratory";

        await Claim(clinic.Id, new LicenseInput(regulator?.Acronym ?? regulator?.Authority ?? "Health authority",
            $"DEMO-{clinic.Country}-{1000 + index}", validFrom, validUntil));
        foreach (var (accreditation, n) in clinic.AccreditationsClaimed.Select((x, n) => (x, n)))
        {
            await Claim(clinic.Id, new AccreditationInput(accreditation, $"DEMO-ACC-{index}{n}", validFrom, validUntil,
                ["hospital", "cell therapy"]));
        }

        foreach (var program in clinic.Programs)
        {
            await Claim(clinic.Id, new TherapyInput(program.Condition, program.CellType,
                program.CellType == CellType.UmbilicalCordBlood ? CellSource.Allogeneic : CellSource.Autologous, RouteOf(program), lab,
                $"DEMO-LAB-{clinic.Country}-{index}"));
            await Claim(clinic.Id, new ProtocolInput(program.Name,
                ["Remote pre-assessment with health history", "In-person evaluation and lab tests", $"Cell preparation at {lab}",
                    $"Administration: {program.Dose}", "Observation and discharge", "Follow-up calls at 1, 3 and 6 months"]));
        }

        await Claim(clinic.Id, LeadDoctor(clinic));
        await Claim(clinic.Id, new MedicalEvaluationInput(
            VettingRuleSet.Default.Contraindications.Select(x => x.Code).ToList(), RequiresHealthHistory: true, ApprovesBeforeReview: false,
            Description: "[Demo evidence] Health history, blood work and a physician consultation before acceptance."));
        await Claim(clinic.Id, new AftercareInput("Follow-up calls at 1, 3 and 6 months; a report to the patient's own doctor",
            "A physician on call around the clock; a partner hospital for complications", 6));
        await Claim(clinic.Id, new MarketingTextInput($"https://demo.clinicvetting.example/{Slug(clinic.Name)}",
            string.Join(" ", clinic.Highlights.Select(x => x.EndsWith('.') ? x : x + "."))));
    }

    private static AdministrationRoute RouteOf(TreatmentProgram program)
    {
        var dose = (program.Dose ?? "").ToLowerInvariant();
        return dose.Contains("surgical") ? AdministrationRoute.Surgical
            : dose.Contains("iv") || dose.Contains("transplant") ? AdministrationRoute.Intravenous
            : AdministrationRoute.LocalInjection;
    }

    private static TeamMemberInput LeadDoctor(ClinicProfile clinic) => clinic.Name switch
    {
        "Medical Center Juventa" => new("Dr. Isabella Bernaschina", "Regenerative medicine", 9, ["RCG certification"]),
        "ID Clinic Bangkok" => new("Dr. Wuttiphan", "Regenerative medicine", 20, ["Royal College of Surgeons of Thailand"]),
        _ => new($"Medical director of {clinic.Name} (demo)", "Regenerative medicine", clinic.YearsOfExperience ?? 5, ["Board certification (demo)"]),
    };

    private static string Slug(string name) => ClinicVetting.Shared.Conditions.Slug(name);
}
