namespace ClinicVetting.Audit.Integrity;

/// <summary>Re-verify the whole event log in the background and renew every seal's stored verdict.</summary>
public sealed record ReverifyLog(Guid ReverificationId);

public sealed record NewLogReverification(Guid Id, string Status) : CreationResponse($"/api/audit/integrity/reverifications/{Id}");

public static class ReverifyLogEndpoint
{
    /// <summary>
    /// Start a re-verification of the whole event log: every event, every seal's digest, every stream, read again as
    /// one snapshot. It runs in the background (follow its progress at the Location answered); when it completes, every
    /// seal's stored verdict is the one it found, and <c>GET /api/audit/integrity</c> answers from those.
    /// </summary>
    [WolverinePost("/api/audit/integrity/reverifications", OperationId = "ReverifyEventLog"), Authorize(Policy = Policies.Audit)]
    [Tags("Audit")]
    public static async Task<NewLogReverification> Post(IMessageBus bus, LogReverificationRunner runner)
    {
        var requested = await bus.InvokeAsync<NewLogReverification>(new ReverifyLog(Guid.CreateVersion7()));
        // Committed by now: the runner finds it (a replayed request's re-verification is run once, however often it is told).
        runner.Enqueue(requested.Id);
        return requested;
    }
}

public static class ReverifyLogHandler
{
    public static NewLogReverification Handle(ReverifyLog command, IDocumentSession session, IMessageContext context,
        TimeProvider clock)
    {
        session.Store(new LogReverification
        {
            Id = command.ReverificationId,
            RequestedBy = Actor.Of(context),
            RequestedAt = clock.GetUtcNow(),
            Status = LogReverification.Queued,
        });
        return new NewLogReverification(command.ReverificationId, LogReverification.Queued);
    }
}
