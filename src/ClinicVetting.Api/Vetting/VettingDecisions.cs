using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Shared;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting;

public sealed record EvidenceInput(EvidenceOutcome Outcome, EvidenceSource Source, string Reference, DateTimeOffset ObtainedAt, string? Note);

/// <summary>The vetting rules as pure functions: state and command in, events out (or a refusal that says why).</summary>
public static class VettingDecisions
{
    public static (VettingCaseOpened Case, ClinicVettingCaseOpened Clinic) Open(ClinicProfile clinic, Guid caseId, VettingRuleSet rules,
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
    public static (AutomaticRulesApplied? Findings, IReadOnlyList<RedFlagRaised> Flags) ApplyRules(VettingCase vettingCase, ClinicProfile clinic,
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
            throw new RuleViolated("Evidence cannot be obtained in the future.", [$"obtainedAt {input.ObtainedAt:O} is after now ({now:O})"]);
        }

        var check = vettingCase[kind];
        if (input.Outcome == EvidenceOutcome.Passed && check.HasBlockingFindings)
        {
            throw new RuleViolated($"The {Label(kind)} check cannot pass while the automatic rules find problems.",
                check.Findings.Where(x => x.Blocking).Select(x => x.Message).ToList());
        }

        return new EvidenceRecorded(vettingCase.Id, kind, new Evidence(Guid.CreateVersion7(), input.Outcome, input.Source,
            input.Reference.Trim(), input.ObtainedAt, input.Note?.Trim(), recordedBy, now));
    }

    public static CheckWaived Waive(VettingCase vettingCase, CheckKind kind, string reason, string approver, DateTimeOffset now)
    {
        EnsureOpen(vettingCase);
        if (vettingCase[kind].Waiver is not null)
        {
            throw new Conflict($"The {Label(kind)} check is already waived.");
        }

        return new CheckWaived(vettingCase.Id, kind, new Waiver(reason.Trim(), approver, now));
    }

    /// <summary>What stands between the case and approval, in words; empty when it can be approved.</summary>
    public static IReadOnlyList<string> WhatIsMissing(VettingCase vettingCase, ClinicProfile clinic, VettingRuleSet rules, DateTimeOffset now)
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

    public static (VettingCaseApproved Case, ClinicVettingApproved Clinic) Approve(VettingCase vettingCase, ClinicProfile clinic,
        VettingRuleSet rules, string approver, DateTimeOffset now)
    {
        EnsureOpen(vettingCase);
        EnsureFourEyes(vettingCase, approver);
        var missing = WhatIsMissing(vettingCase, clinic, rules, now);
        if (missing.Count > 0)
        {
            throw new RuleViolated($"The case cannot be approved yet: {missing.Count} thing(s) missing.", missing);
        }

        var reverifyBy = now.AddMonths(rules.ReverificationMonths);
        return (new VettingCaseApproved(vettingCase.Id, clinic.Id, approver, now, reverifyBy),
            new ClinicVettingApproved(clinic.Id, vettingCase.Id, now, reverifyBy));
    }

    public static (VettingCaseRejected Case, ClinicVettingRejected Clinic) Reject(VettingCase vettingCase, string reason, string approver, DateTimeOffset now)
    {
        EnsureOpen(vettingCase);
        EnsureFourEyes(vettingCase, approver);
        return (new VettingCaseRejected(vettingCase.Id, vettingCase.ClinicId, approver, reason.Trim(), now),
            new ClinicVettingRejected(vettingCase.ClinicId, vettingCase.Id, reason.Trim(), now));
    }

    public static (RedFlagRaised Flag, ClinicSuspended? Suspension) RaiseRedFlag(ClinicProfile clinic, RedFlagCategory category,
        string description, string? excerpt, string raisedBy, DateTimeOffset now)
    {
        var flag = new RedFlag(Guid.CreateVersion7(), $"staff:{Guid.NewGuid():N}", category, description.Trim(), excerpt?.Trim(),
            Automatic: false, clinic.OpenCaseId, raisedBy, now);
        return (new RedFlagRaised(clinic.Id, flag), SuspendForFlag(clinic, flag, now));
    }

    /// <summary>A new red flag on an approved clinic takes it out of the ranking at once.</summary>
    public static ClinicSuspended? SuspendForFlag(ClinicProfile clinic, RedFlag flag, DateTimeOffset now) =>
        clinic.ApprovedCaseId is null
            ? null
            : new ClinicSuspended(clinic.Id, SuspensionCauses.RedFlag(flag.FlagId), $"Red flag raised: {flag.Description}", now);

    public static (RedFlagCleared Cleared, ClinicReinstated? Reinstated) ClearRedFlag(ClinicProfile clinic, Guid flagId, string reason,
        string clearedBy, DateTimeOffset now)
    {
        var flag = clinic.RedFlags.FirstOrDefault(x => x.Flag.FlagId == flagId) ?? throw new NotFound("Red flag", flagId);
        if (!flag.IsOpen)
        {
            throw new Conflict($"The red flag was already cleared by {flag.ClearedBy} on {flag.ClearedAt:yyyy-MM-dd}.");
        }

        var cause = SuspensionCauses.RedFlag(flagId);
        var reinstated = clinic.Suspensions.Any(x => x.Cause == cause)
            ? new ClinicReinstated(clinic.Id, cause, $"Red flag cleared: {reason.Trim()}", clearedBy, now)
            : null;
        return (new RedFlagCleared(clinic.Id, flagId, reason.Trim(), clearedBy, now), reinstated);
    }

    /// <summary>
    /// Back in the ranking after a lapse, once the credential is valid again and re-verified: only within the grace
    /// period; a longer lapse needs a new full case.
    /// </summary>
    public static IReadOnlyList<ClinicReinstated> ReinstateAfterLapse(ClinicProfile clinic, ClinicClaims claims, VettingRuleSet rules,
        string evidenceReference, string by, DateTimeOffset now)
    {
        if (clinic.Lapses.Count == 0)
        {
            throw new Conflict($"{clinic.Name} has no lapsed credential to re-verify.");
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var reasons = new List<string>();
        foreach (var lapse in clinic.Lapses)
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
            throw new RuleViolated("The clinic cannot be reinstated.", reasons);
        }

        return clinic.Lapses
            .Select(lapse => new ClinicReinstated(clinic.Id, SuspensionCauses.Credential(lapse.ClaimId),
                $"The {lapse.Credential} was renewed and re-verified ({evidenceReference.Trim()}).", by, now))
            .ToList();
    }

    private static void EnsureOpen(VettingCase vettingCase)
    {
        if (vettingCase.Status != CaseStatus.Open)
        {
            throw new Conflict($"The case was already {vettingCase.Status.ToString().ToLowerInvariant()} by {vettingCase.DecidedBy} on {vettingCase.DecidedAt:yyyy-MM-dd}.");
        }
    }

    private static void EnsureFourEyes(VettingCase vettingCase, string approver)
    {
        if (vettingCase.Preparers.Contains(approver, StringComparer.OrdinalIgnoreCase))
        {
            throw new RuleViolated("Four eyes: you prepared this case (opened it or recorded its evidence), so another approver must decide it.",
                [$"{approver} prepared this case."]);
        }
    }

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
