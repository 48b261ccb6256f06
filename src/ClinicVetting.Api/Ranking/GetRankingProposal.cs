namespace ClinicVetting.Ranking;

public static class GetRankingProposalEndpoint
{
    /// <summary>A proposal whole: each clinic's score, factor values and shares, exclusions with reasons, tie-breaks, input ages.</summary>
    [WolverineGet("/api/ranking/proposals/{proposalId}", OperationId = "GetRankingProposal"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Ranking")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static Task<RankingProposal?> Get(Guid proposalId, IQuerySession session, CancellationToken cancellation) =>
        session.LoadAsync<RankingProposal>(proposalId, cancellation);
}
