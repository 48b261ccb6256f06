namespace ClinicVetting.Ranking;

public sealed record ProposeRanking(Guid ProposalId);

public sealed record NewRankingProposal(Guid Id, long PolicyVersion, long LogPosition, int Ranked, int Excluded)
    : CreationResponse($"/api/ranking/proposals/{Id}");

public static class ProposeRankingEndpoint
{
    /// <summary>
    /// Compute a ranking proposal from the state at one position of the event log (recorded), under the policy in force:
    /// every clinic's factors and shares, the excluded with their reasons, the tie-breaks applied, the age of each input.
    /// </summary>
    [WolverinePost("/api/ranking/proposals", OperationId = "ProposeRanking"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Ranking")]
    public static Task<NewRankingProposal> Post(IMessageBus bus) => bus.InvokeAsync<NewRankingProposal>(new ProposeRanking(Guid.CreateVersion7()));
}

public static class ProposeRankingHandler
{
    public static async Task<NewRankingProposal> Handle(ProposeRanking command, IDocumentSession session, RankingSnapshotReader snapshots,
        IMessageContext context, TimeProvider clock, CancellationToken cancellation)
    {
        var snapshot = await snapshots.Read(cancellation);
        var proposed = Decide(command.ProposalId, snapshot, Actor.Of(context), clock.GetUtcNow());
        session.Events.StartStream<RankingProposal>(command.ProposalId, proposed);
        return new NewRankingProposal(command.ProposalId, proposed.PolicyVersion, proposed.LogPosition, proposed.Computation.Ranked.Count,
            proposed.Computation.Excluded.Count);
    }

    /// <summary>The ranking of the snapshot under its policy, as of now: the proposal an approver who did not propose it may publish.</summary>
    public static RankingProposed Decide(Guid proposalId, RankingSnapshot snapshot, string proposedBy, DateTimeOffset now) =>
        new(proposalId, snapshot.PolicyVersion, snapshot.LogPosition, now, RankingCalculator.Rank(snapshot.Inputs, snapshot.Policy, now),
            proposedBy, now);
}
