namespace ClinicVetting.Notifications;

public static class ListNoticeDeliveriesEndpoint
{
    /// <summary>
    /// The notices e-mailed to clinics and what became of each: sent, retrying (with the next attempt and the last error),
    /// failed for good, or no address on file; newest first. Each carries the Message-ID its e-mails were sent with.
    /// </summary>
    [WolverineGet("/api/notifications/notices", OperationId = "ListNoticeDeliveries"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Notifications")]
    public static async Task<Page<NoticeDelivery>> Get(Guid? clinicId, DeliveryStatus? status, int? page, int? pageSize, IQuerySession session,
        CancellationToken cancellation)
    {
        IQueryable<NoticeDelivery> query = session.Query<NoticeDelivery>();
        if (clinicId is { } clinic)
        {
            query = query.Where(x => x.ClinicId == clinic);
        }

        if (status is { } wanted)
        {
            query = query.Where(x => x.Status == wanted);
        }

        return await query.OrderByDescending(x => x.CreatedAt).ThenBy(x => x.Id).ToPageAsync(page, pageSize, cancellation);
    }
}
