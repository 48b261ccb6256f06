using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>The steps of vetting: clinics and their claims, cases, evidence, waivers, red flags, decisions.</summary>
public sealed partial class ModelRun
{
    private async Task<string> Register(Register step)
    {
        var who = People.Workers[step.Worker];
        var n = _registrations++;
        var us = step.Kind == ClinicKind.UnapprovedUsTherapy;
        var body = ToJson(new
        {
            name = $"Model Clinic {n}",
            city = us ? "Miami" : "Cancún",
            country = us ? "US" : "MX",
            yearsOfExperience = 10,
            patientsPerYear = 800,
            costRange = new { min = 4000, max = 12000, currency = "USD" },
            bestFor = new[] { "Orthopedic conditions" },
            programs = new[]
            {
                new
                {
                    name = "Knee program", condition = "orthopedics", cellType = "mesenchymal", dose = "50 million cells",
                    includedServices = new[] { "Consultation" }, lengthOfStayDays = 3, price = 6000, discountedPrice = 5500, currency = "USD",
                },
            },
            accreditationsClaimed = new[] { "JCI" },
        });
        var registered = await Write(who, HttpMethod.Post, "/api/clinics", body, WriteOperations.RegisterClinic);
        if (!registered.Succeeded || registered.Json?["id"]?.GetValue<Guid>() is not { } id)
        {
            return $"{who} registers clinic {n} ({step.Kind}): refused";
        }

        _registered[id] = (step.Kind, body);
        var today = app.Clock.Today;
        var claims = $"/api/clinics/{id}/claims";
        await Write(who, HttpMethod.Post, $"{claims}/licenses", ToJson(new
        {
            issuedBy = us ? "Food and Drug Administration" : "COFEPRIS", number = $"LIC-{n}", validFrom = today.AddYears(-1),
            validUntil = today.AddYears(2), documentUrl = (string?)null,
        }), WriteOperations.ClaimLicense);
        await Write(who, HttpMethod.Post, $"{claims}/accreditations", ToJson(new
        {
            issuer = "Joint Commission International", certificateId = $"JCI-{n}", validFrom = today.AddYears(-1), validUntil = today.AddYears(2),
            scopes = new[] { "hospital" },
        }), WriteOperations.ClaimAccreditation);
        var documentedLab = step.Kind != ClinicKind.UndocumentedLab;
        await Write(who, HttpMethod.Post, $"{claims}/therapies", ToJson(new
        {
            condition = "Orthopedic conditions", cellType = "mesenchymal", source = "autologous", route = "localInjection",
            labName = documentedLab ? "CellLab Cancún" : null, labLicense = documentedLab ? "COFEPRIS-LAB-99" : null,
            inRegisteredTrial = false, trialRegistryId = (string?)null,
        }), WriteOperations.ClaimTherapy);
        await Write(who, HttpMethod.Post, $"{claims}/team-members", ToJson(new
        {
            name = "Dr. Ana Ruiz", specialty = "Orthopedic surgery", yearsOfExperience = 14, certifications = new[] { "Board certified" },
        }), WriteOperations.ClaimTeamMember);
        await Write(who, HttpMethod.Post, $"{claims}/protocols", ToJson(new
        {
            program = "Knee program", steps = new[] { "Evaluation", "Harvest", "Injection", "Follow-up" },
        }), WriteOperations.ClaimProtocol);
        await Write(who, HttpMethod.Put, $"{claims}/medical-evaluation", ToJson(new
        {
            contraindicationsScreened = VettingRuleSet.Default.Contraindications.Select(x => x.Code).ToArray(),
            requiresHealthHistory = true, approvesBeforeReview = false,
        }), WriteOperations.DescribeEvaluation);
        await Write(who, HttpMethod.Put, $"{claims}/aftercare", ToJson(new
        {
            followUp = "Calls at 1, 3 and 6 months", complicationHandling = "24/7 physician line, partner hospital", followUpMonths = 6,
        }), WriteOperations.DescribeAftercare);
        await Write(who, HttpMethod.Post, $"{claims}/marketing-texts", ToJson(new
        {
            sourceUrl = $"https://clinic-{n}.example",
            text = step.Kind == ClinicKind.GuaranteedResults
                ? "Results guaranteed: every patient walks again."
                : "Regenerative care with realistic expectations.",
        }), WriteOperations.CaptureMarketing);
        return $"{who} registers {Describe(id)} with its claims";
    }

