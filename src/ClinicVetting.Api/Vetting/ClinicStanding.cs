using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.Cases;

namespace ClinicVetting.Vetting;

public enum ClinicStatus
{
    Registered,
    UnderVetting,
    Approved,
    Rejected,
    Suspended,
}

public enum RedFlagCategory
{
    UnapprovedUsTherapy,
    ExperimentalCellsOutsideTrial,
    GuaranteedResults,
    CureClaim,
    RiskDenial,
    Testimonials,
    NoHealthHistory,
    UndocumentedCellSource,
    Other,
}

/// <summary>
/// A red flag on a clinic. Automatic flags carry a key (what raised them) so the rules never raise the same one
/// twice, even after staff cleared it.
/// </summary>
public sealed record RedFlag(
    Guid FlagId,
    string Key,
    RedFlagCategory Category,
    string Description,
    string? Excerpt,
    bool Automatic,
    Guid? CaseId,
    string RaisedBy,
    DateTimeOffset RaisedAt);

// Vetting events on the clinic's own stream: they change what the clinic is (status, flags, suspensions).
public sealed record RedFlagRaised(Guid ClinicId, RedFlag Flag);

public sealed record RedFlagCleared(Guid ClinicId, Guid FlagId, string Reason, string ClearedBy, DateTimeOffset ClearedAt);

public sealed record ClinicVettingCaseOpened(Guid ClinicId, Guid CaseId, CaseOpening Opening);

public sealed record ClinicVettingApproved(Guid ClinicId, Guid CaseId, DateTimeOffset ApprovedAt, DateTimeOffset ReverifyBy);

public sealed record ClinicVettingRejected(Guid ClinicId, Guid CaseId, string Reason, DateTimeOffset RejectedAt);

public sealed record CredentialExpiryReminderIssued(Guid ClinicId, Guid ClaimId, CredentialKind Kind, string Credential,
    DateOnly ValidUntil, int DaysBefore, DateTimeOffset IssuedAt);

public sealed record CredentialLapsed(Guid ClinicId, Guid ClaimId, CredentialKind Kind, string Credential, DateOnly ValidUntil,
    DateTimeOffset LapsedAt);

public sealed record ReverificationFellDue(Guid ClinicId, Guid CaseId, DateTimeOffset DueAt);

/// <summary>The clinic leaves the ranking until the cause is resolved. Causes: "credential:{id}", "red-flag:{id}", "reverification".</summary>
public sealed record ClinicSuspended(Guid ClinicId, string Cause, string Reason, DateTimeOffset SuspendedAt);

/// <summary>Staff re-verified a lapsed credential after its renewal; an approver other than them reinstates the clinic.</summary>
public sealed record LapsedCredentialReverified(Guid ClinicId, Guid ClaimId, string Credential, string EvidenceReference, string ReverifiedBy,
    DateTimeOffset ReverifiedAt);

/// <summary>An approver put the clinic back; PreparedBy: who cleared the flag or re-verified the credential (null on older events).</summary>
public sealed record ClinicReinstated(Guid ClinicId, string Cause, string Reason, string ReinstatedBy, DateTimeOffset ReinstatedAt,
    IReadOnlyList<string>? PreparedBy = null);

public static class SuspensionCauses
{
    public const string Reverification = "reverification";
    public static string Credential(Guid claimId) => $"credential:{claimId}";
    public static string RedFlag(Guid flagId) => $"red-flag:{flagId}";
}

public sealed record RedFlagState(RedFlag Flag, string? ClearedBy = null, string? ClearReason = null, DateTimeOffset? ClearedAt = null)
{
    public bool IsOpen => ClearedAt is null;
}

public sealed record Suspension(string Cause, string Reason, DateTimeOffset Since);

public sealed record CredentialLapse(Guid ClaimId, CredentialKind Kind, string Credential, DateOnly ValidUntil, DateTimeOffset LapsedAt,
    string? ReverifiedBy = null, string? ReverificationReference = null, DateTimeOffset? ReverifiedAt = null);

/// <summary>
/// Vetting's view of a clinic's stream: its case, decision, red flags, lapses and suspensions (with the name and country
/// the registry's events give it). The write model of vetting's decisions on the clinic and, kept inline, a published
/// read model (the ranking reads who is approved and who is suspended from it).
/// </summary>
[Published]
public sealed partial class ClinicStanding
{
    public Guid Id { get; set; }
    public long Version { get; set; }
    public string Name { get; set; } = "";
    public string Country { get; set; } = "";
    public string CountryName { get; set; } = "";
    public DateTimeOffset RegisteredAt { get; set; }

    public ClinicStatus Status { get; set; } = ClinicStatus.Registered;
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

    public static ClinicStanding Create(ClinicRegistered registered) => new()
    {
        Id = registered.ClinicId,
        Name = registered.Details.Name,
        Country = registered.Details.Country,
        CountryName = Countries.NameOf.GetValueOrDefault(registered.Details.Country, registered.Details.Country),
        RegisteredAt = registered.RegisteredAt,
    };

    public void Apply(ClinicProfileUpdated updated)
    {
        Name = updated.Details.Name;
        Country = updated.Details.Country;
        CountryName = Countries.NameOf.GetValueOrDefault(updated.Details.Country, updated.Details.Country);
    }

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

    /// <summary>A new red flag on an approved clinic takes it out of the ranking at once.</summary>
    public ClinicSuspended? SuspensionFor(RedFlag flag, DateTimeOffset now) =>
        ApprovedCaseId is null ? null : new ClinicSuspended(Id, SuspensionCauses.RedFlag(flag.FlagId), $"Red flag raised: {flag.Description}", now);

    public static string ReminderKey(Guid claimId, DateOnly validUntil, int daysBefore) => $"{claimId}:{validUntil:yyyy-MM-dd}:{daysBefore}";

    private void RecomputeStatus() => Status =
        ApprovedCaseId is not null ? (Suspensions.Count > 0 ? ClinicStatus.Suspended : ClinicStatus.Approved)
        : RejectedCaseId is not null && OpenCaseId is null ? ClinicStatus.Rejected
        : OpenCaseId is not null ? ClinicStatus.UnderVetting
        : ClinicStatus.Registered;
}
