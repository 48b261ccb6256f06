namespace ClinicVetting.Vetting.Monitoring;

public static class ListStaffNotificationsEndpoint
{
    /// <summary>What staff have been told: expiry reminders, lapses, suspensions, look-ups to do; newest first.</summary>
    [WolverineGet("/api/vetting/notifications", OperationId = "ListStaffNotifications"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Vetting")]
    public static async Task<Page<StaffNotification>> Get(Guid? clinicId, NotificationKind? kind, int? page, int? pageSize,
        IQuerySession session, CancellationToken cancellation)
    {
        IQueryable<StaffNotification> query = session.Query<StaffNotification>();
        if (clinicId is { } clinic)
        {
            query = query.Where(x => x.ClinicId == clinic);
        }

        if (kind is { } wanted)
        {
            query = query.Where(x => x.Kind == wanted);
        }

        return await query.OrderByDescending(x => x.CreatedAt).ToPageAsync(page, pageSize, cancellation);
    }
}
