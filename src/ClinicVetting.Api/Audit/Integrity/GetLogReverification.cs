namespace ClinicVetting.Audit.Integrity;

public static class GetLogReverificationEndpoint
{
    /// <summary>A re-verification of the event log: queued, running (events checked of the total), completed with its report, or failed.</summary>
    [WolverineGet("/api/audit/integrity/reverifications/{reverificationId}", OperationId = "GetEventLogReverification"),
     Authorize(Policy = Policies.Audit)]
    [Tags("Audit")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static Task<LogReverification?> Get(Guid reverificationId, IQuerySession session, CancellationToken cancellation) =>
        session.LoadAsync<LogReverification>(reverificationId, cancellation);
}
