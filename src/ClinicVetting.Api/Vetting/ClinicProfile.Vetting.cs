using ClinicVetting.Vetting;
using ClinicVetting.Clinics.Claims;

namespace ClinicVetting.Clinics;

public sealed record RedFlagState(RedFlag Flag, string? ClearedBy = null, string? ClearReason = null, DateTimeOffset? ClearedAt = null)
{
    public bool IsOpen => ClearedAt is null;
}

public sealed record Suspension(string Cause, string Reason, DateTimeOffset Since);

public sealed record CredentialLapse(Guid ClaimId, CredentialKind Kind, string Credential, DateOnly ValidUntil, DateTimeOffset LapsedAt,
    string? ReverifiedBy = null, string? ReverificationReference = null, DateTimeOffset? ReverifiedAt = null);

/// <summary>The vetting side of a clinic's profile: its case, decision, red flags and suspensions.</summary>
public sealed partial class ClinicProfile
{
    public Guid? OpenCaseId { get; set; }
    public Guid? ApprovedCaseId { get; set; }
    public DateTimeOffset? ApprovedAt { get; set; }
    public DateTimeOffset? ReverifyBy { get; set; }
    public Guid? RejectedCaseId { get; set; }

    /// <summary>When the latest case was approved or rejected: red flags cleared since then prepared the next case.</summary>
    public DateTimeOffset? LastDecisionAt { get; set; }
    public List<RedFlagState> RedFlags { get; set; } = [];
    public List<Suspension> Suspensions { get; set; } = [];
    public List<CredentialLapse> Lapses { get; set; } = [];

    /// <summary>"{claim}:{valid until}:{days}" of every reminder issued, so a replayed schedule never repeats one.</summary>
    public List<string> RemindersIssued { get; set; } = [];

    public IEnumerable<RedFlagState> OpenRedFlags => RedFlags.Where(x => x.IsOpen);

    public void Apply(ClinicVettingCaseOpened opened)
    {
        OpenCaseId = opened.CaseId;
        RecomputeStatus();
    }

    public void Apply(ClinicVettingApproved approved)
    {
        OpenCaseId = null;
        ApprovedCaseId = approved.CaseId;
        ApprovedAt = approved.ApprovedAt;
        ReverifyBy = approved.ReverifyBy;
        LastDecisionAt = approved.ApprovedAt;
        RejectedCaseId = null;
        Suspensions.Clear();
        Lapses.Clear();
        RecomputeStatus();
    }

    public void Apply(ClinicVettingRejected rejected)
    {
        OpenCaseId = null;
        ApprovedCaseId = null;
        ApprovedAt = null;
        ReverifyBy = null;
        RejectedCaseId = rejected.CaseId;
        LastDecisionAt = rejected.RejectedAt;
        RecomputeStatus();
    }

    public void Apply(RedFlagRaised raised) => RedFlags.Add(new RedFlagState(raised.Flag));

    public void Apply(RedFlagCleared cleared)
    {
        var index = RedFlags.FindIndex(x => x.Flag.FlagId == cleared.FlagId);
        if (index >= 0)
        {
            RedFlags[index] = RedFlags[index] with { ClearedBy = cleared.ClearedBy, ClearReason = cleared.Reason, ClearedAt = cleared.ClearedAt };
        }
    }

    public void Apply(CredentialExpiryReminderIssued issued) =>
        RemindersIssued.Add(ReminderKey(issued.ClaimId, issued.ValidUntil, issued.DaysBefore));

    public void Apply(CredentialLapsed lapsed) =>
        Lapses.Add(new CredentialLapse(lapsed.ClaimId, lapsed.Kind, lapsed.Credential, lapsed.ValidUntil, lapsed.LapsedAt));

    public void Apply(LapsedCredentialReverified reverified)
    {
        var index = Lapses.FindIndex(x => x.ClaimId == reverified.ClaimId);
        if (index >= 0)
        {
            Lapses[index] = Lapses[index] with
            {
                ReverifiedBy = reverified.ReverifiedBy, ReverificationReference = reverified.EvidenceReference, ReverifiedAt = reverified.ReverifiedAt,
            };
        }
    }

    public void Apply(ClinicSuspended suspended)
    {
        Suspensions.RemoveAll(x => x.Cause == suspended.Cause);
        Suspensions.Add(new Suspension(suspended.Cause, suspended.Reason, suspended.SuspendedAt));
        RecomputeStatus();
    }

    public void Apply(ClinicReinstated reinstated)
    {
        Suspensions.RemoveAll(x => x.Cause == reinstated.Cause);
        if (reinstated.Cause.StartsWith("credential:", StringComparison.Ordinal))
        {
            Lapses.RemoveAll(x => SuspensionCauses.Credential(x.ClaimId) == reinstated.Cause);
        }

        RecomputeStatus();
    }

    public static string ReminderKey(Guid claimId, DateOnly validUntil, int daysBefore) => $"{claimId}:{validUntil:yyyy-MM-dd}:{daysBefore}";

    private void RecomputeStatus() => Status =
        ApprovedCaseId is not null ? (Suspensions.Count > 0 ? ClinicStatus.Suspended : ClinicStatus.Approved)
        : RejectedCaseId is not null && OpenCaseId is null ? ClinicStatus.Rejected
        : OpenCaseId is not null ? ClinicStatus.UnderVetting
        : ClinicStatus.Registered;
}
