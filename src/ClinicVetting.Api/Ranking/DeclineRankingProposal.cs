
namespace ClinicVetting.Ranking;

public sealed record DeclineRankingProposal(Guid ProposalId, string Reason);

public sealed record ProposalDecline(Guid ProposalId, string DeclinedBy);

public static class DeclineRankingProposalEndpoint
{
    public static ProblemDetails Validate(ReasonBody body) => body.Validate().ToProblem();

    /// <summary>An approver declines a proposal, with the reason; it can then never be published.</summary>
    [WolverinePost("/api/ranking/proposals/{proposalId}/decline", OperationId = "DeclineRankingProposal"), Authorize(Policy = Policies.Approver)]
    [Tags("Ranking")]
    public static Task<ProposalDecline> Post(Guid proposalId, ReasonBody body, IMessageBus bus) =>
        bus.InvokeAsync<ProposalDecline>(new DeclineRankingProposal(proposalId, body.Reason));
}

public static class DeclineRankingProposalHandler
{
    public static async Task<ProposalDecline> Handle(DeclineRankingProposal command, IDocumentSession session, IMessageContext context,
        TimeProvider clock, CancellationToken cancellation)
    {
        var (stream, proposal) = await session.Events.FetchExisting<RankingProposal>(command.ProposalId, "Ranking proposal", cancellation);
        var declined = Decide(proposal, command.Reason, Actor.Of(context), clock.GetUtcNow());
        stream.AppendOne(declined);
        return new ProposalDecline(proposal.Id, declined.DeclinedBy);
    }

    /// <summary>An open proposal, declined with the reason: it can then never be published.</summary>
    public static RankingProposalDeclined Decide(RankingProposal proposal, string reason, string approver, DateTimeOffset now)
    {
        proposal.EnsureOpen();
        return new RankingProposalDeclined(proposal.Id, reason.Trim(), approver, now);
    }
}
