using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting;

public sealed record EvidenceInput(EvidenceOutcome Outcome, EvidenceSource Source, string Reference, DateTimeOffset ObtainedAt, string? Note);

/// <summary>Something a person did to a case or its clinic that makes them one of its preparers ("waived the Cell type and source check").</summary>
public sealed record Preparation(string By, string What);

/// <summary>The vetting rules as pure functions: state and command in, events out (or a refusal that says why).</summary>
public static class VettingDecisions
{
    public static (VettingCaseOpened Case, ClinicVettingCaseOpened Clinic) Open(ClinicStanding clinic, Guid caseId, VettingRuleSet rules,
        string openedBy, DateTimeOffset now)
    {
        if (clinic.OpenCaseId is { } open)
        {
            throw new Conflict($"{clinic.Name} already has an open vetting case.") { Extensions = { ["caseId"] = open } };
        }

        var opening = clinic.ApprovedCaseId is null ? CaseOpening.Initial
            : clinic.Lapses.Any(x => now - x.LapsedAt > TimeSpan.FromDays(rules.LapseGraceDays)) ? CaseOpening.AfterLapse
            : CaseOpening.Reverification;
        return (new VettingCaseOpened(caseId, clinic.Id, opening, Enum.GetValues<CheckKind>(), openedBy, now),
            new ClinicVettingCaseOpened(clinic.Id, caseId, opening));
    }

    /// <summary>The rules' findings, only when they differ from what the case holds; and the flags not raised before.</summary>
    public static (AutomaticRulesApplied? Findings, IReadOnlyList<RedFlagRaised> Flags) ApplyRules(VettingCase vettingCase, ClinicStanding clinic,
        AutomaticOutcome outcome, long rulesVersion, long regulatorsVersion, DateTimeOffset now)
    {
        if (vettingCase.Status != CaseStatus.Open)
        {
            return (null, []);
        }

        var changed = vettingCase.RulesVersion != rulesVersion || vettingCase.RegulatorsVersion != regulatorsVersion
            || vettingCase.Checks.Any(check => !check.Findings.SequenceEqual(outcome.Findings.GetValueOrDefault(check.Kind) ?? []));
        var findings = changed
            ? new AutomaticRulesApplied(vettingCase.Id, outcome.Findings, rulesVersion, regulatorsVersion, now)
            : null;

        var known = clinic.RedFlags.Select(x => x.Flag.Key).ToHashSet();
        var flags = outcome.RedFlags
            .Where(flag => !known.Contains(flag.Key))
            .Select(flag => new RedFlagRaised(clinic.Id, new RedFlag(Guid.CreateVersion7(), flag.Key, flag.Category, flag.Description,
                flag.Excerpt, Automatic: true, vettingCase.Id, "system:vetting-rules", now)))
            .ToList();
        return (findings, flags);
    }

    public static EvidenceRecorded RecordEvidence(VettingCase vettingCase, CheckKind kind, EvidenceInput input, string recordedBy, DateTimeOffset now)
    {
        EnsureOpen(vettingCase);
        if (input.ObtainedAt > now.AddMinutes(5))
        {
            throw new RuleViolation("Evidence cannot be obtained in the future.", [$"obtainedAt {input.ObtainedAt:O} is after now ({now:O})"]);
        }

        var check = vettingCase[kind];
        if (input.Outcome == EvidenceOutcome.Passed && check.HasBlockingFindings)
        {
            throw new RuleViolation($"The {Label(kind)} check cannot pass while the automatic rules find problems.",
                check.Findings.Where(x => x.Blocking).Select(x => x.Message).ToList());
        }

        if (input.Outcome == EvidenceOutcome.Passed && NeedsPrimarySource(kind) && !IsPrimarySource(input.Source))
        {
            throw new RuleViolation($"The {Label(kind)} check passes only on primary-source evidence: {PrimarySourceWords}.",
                [$"A {input.Source} is not a primary source for the {Label(kind)} check."])
            {
                Extensions = { ["rule"] = PrimarySourceRule, ["whoMayAct"] = "staff who confirmed it with the regulator itself" },
            };
        }

        return new EvidenceRecorded(vettingCase.Id, kind, new Evidence(Guid.CreateVersion7(), input.Outcome, input.Source,
            input.Reference.Trim(), input.ObtainedAt, input.Note?.Trim(), recordedBy, now));
    }

