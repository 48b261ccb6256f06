namespace ClinicVetting.Audit;

public static class ReplayEditionEndpoint
{
    /// <summary>
    /// Recompute edition n from the events up to its recorded log position under its recorded policy version and compare:
    /// "matches" when identical (canonical hashes shown), else every difference (list, clinic, field, published, replayed);
    /// always the events that fed each clinic's factors (stream, version, sequence, type, time, user).
    /// </summary>
    [WolverineGet("/api/audit/editions/{edition}/replay", OperationId = "ReplayEdition"), Authorize(Policy = Policies.Audit)]
    [Tags("Audit")]
    [ProducesResponseType<ReplayReport>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(int edition, EditionReplayer replayer, CancellationToken cancellation)
    {
        var published = await replayer.Published(edition, cancellation);
        return published is null
            ? Results.Problem(Problems.Create(404, "Edition not found", $"No edition {edition} has been published."))
            : Results.Json(await replayer.Replay(published, cancellation));
    }
}
