using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting.Cases;

/// <summary>DOMAIN.md's nine checks, in its order.</summary>
public enum CheckKind
{
    License,
    TherapyApproval,
    Accreditations,
    CellSource,
    MedicalTeam,
    TreatmentProtocol,
    MedicalEvaluation,
    PostTreatmentSupport,
    ClaimsAndCommunication,
}

public enum CheckStatus
{
    Pending,
    Passed,
    Failed,
    Waived,
}

public enum EvidenceOutcome
{
    Passed,
    Failed,
}

public enum EvidenceSource
{
    RegistryApi,
    RegistryPage,
    Document,
    Call,
    Email,
    SiteVisit,
    Other,
}

public enum CaseOpening
{
    Initial,
    Reverification,
    AfterLapse,
}

public enum CaseStatus
{
    Open,
    Approved,
    Rejected,
}

/// <summary>What an automatic rule found; a blocking finding keeps the check from passing.</summary>
public sealed record Finding(string Code, string Message, bool Blocking = true);

/// <summary>What was looked at, where, when, by whom, and what it showed.</summary>
public sealed record Evidence(
    Guid EvidenceId,
    EvidenceOutcome Outcome,
    EvidenceSource Source,
    string Reference,
    DateTimeOffset ObtainedAt,
    string? Note,
    string RecordedBy,
    DateTimeOffset RecordedAt,
    // Left out when absent, so evidence stored before documents existed reads back exactly as stored.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<EvidenceDocument>? Documents = null);

/// <summary>A file kept with a piece of evidence: its content's SHA-256 (its name in the document store), as uploaded.</summary>
public sealed record EvidenceDocument(string Sha256, string FileName, string ContentType, long Size);

public sealed record Waiver(string Reason, string WaivedBy, DateTimeOffset WaivedAt);

/// <summary>A look-up at the regulator that a person has to do (no registry API on file).</summary>
public sealed record LicenseLookupTask(Guid TaskId, string Authority, string? RegistryUrl, string Instructions, DateTimeOffset CreatedAt);

// Events of a vetting case's stream.
public sealed record VettingCaseOpened(Guid CaseId, Guid ClinicId, CaseOpening Opening, IReadOnlyList<CheckKind> Checks,
    string OpenedBy, DateTimeOffset OpenedAt);

/// <summary>The automatic rules' findings per check, recorded when they change (claims, rules or regulators changed).</summary>
public sealed record AutomaticRulesApplied(Guid CaseId, IReadOnlyDictionary<CheckKind, IReadOnlyList<Finding>> Findings,
    long RulesVersion, long RegulatorsVersion, DateTimeOffset AppliedAt);

public sealed record LicenseLookupRequested(Guid CaseId, LicenseLookupTask Task);

public sealed record EvidenceRecorded(Guid CaseId, CheckKind Check, Evidence Evidence);

/// <summary>Files attached to evidence already recorded; each file's hash puts its content under the event log's hash chain.</summary>
public sealed record EvidenceDocumentsAttached(Guid CaseId, CheckKind Check, Guid EvidenceId, IReadOnlyList<EvidenceDocument> Documents,
    string AttachedBy, DateTimeOffset AttachedAt);

public sealed record CheckWaived(Guid CaseId, CheckKind Check, Waiver Waiver);

/// <summary>PreparedBy: everyone who prepared the case (opened it, recorded evidence, waived a check, changed a claim, cleared a red flag); null on older events.</summary>
public sealed record VettingCaseApproved(Guid CaseId, Guid ClinicId, string DecidedBy, DateTimeOffset DecidedAt, DateTimeOffset ReverifyBy,
    IReadOnlyList<string>? PreparedBy = null);

public sealed record VettingCaseRejected(Guid CaseId, Guid ClinicId, string DecidedBy, string Reason, DateTimeOffset DecidedAt,
    IReadOnlyList<string>? PreparedBy = null);

public sealed record VettingDecisionNoticeSent(Guid CaseId, Guid ClinicId, CaseStatus Decision, string Channel, DateTimeOffset SentAt);

public sealed class Check
{
    public const string PrimarySourceRule = "primary-source-required";

    public const string PrimarySourceWords = "the regulator's registry (API or page), or a call, e-mail or document from the regulator itself";

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

    /// <summary>The license and the therapy approval are confirmed with the regulator itself (DOMAIN.md, NCQA primary-source verification).</summary>
    public static bool NeedsPrimarySource(CheckKind kind) => kind is CheckKind.License or CheckKind.TherapyApproval;

    /// <summary>What the regulator itself answers: its registry, or a call, e-mail or document from it; not a site visit or hearsay.</summary>
    public static bool IsPrimarySource(EvidenceSource source) =>
        source is EvidenceSource.RegistryApi or EvidenceSource.RegistryPage or EvidenceSource.Call or EvidenceSource.Email or EvidenceSource.Document;

    public CheckKind Kind { get; set; }
    public List<Finding> Findings { get; set; } = [];
    public List<Evidence> Evidence { get; set; } = [];
    public Waiver? Waiver { get; set; }

    public bool HasBlockingFindings => Findings.Any(x => x.Blocking);

    /// <summary>A standing blocking finding is Failed even when waived (a waiver says a check does not apply, not that a problem is fine).</summary>
    public CheckStatus Status =>
        HasBlockingFindings ? CheckStatus.Failed
        : Waiver is not null ? CheckStatus.Waived
        : Evidence.Count == 0 ? CheckStatus.Pending
        : Evidence[^1].Outcome == EvidenceOutcome.Passed ? CheckStatus.Passed
        : CheckStatus.Failed;
}

/// <summary>Something a person did to a case or its clinic that makes them one of its preparers ("waived the Cell type and source check").</summary>
public sealed record Preparation(string By, string What)
{
    public const string FourEyesRule = "four-eyes";

    public static IReadOnlyList<string> People(IEnumerable<Preparation> preparation) =>
        preparation.Select(x => x.By).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public static string WhoMayAct(IReadOnlyList<string> preparedBy) => $"an approver other than {string.Join(", ", preparedBy)}";

    /// <summary>Four eyes: a 422 naming what the decider did themselves, when they did any of it.</summary>
    public static void EnsureNotBy(IReadOnlyList<Preparation> preparation, string decider, string refusal)
    {
        var mine = preparation.Where(x => string.Equals(x.By, decider, StringComparison.OrdinalIgnoreCase)).Select(x => $"{decider} {x.What}.")
            .Distinct().ToList();
        if (mine.Count > 0)
        {
            var preparedBy = People(preparation);
            throw new RuleViolation(refusal, mine)
            {
                Extensions = { ["rule"] = FourEyesRule, ["whoMayAct"] = WhoMayAct(preparedBy), ["preparedBy"] = preparedBy },
            };
        }
    }
}

/// <summary>A vetting case: the write model of its stream and, kept inline, the case view.</summary>
[Published]
public sealed partial class VettingCase
{
    public Guid Id { get; set; }
    public long Version { get; set; }
    public Guid ClinicId { get; set; }
    public CaseOpening Opening { get; set; }
    public CaseStatus Status { get; set; }
    public string OpenedBy { get; set; } = "";
    public DateTimeOffset OpenedAt { get; set; }
    public List<Check> Checks { get; set; } = [];
    public List<LicenseLookupTask> LookupTasks { get; set; } = [];
    public long? RulesVersion { get; set; }
    public long? RegulatorsVersion { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? RejectionReason { get; set; }
    public DateTimeOffset? ReverifyBy { get; set; }
    public DateTimeOffset? NoticeSentAt { get; set; }

    /// <summary>Who prepared the case, as its decision recorded them.</summary>
    public List<string> PreparedBy { get; set; } = [];

    public Check this[CheckKind kind] => Checks.Single(x => x.Kind == kind);

    public void EnsureOpen()
    {
        if (Status != CaseStatus.Open)
        {
            throw new Conflict($"The case was already {Status.ToString().ToLowerInvariant()} by {DecidedBy} on {DecidedAt:yyyy-MM-dd}.");
        }
    }

    /// <summary>What stands between the case and approval, in words; empty when it can be approved.</summary>
    public IReadOnlyList<string> WhatIsMissing(ClinicStanding clinic, VettingRuleSet rules, DateTimeOffset now)
    {
        var missing = new List<string>();
        foreach (var check in Checks)
        {
            var label = Check.Label(check.Kind);
            switch (check.Status)
            {
                case CheckStatus.Pending:
                    missing.Add($"{label}: no evidence recorded yet.");
                    break;
                case CheckStatus.Failed when check.HasBlockingFindings:
                    missing.AddRange(check.Findings.Where(x => x.Blocking).Select(x => $"{label}: {x.Message}"));
                    break;
                case CheckStatus.Failed:
                    missing.Add($"{label}: the latest evidence ({check.Evidence[^1].Reference}) failed.");
                    break;
                case CheckStatus.Waived when Check.NeedsPrimarySource(check.Kind):
                    missing.Add($"{label}: cannot be waived; it needs primary-source evidence.");
                    break;
                case CheckStatus.Passed when Check.NeedsPrimarySource(check.Kind) && !Check.IsPrimarySource(check.Evidence[^1].Source):
                    missing.Add($"{label}: the evidence ({check.Evidence[^1].Reference}) is not from a primary source.");
                    break;
                case CheckStatus.Passed:
                    var evidence = check.Evidence[^1];
                    var age = (now - evidence.ObtainedAt).TotalDays;
                    if (age > rules.EvidenceFreshnessDays)
                    {
                        missing.Add($"{label}: the evidence ({evidence.Reference}) was obtained {evidence.ObtainedAt:yyyy-MM-dd}, {(int)age} days ago; at most {rules.EvidenceFreshnessDays} days are allowed.");
                    }

                    break;
            }
        }

        missing.AddRange(clinic.OpenRedFlags.Select(x => $"Open red flag: {x.Flag.Description}"));
        return missing;
    }

    /// <summary>
    /// Everyone who prepared the case, and how: opened it, recorded evidence, waived a check, changed the clinic's claims
    /// while it was open (<see cref="ClaimChanges"/>), or, since the clinic's last decision (its registration if none), cleared
    /// one of its red flags, changed its country's regulator or published the vetting rules (each of these can be what lets
    /// the case through). They may not decide it.
    /// </summary>
    public IReadOnlyList<Preparation> PreparationOf(ClinicStanding clinic, IEnumerable<ReferenceDataChange>? referenceData = null,
        IEnumerable<Preparation>? claimChanges = null)
    {
        var since = clinic.LastDecisionAt ?? clinic.RegisteredAt;
        var done = new List<Preparation> { new(OpenedBy, "opened the case") };
        foreach (var check in Checks)
        {
            done.AddRange(check.Evidence.Select(x => new Preparation(x.RecordedBy, $"recorded evidence on the {Check.Label(check.Kind)} check")));
            if (check.Waiver is { } waiver)
            {
                done.Add(new Preparation(waiver.WaivedBy, $"waived the {Check.Label(check.Kind)} check"));
            }
        }

        done.AddRange(clinic.RedFlags
            .Where(x => x is { ClearedBy: not null, ClearedAt: { } at } && at >= since)
            .Select(x => new Preparation(x.ClearedBy!, $"cleared the red flag \"{x.Flag.Description}\"")));
        done.AddRange((referenceData ?? [])
            .Where(x => x.At >= since && (x.Country is null || string.Equals(x.Country, clinic.Country, StringComparison.OrdinalIgnoreCase)))
            .Select(x => new Preparation(x.By, x.What)));
        done.AddRange(claimChanges ?? []);
        return done.Distinct().ToList();
    }

    /// <summary>An open case decided by nobody who prepared it; answers who did, for the decision's record.</summary>
    public IReadOnlyList<string> EnsureDecidableBy(string decider, ClinicStanding clinic, IEnumerable<ReferenceDataChange>? referenceData,
        IEnumerable<Preparation>? claimChanges = null)
    {
        EnsureOpen();
        var preparation = PreparationOf(clinic, referenceData, claimChanges);
        Preparation.EnsureNotBy(preparation, decider,
            "Four eyes: you prepared this case (opened it, recorded evidence, waived a check, changed the clinic's claims while it was open, cleared a red flag or changed the reference data it is checked against), so another approver must decide it.");
        return Preparation.People(preparation);
    }

    public void Apply(VettingCaseOpened opened)
    {
        Id = opened.CaseId;
        ClinicId = opened.ClinicId;
        Opening = opened.Opening;
        Status = CaseStatus.Open;
        OpenedBy = opened.OpenedBy;
        OpenedAt = opened.OpenedAt;
        Checks = opened.Checks.Select(kind => new Check { Kind = kind }).ToList();
    }

    public void Apply(AutomaticRulesApplied applied)
    {
        foreach (var check in Checks)
        {
            check.Findings = applied.Findings.TryGetValue(check.Kind, out var findings) ? [.. findings] : [];
        }

        RulesVersion = applied.RulesVersion;
        RegulatorsVersion = applied.RegulatorsVersion;
    }

    public void Apply(LicenseLookupRequested requested) => LookupTasks.Add(requested.Task);

    public void Apply(EvidenceRecorded recorded)
    {
        this[recorded.Check].Evidence.Add(recorded.Evidence);
        if (recorded.Check == CheckKind.License)
        {
            LookupTasks.Clear();
        }
    }

    public void Apply(EvidenceDocumentsAttached attached)
    {
        var evidence = this[attached.Check].Evidence;
        var index = evidence.FindIndex(x => x.EvidenceId == attached.EvidenceId);
        if (index >= 0)
        {
            evidence[index] = evidence[index] with { Documents = [.. evidence[index].Documents ?? [], .. attached.Documents] };
        }
    }

    public void Apply(CheckWaived waived) => this[waived.Check].Waiver = waived.Waiver;

    public void Apply(VettingCaseApproved approved)
    {
        Status = CaseStatus.Approved;
        DecidedBy = approved.DecidedBy;
        DecidedAt = approved.DecidedAt;
        ReverifyBy = approved.ReverifyBy;
        PreparedBy = [.. approved.PreparedBy ?? []];
    }

    public void Apply(VettingCaseRejected rejected)
    {
        Status = CaseStatus.Rejected;
        DecidedBy = rejected.DecidedBy;
        DecidedAt = rejected.DecidedAt;
        RejectionReason = rejected.Reason;
        PreparedBy = [.. rejected.PreparedBy ?? []];
    }

    public void Apply(VettingDecisionNoticeSent sent) => NoticeSentAt = sent.SentAt;
}
