using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.Cases;

namespace ClinicVetting.Vetting;

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
