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
    DateTimeOffset RecordedAt);

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

public sealed record CheckWaived(Guid CaseId, CheckKind Check, Waiver Waiver);

/// <summary>PreparedBy: everyone who prepared the case (opened it, recorded evidence, waived a check, cleared a red flag); null on older events.</summary>
public sealed record VettingCaseApproved(Guid CaseId, Guid ClinicId, string DecidedBy, DateTimeOffset DecidedAt, DateTimeOffset ReverifyBy,
    IReadOnlyList<string>? PreparedBy = null);

public sealed record VettingCaseRejected(Guid CaseId, Guid ClinicId, string DecidedBy, string Reason, DateTimeOffset DecidedAt,
    IReadOnlyList<string>? PreparedBy = null);

public sealed record VettingDecisionNoticeSent(Guid CaseId, Guid ClinicId, CaseStatus Decision, string Channel, DateTimeOffset SentAt);

public sealed class Check
{
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
