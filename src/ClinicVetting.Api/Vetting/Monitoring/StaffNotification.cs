namespace ClinicVetting.Vetting.Monitoring;

public enum NotificationKind
{
    ExpiryReminder,
    CredentialLapsed,
    ClinicSuspended,
    LicenseLookupNeeded,
    ReverificationDue,
    DecisionNoticeSent,
}

/// <summary>Something staff must know or do; written in the same transaction as the event behind it.</summary>
public sealed class StaffNotification
{
    public Guid Id { get; set; }
    public NotificationKind Kind { get; set; }
    public Guid ClinicId { get; set; }
    public string ClinicName { get; set; } = "";
    public Guid? CaseId { get; set; }
    public string Message { get; set; } = "";
    public DateTimeOffset? DueAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public static StaffNotification Of(NotificationKind kind, Guid clinicId, string clinicName, string message, DateTimeOffset now,
        DateTimeOffset? dueAt = null, Guid? caseId = null) => new()
    {
        Id = Guid.CreateVersion7(),
        Kind = kind,
        ClinicId = clinicId,
        ClinicName = clinicName,
        CaseId = caseId,
        Message = message,
        DueAt = dueAt,
        CreatedAt = now,
    };
}