    private async Task<string> RegisterAgain(RegisterAgain step)
    {
        if (ClinicAt(step.Clinic) is not { } clinic || !_registered.TryGetValue(clinic.Id, out var registered))
        {
            return "no clinic yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        await Write(who, HttpMethod.Post, "/api/clinics", registered.Body, WriteOperations.RegisterClinic);
        return $"{who} registers {Describe(clinic.Id)} again (same name and city)";
    }

    private async Task<string> Relicense(Relicense step)
    {
        if (ClinicAt(step.Clinic) is not { } clinic)
        {
            return "no clinic yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        foreach (var license in clinic.Licenses.ToList())
        {
            await Write(who, HttpMethod.Post, $"/api/clinics/{clinic.Id}/claims/{license}/withdrawal",
                ToJson(new { reason = "Replaced by the license on file today." }), WriteOperations.WithdrawClaim);
        }

        var today = app.Clock.Today;
        var us = _registered.GetValueOrDefault(clinic.Id).Kind == ClinicKind.UnapprovedUsTherapy;
        await Write(who, HttpMethod.Post, $"/api/clinics/{clinic.Id}/claims/licenses", ToJson(new
        {
            issuedBy = us ? "Food and Drug Administration" : "COFEPRIS", number = $"LIC-R{_step}", validFrom = today.AddYears(-3),
            validUntil = step.Expired ? today.AddDays(-10) : today.AddYears(3), documentUrl = (string?)null,
        }), WriteOperations.ClaimLicense);
        return $"{who} replaces the license of {Describe(clinic.Id)} with one {(step.Expired ? "that expired 10 days ago" : "valid 3 more years")}";
    }

    private async Task<string> Advertise(Advertise step)
    {
        if (ClinicAt(step.Clinic) is not { } clinic)
        {
            return "no clinic yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        await Write(who, HttpMethod.Post, $"/api/clinics/{clinic.Id}/claims/marketing-texts", ToJson(new
        {
            sourceUrl = $"https://ads-{_step}.example",
            text = step.Guarantee ? $"Guaranteed results in {_step} days, 100% success." : $"Our team answers within {_step} hours.",
        }), WriteOperations.CaptureMarketing);
        return $"{who} captures {(step.Guarantee ? "a guarantee in" : "plain")} marketing of {Describe(clinic.Id)}";
    }

    private async Task<string> OpenCase(OpenCase step)
    {
        if (ClinicAt(step.Clinic) is not { } clinic)
        {
            return "no clinic yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        await Write(who, HttpMethod.Post, "/api/vetting/cases", ToJson(new { clinicId = clinic.Id }), WriteOperations.OpenCase);
        return $"{who} opens a case on {Describe(clinic.Id)}";
    }

    private async Task<string> RecordEvidence(RecordEvidence step)
    {
        if (CaseAt(step.Case) is not { } vettingCase)
        {
            return "no case yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        await Evidence(who, vettingCase, step.Check, step.Passed, step.Stale);
        return $"{who} records {(step.Stale ? "stale " : "")}{(step.Passed ? "passing" : "failing")} evidence on {CheckRoute.NameOf(step.Check)} of {Describe(vettingCase)}";
    }

    private Task<Answer> Evidence(Person who, CaseFacts vettingCase, CheckKind check, bool passed, bool stale) =>
        Write(who, HttpMethod.Post, $"/api/vetting/cases/{vettingCase.Id}/checks/{CheckRoute.NameOf(check)}/evidence", ToJson(new
        {
            outcome = passed ? "passed" : "failed",
            source = "document",
            reference = $"https://evidence.example/{CheckRoute.NameOf(check)}/{_step}",
            obtainedAt = app.Clock.Now.AddDays(stale ? -125 : -1),
            note = "Checked with the issuer.",
        }), WriteOperations.RecordEvidence);

    private async Task<string> PrepareAll(PrepareAll step)
    {
        if (CaseAt(step.Case) is not { } vettingCase)
        {
            return "no case yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        foreach (var check in await Checks(who, vettingCase))
        {
            await Evidence(who, vettingCase, check.Kind, passed: !check.Blocked, step.Stale);
        }

        return $"{who} records {(step.Stale ? "stale " : "")}evidence on every check of {Describe(vettingCase)} (passing where the rules allow)";
    }

    private async Task<string> Waive(Waive step)
    {
        if (CaseAt(step.Case) is not { } vettingCase)
        {
            return "no case yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        await WaiveCheck(who, vettingCase, step.Check);
        return $"{who} waives {CheckRoute.NameOf(step.Check)} of {Describe(vettingCase)}";
    }

    private Task<Answer> WaiveCheck(Person who, CaseFacts vettingCase, CheckKind check) =>
        Write(who, HttpMethod.Post, $"/api/vetting/cases/{vettingCase.Id}/checks/{CheckRoute.NameOf(check)}/waiver",
            ToJson(new { reason = $"Not applicable here ({_step})." }), WriteOperations.Waive);

    private async Task<string> WaiveAll(WaiveAll step)
    {
        if (CaseAt(step.Case) is not { } vettingCase)
        {
            return "no case yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        foreach (var check in (await Checks(who, vettingCase)).Where(x => x.Status is not ("passed" or "waived")))
        {
            await WaiveCheck(who, vettingCase, check.Kind);
        }

        return $"{who} waives every check of {Describe(vettingCase)} that has not passed";
    }

    private async Task<string> RaiseFlag(RaiseFlag step)
    {
        if (ClinicAt(step.Clinic) is not { } clinic)
        {
            return "no clinic yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        await Write(who, HttpMethod.Post, $"/api/clinics/{clinic.Id}/red-flags", ToJson(new
        {
            category = "other", description = $"Staff concern {_step}: patients report pressure to pay upfront.", excerpt = (string?)null,
        }), WriteOperations.RaiseFlag);
        return $"{who} raises a red flag on {Describe(clinic.Id)}";
    }

    private async Task<string> ClearFlag(ClearFlag step)
    {
        if (ClinicAt(step.Clinic) is not { } clinic || clinic.Flags.Count == 0)
        {
            return "no red flag yet: nothing to do";
        }

        var open = clinic.Flags.Where(x => x.IsOpen).ToList();
        var flag = open.Count > 0 ? open[step.Flag % open.Count] : clinic.Flags[step.Flag % clinic.Flags.Count];
        var who = People.Workers[step.Worker];
        var what = $"{who} clears the {(flag.Flag.Automatic ? "rule-raised" : "staff")} {(flag.IsOpen ? "" : "(already cleared) ")}flag " +
                   $"'{flag.Flag.Category}' of {Describe(clinic.Id)}";
        await Write(who, HttpMethod.Post, $"/api/clinics/{clinic.Id}/red-flags/{flag.Flag.FlagId}/clearance",
            ToJson(new { reason = $"Checked and resolved ({_step})." }), WriteOperations.ClearFlag);
        return what;
    }

    private async Task<string> Decide(int worker, int caseIndex, bool approve)
    {
        if (CaseAt(caseIndex) is not { } vettingCase)
        {
            return "no case yet: nothing to do";
        }

        var who = People.Workers[worker];
        var what = $"{who} {(approve ? "approves" : "rejects")} {Describe(vettingCase)}";
        if (approve)
        {
            await Write(who, HttpMethod.Post, $"/api/vetting/cases/{vettingCase.Id}/approval", null, WriteOperations.ApproveCase);
        }
        else
        {
            await Write(who, HttpMethod.Post, $"/api/vetting/cases/{vettingCase.Id}/rejection",
                ToJson(new { reason = $"The file does not hold up ({_step})." }), WriteOperations.RejectCase);
        }

        return what;
    }

    private async Task<string> Vet(Vet step)
    {
        if (ClinicAt(step.Clinic) is not { } clinic)
        {
            return "no clinic yet: nothing to do";
        }

        var (staff, approver) = (People.Workers[step.Staff], People.Workers[step.Approver]);
        if (_log.Cases.LastOrDefault(x => x.ClinicId == clinic.Id && x.Status == CaseStatus.Open) is null)
        {
            await Write(staff, HttpMethod.Post, "/api/vetting/cases", ToJson(new { clinicId = clinic.Id }), WriteOperations.OpenCase);
        }

        if (_log.Cases.LastOrDefault(x => x.ClinicId == clinic.Id && x.Status == CaseStatus.Open) is not { } vettingCase)
        {
            return $"{staff} cannot open a case on {Describe(clinic.Id)}";
        }

        foreach (var check in await Checks(staff, vettingCase))
        {
            await Evidence(staff, vettingCase, check.Kind, passed: !check.Blocked, stale: false);
        }

        var what = $"{staff} prepares {Describe(vettingCase)} and {approver} approves it";
        await Write(approver, HttpMethod.Post, $"/api/vetting/cases/{vettingCase.Id}/approval", null, WriteOperations.ApproveCase);
        return what;
    }

    private Task<string> PassTime(AdvanceClock step)
    {
        app.Clock.Advance(TimeSpan.FromDays(step.Days));
        return Task.FromResult($"{step.Days} days pass (now {app.Clock.Today:yyyy-MM-dd})");
    }
}
