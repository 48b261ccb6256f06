namespace ClinicVetting.Audit;

public sealed record EventPage(IReadOnlyList<LoggedEvent> Events, long? NextAfterSequence);

public static class BrowseEventsEndpoint
{
    public static ProblemDetails Validate(DateTimeOffset? from, DateTimeOffset? to, int? limit, long? afterSequence) => new FieldErrors()
        .When(from > to, "from", "must not be after to")
        .Range("limit", limit, 1, 500)
        .Range("afterSequence", afterSequence, 0, long.MaxValue)
        .ToProblem();

    /// <summary>
    /// The event log in sequence order, filtered by stream, event type (for example "evidence_recorded"), user and time
    /// range; pages continue from nextAfterSequence.
    /// </summary>
    [WolverineGet("/api/audit/events", OperationId = "BrowseEvents"), Authorize(Policy = Policies.Audit)]
    [Tags("Audit")]
    public static async Task<EventPage> Get(Guid? streamId, string? type, string? user, DateTimeOffset? from, DateTimeOffset? to,
        long? afterSequence, int? limit, IQuerySession session, CancellationToken cancellation)
    {
        var size = limit ?? 100;
        var after = afterSequence ?? 0;
        var query = session.Events.QueryAllRawEvents().Where(x => x.Sequence > after);
        if (streamId is { } stream) query = query.Where(x => x.StreamId == stream);
        if (!string.IsNullOrWhiteSpace(type)) query = query.Where(x => x.EventTypeName == type);
        if (!string.IsNullOrWhiteSpace(user)) query = query.Where(x => x.UserName == user);
        if (from is { } start) query = query.Where(x => x.Timestamp >= start);
        if (to is { } end) query = query.Where(x => x.Timestamp <= end);

        var events = await query.OrderBy(x => x.Sequence).Take(size + 1).ToListAsync(cancellation);
        var page = events.Take(size).Select(x => new LoggedEvent(EventRef.Of(x), x.Data)).ToList();
        return new EventPage(page, events.Count > size ? page[^1].Event.Sequence : null);
    }
}