    /// <summary>
    /// An approver says a check does not apply to this clinic, and why. Never the license or the therapy approval (they need
    /// primary-source evidence), never over a standing blocking finding; the approver has then prepared the case.
    /// </summary>
    public static CheckWaived Waive(VettingCase vettingCase, CheckKind kind, string reason, string approver, DateTimeOffset now)
    {
        EnsureOpen(vettingCase);
        if (NeedsPrimarySource(kind))
        {
            throw new RuleViolation($"The {Label(kind)} check cannot be waived: it needs primary-source evidence ({PrimarySourceWords}).",
                [$"{Label(kind)}: record the evidence of the look-up with the regulator instead of a waiver."])
            {
                Extensions = { ["rule"] = PrimarySourceRule, ["whoMayAct"] = "nobody may waive it; staff record primary-source evidence" },
            };
        }

        var check = vettingCase[kind];
        if (check.Waiver is not null)
        {
            throw new Conflict($"The {Label(kind)} check was already waived by {check.Waiver.WaivedBy}.");
        }

        if (check.HasBlockingFindings)
        {
            throw new RuleViolation($"The {Label(kind)} check cannot be waived while the automatic rules find problems: a waiver says a check does not apply, not that a problem is acceptable.",
                check.Findings.Where(x => x.Blocking).Select(x => $"{Label(kind)}: {x.Message}").ToList())
            {
                Extensions = { ["rule"] = "no-waiver-over-findings", ["whoMayAct"] = "staff correct the clinic's claims; the rules then run again" },
            };
        }

        return new CheckWaived(vettingCase.Id, kind, new Waiver(reason.Trim(), approver, now));
    }

    /// <summary>The license and the therapy approval are confirmed with the regulator itself (DOMAIN.md, NCQA primary-source verification).</summary>
    public static bool NeedsPrimarySource(CheckKind kind) => kind is CheckKind.License or CheckKind.TherapyApproval;

    /// <summary>What the regulator itself answers: its registry, or a call, e-mail or document from it; not a site visit or hearsay.</summary>
    public static bool IsPrimarySource(EvidenceSource source) =>
        source is EvidenceSource.RegistryApi or EvidenceSource.RegistryPage or EvidenceSource.Call or EvidenceSource.Email or EvidenceSource.Document;

    private const string PrimarySourceRule = "primary-source-required";

    private const string PrimarySourceWords = "the regulator's registry (API or page), or a call, e-mail or document from the regulator itself";

    /// <summary>
    /// Everyone who prepared the case, and how: opened it, recorded evidence, waived a check, or, since the clinic's last
    /// decision (its registration if none), cleared one of its red flags, changed its country's regulator or published the
    /// vetting rules (each of these can be what lets the case through). They may not decide it.
    /// </summary>
    public static IReadOnlyList<Preparation> PreparationOf(VettingCase vettingCase, ClinicStanding clinic,
        IEnumerable<ReferenceDataChange>? referenceData = null)
    {
        var since = clinic.LastDecisionAt ?? clinic.RegisteredAt;
        var done = new List<Preparation> { new(vettingCase.OpenedBy, "opened the case") };
        foreach (var check in vettingCase.Checks)
        {
            done.AddRange(check.Evidence.Select(x => new Preparation(x.RecordedBy, $"recorded evidence on the {Label(check.Kind)} check")));
            if (check.Waiver is { } waiver)
            {
                done.Add(new Preparation(waiver.WaivedBy, $"waived the {Label(check.Kind)} check"));
            }
        }

        done.AddRange(clinic.RedFlags
            .Where(x => x is { ClearedBy: not null, ClearedAt: { } at } && at >= since)
            .Select(x => new Preparation(x.ClearedBy!, $"cleared the red flag \"{x.Flag.Description}\"")));
        done.AddRange((referenceData ?? [])
            .Where(x => x.At >= since && (x.Country is null || string.Equals(x.Country, clinic.Country, StringComparison.OrdinalIgnoreCase)))
            .Select(x => new Preparation(x.By, x.What)));
        return done.Distinct().ToList();
    }

