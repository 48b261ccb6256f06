namespace ClinicVetting.Audit.Integrity;

public static class GetLatestSealEndpoint
{
    /// <summary>
    /// The latest seal of the event log, signature included: keep it outside the database (a ticket, an e-mail, another
    /// system) and later ask <c>GET /api/audit/integrity?sealNo=..&amp;digest=..</c> whether the log still holds everything it covered.
    /// </summary>
    [WolverineGet("/api/audit/seals/latest", OperationId = "GetLatestSeal"), Authorize(Policy = Policies.Audit)]
    [Tags("Audit")]
    [ProducesResponseType<AuditSeal>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(AuditSealer sealer, CancellationToken cancellation) =>
        await sealer.Latest(cancellation) is { } seal
            ? Results.Ok(seal)
            : Results.Problem(Problems.Create(404, "No seal yet", "The event log has not been sealed yet: seals are made every Audit:SealEverySeconds."));
}
