namespace ClinicVetting.Audit.Integrity;

/// <summary>Re-verify the whole event log in the background and renew every seal's stored verdict.</summary>
public sealed record ReverifyLog(Guid ReverificationId);

public sealed record NewLogReverification(Guid Id, string Status) : CreationResponse($"/api/audit/integrity/reverifications/{Id}");

/// <summary>Tells this node's runner, once the request is committed, that a re-verification waits.</summary>
public sealed record RunLogReverification(Guid ReverificationId);

public static class ReverifyLogEndpoint
{
    /// <summary>
    /// Start a re-verification of the whole event log: every event, every seal's digest, every stream, read again as
    /// one snapshot. It runs in the background (follow its progress at the Location answered); when it completes, every
    /// seal's stored verdict is the one it found, and <c>GET /api/audit/integrity</c> answers from those.
    /// </summary>
    [WolverinePost("/api/audit/integrity/reverifications", OperationId = "ReverifyEventLog"), Authorize(Policy = Policies.Audit)]
    [Tags("Audit")]
    public static Task<NewLogReverification> Post(IMessageBus bus) =>
        bus.InvokeAsync<NewLogReverification>(new ReverifyLog(Guid.CreateVersion7()));
}

public static class ReverifyLogHandler
{
    public static (NewLogReverification, RunLogReverification) Handle(ReverifyLog command, IDocumentSession session, IMessageContext context,
        TimeProvider clock)
    {
        session.Store(new LogReverification
        {
            Id = command.ReverificationId,
            RequestedBy = Actor.Of(context),
            RequestedAt = clock.GetUtcNow(),
            Status = LogReverification.Queued,
        });
        return (new NewLogReverification(command.ReverificationId, LogReverification.Queued), new RunLogReverification(command.ReverificationId));
    }
}

public static class RunLogReverificationHandler
{
    public static void Handle(RunLogReverification command, LogReverificationRunner runner) => runner.Enqueue(command.ReverificationId);
}