    public static IReadOnlyList<string> PreparedBy(IEnumerable<Preparation> preparation) =>
        preparation.Select(x => x.By).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>What stands between the case and approval, in words; empty when it can be approved.</summary>
    public static IReadOnlyList<string> WhatIsMissing(VettingCase vettingCase, ClinicStanding clinic, VettingRuleSet rules, DateTimeOffset now)
    {
        var missing = new List<string>();
        foreach (var check in vettingCase.Checks)
        {
            switch (check.Status)
            {
                case CheckStatus.Pending:
                    missing.Add($"{Label(check.Kind)}: no evidence recorded yet.");
                    break;
                case CheckStatus.Failed when check.HasBlockingFindings:
                    missing.AddRange(check.Findings.Where(x => x.Blocking).Select(x => $"{Label(check.Kind)}: {x.Message}"));
                    break;
                case CheckStatus.Failed:
                    missing.Add($"{Label(check.Kind)}: the latest evidence ({check.Evidence[^1].Reference}) failed.");
                    break;
                case CheckStatus.Waived when NeedsPrimarySource(check.Kind):
                    missing.Add($"{Label(check.Kind)}: cannot be waived; it needs primary-source evidence.");
                    break;
                case CheckStatus.Passed when NeedsPrimarySource(check.Kind) && !IsPrimarySource(check.Evidence[^1].Source):
                    missing.Add($"{Label(check.Kind)}: the evidence ({check.Evidence[^1].Reference}) is not from a primary source.");
                    break;
                case CheckStatus.Passed:
                    var evidence = check.Evidence[^1];
                    var age = (now - evidence.ObtainedAt).TotalDays;
                    if (age > rules.EvidenceFreshnessDays)
                    {
                        missing.Add($"{Label(check.Kind)}: the evidence ({evidence.Reference}) was obtained {evidence.ObtainedAt:yyyy-MM-dd}, {(int)age} days ago; at most {rules.EvidenceFreshnessDays} days are allowed.");
                    }

                    break;
            }
        }

        missing.AddRange(clinic.OpenRedFlags.Select(x => $"Open red flag: {x.Flag.Description}"));
        return missing;
    }

    public static (VettingCaseApproved Case, ClinicVettingApproved Clinic) Approve(VettingCase vettingCase, ClinicStanding clinic,
        VettingRuleSet rules, string approver, DateTimeOffset now, IEnumerable<ReferenceDataChange>? referenceData = null)
    {
        EnsureOpen(vettingCase);
        var preparedBy = EnsureFourEyes(vettingCase, clinic, approver, referenceData);
        var missing = WhatIsMissing(vettingCase, clinic, rules, now);
        if (missing.Count > 0)
        {
            throw new RuleViolation($"The case cannot be approved yet: {missing.Count} thing(s) missing.", missing);
        }

        var reverifyBy = now.AddMonths(rules.ReverificationMonths);
        return (new VettingCaseApproved(vettingCase.Id, clinic.Id, approver, now, reverifyBy, preparedBy),
            new ClinicVettingApproved(clinic.Id, vettingCase.Id, now, reverifyBy));
    }

    public static (VettingCaseRejected Case, ClinicVettingRejected Clinic) Reject(VettingCase vettingCase, ClinicStanding clinic, string reason,
        string approver, DateTimeOffset now, IEnumerable<ReferenceDataChange>? referenceData = null)
    {
        EnsureOpen(vettingCase);
        var preparedBy = EnsureFourEyes(vettingCase, clinic, approver, referenceData);
        return (new VettingCaseRejected(vettingCase.Id, vettingCase.ClinicId, approver, reason.Trim(), now, preparedBy),
            new ClinicVettingRejected(vettingCase.ClinicId, vettingCase.Id, reason.Trim(), now));
    }

    public static (RedFlagRaised Flag, ClinicSuspended? Suspension) RaiseRedFlag(ClinicStanding clinic, RedFlagCategory category,
        string description, string? excerpt, string raisedBy, DateTimeOffset now)
    {
        var flag = new RedFlag(Guid.CreateVersion7(), $"staff:{Guid.NewGuid():N}", category, description.Trim(), excerpt?.Trim(),
            Automatic: false, clinic.OpenCaseId, raisedBy, now);
        return (new RedFlagRaised(clinic.Id, flag), SuspendForFlag(clinic, flag, now));
    }

    /// <summary>A new red flag on an approved clinic takes it out of the ranking at once.</summary>
    public static ClinicSuspended? SuspendForFlag(ClinicStanding clinic, RedFlag flag, DateTimeOffset now) =>
        clinic.ApprovedCaseId is null
            ? null
            : new ClinicSuspended(clinic.Id, SuspensionCauses.RedFlag(flag.FlagId), $"Red flag raised: {flag.Description}", now);

