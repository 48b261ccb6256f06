using Marten.Pagination;

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

public static class ListNotificationsEndpoint
{
    /// <summary>What staff have been told: expiry reminders, lapses, suspensions, look-ups to do; newest first.</summary>
    [WolverineGet("/api/vetting/notifications", OperationId = "ListStaffNotifications"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Vetting")]
    public static async Task<Page<StaffNotification>> Get(Guid? clinicId, NotificationKind? kind, int? page, int? pageSize,
        IQuerySession session, CancellationToken cancellation)
    {
        var (number, size) = Paging.Normalize(page, pageSize);
        IQueryable<StaffNotification> query = session.Query<StaffNotification>();
        if (clinicId is { } clinic)
        {
            query = query.Where(x => x.ClinicId == clinic);
        }

        if (kind is { } wanted)
        {
            query = query.Where(x => x.Kind == wanted);
        }

        var results = await query.OrderByDescending(x => x.CreatedAt).ToPagedListAsync(number, size, cancellation);
        return new Page<StaffNotification>(results.ToList(), number, size, results.TotalItemCount);
    }
}
