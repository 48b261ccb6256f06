namespace ClinicVetting.Ranking;

public static class GetRankingPolicyEndpoint
{
    /// <summary>The ranking policy in force, or an earlier version (?version=n); docs/ranking-policy.md explains each part.</summary>
    [WolverineGet("/api/ranking/policy", OperationId = "GetRankingPolicy"), AllowAnonymous]
    [Tags("Ranking")]
    public static async Task<CurrentRankingPolicy> Get(long? version, IQuerySession session, CancellationToken cancellation) =>
        await session.LoadVersionAsync<CurrentRankingPolicy>(CurrentRankingPolicy.StreamId, version, "Ranking policy version", cancellation);
}
