using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ClinicVetting.Audit.Exports;

public static class ExportEventsEndpoint
{
    public static readonly string[] Header =
        ["sequence", "stream_id", "version", "type", "timestamp", "user", "correlation_id", "causation_id", "data"];

    /// <summary>The OpenAPI document's example of the answer.</summary>
    public static string ExampleAnswer => Csv.Line(Header) + Csv.Line([
        1042, "0195f1c2-7a4e-7c31-9d2b-3f5e8a1b2c01", 1, "clinic_registered", "2026-02-20T08:00:00Z", "alice", "4bf92f3577b34da6a3ce929d0e0e4736", "",
        "{\"clinicId\":\"0195f1c2-7a4e-7c31-9d2b-3f5e8a1b2c01\",\"details\":{\"name\":\"Bangkok Regenerative Medicine Centre\",\"city\":\"Bangkok\",\"country\":\"TH\"}}"]);

    public static ProblemDetails Validate(long? fromSequence, long? toSequence, DateTimeOffset? from, DateTimeOffset? to) => new FieldErrors()
        .Range("fromSequence", fromSequence, 1, long.MaxValue)
        .Range("toSequence", toSequence, 1, long.MaxValue)
        .When(fromSequence > toSequence, "fromSequence", "must not be after toSequence")
        .When(from > to, "from", "must not be after to")
        .ToProblem();

    /// <summary>
    /// A range of the event log in sequence order: from <c>fromSequence</c> to <c>toSequence</c> (both included) and/or from
    /// <c>from</c> to <c>to</c> (timestamps, both included); the whole log when no bound is given. Each event with its stream,
    /// version, type, time, user, correlation and causation ids and its data as JSON.
    /// </summary>
    [WolverineGet("/api/audit/exports/events.csv", OperationId = "ExportEvents"), Authorize(Policy = Policies.Audit)]
    [Tags("Audit exports")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/csv")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static IResult Get(long? fromSequence, long? toSequence, DateTimeOffset? from, DateTimeOffset? to) =>
        new CsvResult(FileName(fromSequence, toSequence), Header, (session, cancellation) => Rows(session, fromSequence, toSequence, from, to, cancellation));

    private static string FileName(long? fromSequence, long? toSequence) =>
        fromSequence is null && toSequence is null ? "event-log.csv" : $"event-log-{fromSequence ?? 1}-{toSequence?.ToString() ?? "latest"}.csv";

    private static async IAsyncEnumerable<object?[]> Rows(IQuerySession session, long? fromSequence, long? toSequence, DateTimeOffset? from,
        DateTimeOffset? to, [EnumeratorCancellation] CancellationToken cancellation)
    {
        IQueryable<JasperFx.Events.IEvent> query = session.Events.QueryAllRawEvents();
        if (fromSequence is { } first) query = query.Where(x => x.Sequence >= first);
        if (toSequence is { } last) query = query.Where(x => x.Sequence <= last);
        if (from is { } start) query = query.Where(x => x.Timestamp >= start);
        if (to is { } end) query = query.Where(x => x.Timestamp <= end);

        var serializer = session.DocumentStore.Options.Serializer();
        await foreach (var e in query.OrderBy(x => x.Sequence).ToAsyncEnumerable(cancellation).WithCancellation(cancellation))
        {
            yield return [e.Sequence, e.StreamId, e.Version, e.EventTypeName, e.Timestamp, e.UserName, e.CorrelationId, e.CausationId, serializer.ToJson(e.Data)];
        }
    }
}
