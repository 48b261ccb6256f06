namespace ClinicVetting.Ranking;

public sealed record ProposalSummary(Guid Id, ProposalStatus Status, long PolicyVersion, long LogPosition, DateTimeOffset AsOf, string ProposedBy,
    int? Edition, string? DecidedBy);

public static class ListRankingProposalsEndpoint
{
    /// <summary>Proposals, newest first.</summary>
    [WolverineGet("/api/ranking/proposals", OperationId = "ListRankingProposals"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Ranking")]
    public static async Task<Page<ProposalSummary>> Get(ProposalStatus? status, int? page, int? pageSize, IQuerySession session,
        CancellationToken cancellation)
    {
        IQueryable<RankingProposal> query = session.Query<RankingProposal>();
        if (status is { } wanted)
        {
            query = query.Where(x => x.Status == wanted);
        }

        return await query.OrderByDescending(x => x.ProposedAt)
            .Select(x => new ProposalSummary(x.Id, x.Status, x.PolicyVersion, x.LogPosition, x.AsOf, x.ProposedBy, x.Edition, x.DecidedBy))
            .ToPageAsync(page, pageSize, cancellation);
    }
}