    /// <summary>
    /// Clear a red flag with the reason. A flag the rules raised needs an approver (who then prepared the clinic's case). A
    /// suspension the flag caused stays until another approver approves the reinstatement.
    /// </summary>
    public static RedFlagCleared ClearRedFlag(ClinicStanding clinic, Guid flagId, string reason, string clearedBy, bool byApprover, DateTimeOffset now)
    {
        var flag = clinic.RedFlags.FirstOrDefault(x => x.Flag.FlagId == flagId) ?? throw new NotFound("Red flag", flagId);
        if (!flag.IsOpen)
        {
            throw new Conflict($"The red flag was already cleared by {flag.ClearedBy} on {flag.ClearedAt:yyyy-MM-dd}.");
        }

        if (flag.Flag.Automatic && !byApprover)
        {
            throw new Forbidden($"The vetting rules raised this red flag (\"{flag.Flag.Description}\"): only an approver may clear it, with the reason.",
                "rule-raised-red-flag-needs-an-approver", "an approver, who then may not decide the clinic's case");
        }

        return new RedFlagCleared(clinic.Id, flagId, reason.Trim(), clearedBy, now);
    }

    /// <summary>
    /// After a lapse, staff re-verify the renewed credential (only within the grace period; a longer lapse needs a new full
    /// case). The clinic stays suspended until an approver who did not re-verify it approves the reinstatement.
    /// </summary>
    public static IReadOnlyList<LapsedCredentialReverified> ReverifyLapses(ClinicStanding clinic, ClinicClaims claims, VettingRuleSet rules,
        string evidenceReference, string by, DateTimeOffset now)
    {
        if (clinic.Lapses.Count == 0)
        {
            throw new Conflict($"{clinic.Name} has no lapsed credential to re-verify.");
        }

        var waiting = clinic.Lapses.Where(x => x.ReverifiedBy is null).ToList();
        if (waiting.Count == 0)
        {
            throw new Conflict($"Every lapsed credential of {clinic.Name} is already re-verified ({string.Join(", ", clinic.Lapses.Select(x => x.ReverifiedBy).Distinct())}): an approver who did not re-verify it approves the reinstatement.");
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var reasons = new List<string>();
        foreach (var lapse in waiting)
        {
            if (now - lapse.LapsedAt > TimeSpan.FromDays(rules.LapseGraceDays))
            {
                reasons.Add($"The {lapse.Credential} lapsed on {lapse.LapsedAt:yyyy-MM-dd}, more than {rules.LapseGraceDays} days ago: a new full vetting case is needed.");
            }
            else if (claims.Credential(lapse.ClaimId) is not { } current || current.ValidUntil < today)
            {
                reasons.Add($"The {lapse.Credential} is still not valid: record the renewed credential first.");
            }
        }

        if (reasons.Count > 0)
        {
            throw new RuleViolation("The clinic cannot be reinstated.", reasons);
        }

        return waiting
            .Select(lapse => new LapsedCredentialReverified(clinic.Id, lapse.ClaimId, lapse.Credential, evidenceReference.Trim(), by, now))
            .ToList();
    }

    /// <summary>
    /// An approver puts a suspended clinic back for every cause someone else resolved: a red flag cleared, a lapsed credential
    /// re-verified and valid again. Four eyes: never for a cause the approver resolved themselves.
    /// </summary>
    public static IReadOnlyList<ClinicReinstated> ApproveReinstatement(ClinicStanding clinic, ClinicClaims? claims, string approver, DateTimeOffset now)
    {
        if (clinic.Suspensions.Count == 0)
        {
            throw new Conflict($"{clinic.Name} is not suspended.");
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var ready = new List<(string Cause, string Reason, Preparation By)>();
        var waiting = new List<string>();
        foreach (var suspension in clinic.Suspensions)
        {
            var flag = clinic.RedFlags.FirstOrDefault(x => SuspensionCauses.RedFlag(x.Flag.FlagId) == suspension.Cause);
            var lapse = clinic.Lapses.FirstOrDefault(x => SuspensionCauses.Credential(x.ClaimId) == suspension.Cause);
            if (flag is { IsOpen: false })
            {
                ready.Add((suspension.Cause, $"Red flag cleared by {flag.ClearedBy}: {flag.ClearReason}",
                    new Preparation(flag.ClearedBy!, $"cleared the red flag \"{flag.Flag.Description}\"")));
            }
            else if (flag is not null)
            {
                waiting.Add($"The red flag \"{flag.Flag.Description}\" is still open: clear it first, with the reason.");
            }
            else if (lapse is { ReverifiedBy: { } reverifiedBy }
                     && claims?.Credential(lapse.ClaimId) is { } current && current.ValidUntil >= today)
            {
                ready.Add((suspension.Cause, $"The {lapse.Credential} was renewed and re-verified by {reverifiedBy} ({lapse.ReverificationReference}).",
                    new Preparation(reverifiedBy, $"re-verified the {lapse.Credential}")));
            }
            else if (lapse is not null)
            {
                waiting.Add(lapse.ReverifiedBy is null
                    ? $"The {lapse.Credential} lapsed: staff re-verify the renewed credential first."
                    : $"The {lapse.Credential} is not valid on {today:yyyy-MM-dd}: record the renewed credential.");
            }
            else
            {
                waiting.Add($"{suspension.Reason}: only a new vetting case, approved, reinstates the clinic.");
            }
        }

        if (ready.Count == 0)
        {
            throw new RuleViolation($"Nothing resolved yet: {clinic.Name} stays suspended.", waiting);
        }

        var mine = ready.Where(x => string.Equals(x.By.By, approver, StringComparison.OrdinalIgnoreCase)).Select(x => $"{approver} {x.By.What}.").ToList();
        if (mine.Count > 0)
        {
            var preparedBy = PreparedBy(ready.Select(x => x.By));
            throw new RuleViolation("Four eyes: you resolved what suspended this clinic, so another approver must approve its reinstatement.", mine)
            {
                Extensions = { ["rule"] = FourEyesRule, ["whoMayAct"] = WhoMayAct(preparedBy), ["preparedBy"] = preparedBy },
            };
        }

        return ready
            .Select(x => new ClinicReinstated(clinic.Id, x.Cause, x.Reason, approver, now, [x.By.By]))
            .ToList();
    }

    private static void EnsureOpen(VettingCase vettingCase)
    {
        if (vettingCase.Status != CaseStatus.Open)
        {
            throw new Conflict($"The case was already {vettingCase.Status.ToString().ToLowerInvariant()} by {vettingCase.DecidedBy} on {vettingCase.DecidedAt:yyyy-MM-dd}.");
        }
    }

    /// <summary>The decider prepared none of the case; answers who did, for the decision's record.</summary>
    private static IReadOnlyList<string> EnsureFourEyes(VettingCase vettingCase, ClinicStanding clinic, string approver,
        IEnumerable<ReferenceDataChange>? referenceData)
    {
        var preparation = PreparationOf(vettingCase, clinic, referenceData);
        var preparedBy = PreparedBy(preparation);
        var mine = preparation.Where(x => string.Equals(x.By, approver, StringComparison.OrdinalIgnoreCase)).Select(x => $"{approver} {x.What}.")
            .Distinct().ToList();
        if (mine.Count > 0)
        {
            throw new RuleViolation("Four eyes: you prepared this case (opened it, recorded evidence, waived a check, cleared a red flag or changed the reference data it is checked against), so another approver must decide it.",
                mine)
            {
                Extensions = { ["rule"] = FourEyesRule, ["whoMayAct"] = WhoMayAct(preparedBy), ["preparedBy"] = preparedBy },
            };
        }

        return preparedBy;
    }

    private const string FourEyesRule = "four-eyes";

    private static string WhoMayAct(IReadOnlyList<string> preparedBy) => $"an approver other than {string.Join(", ", preparedBy)}";

    public static string Label(CheckKind kind) => kind switch
    {
        CheckKind.License => "License",
        CheckKind.TherapyApproval => "Therapy approval",
        CheckKind.Accreditations => "Accreditations",
        CheckKind.CellSource => "Cell type and source",
        CheckKind.MedicalTeam => "Medical team",
        CheckKind.TreatmentProtocol => "Treatment protocol",
        CheckKind.MedicalEvaluation => "Medical evaluation",
        CheckKind.PostTreatmentSupport => "Post-treatment support",
        CheckKind.ClaimsAndCommunication => "Claims and communication",
        _ => kind.ToString(),
    };
}
