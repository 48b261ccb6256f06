namespace ClinicVetting.Ranking;

public sealed record ApprovalInput(IReadOnlyList<RankingOverride>? Overrides = null);

public sealed record ApproveRankingProposal(Guid ProposalId, IReadOnlyList<RankingOverride> Overrides);

public sealed record NewEdition(int Edition, Guid ProposalId, long PolicyVersion, long LogPosition, DateTimeOffset PublishedAt)
    : CreationResponse($"/api/public/rankings/editions/{Edition}");

public static class ApproveRankingProposalEndpoint
{
    public static ProblemDetails Validate(ApprovalInput? input) => new FieldErrors()
        .When(input?.Overrides is { Count: > 100 }, "overrides", "at most 100 overrides")
        .When(input?.Overrides?.Any(x => x is null || x.Reason is { Length: > 2000 }) == true, "overrides", "each override needs a reason of at most 2000 characters")
        .ToProblem();

    /// <summary>
    /// An approver who did not propose it publishes the proposal as the next numbered, immutable edition, as is or with
    /// overrides (move a clinic to a position of the overall list, or remove it from every list), each with a written reason.
    /// </summary>
    [WolverinePost("/api/ranking/proposals/{proposalId}/approval", OperationId = "ApproveRankingProposal"), Authorize(Policy = Policies.Approver)]
    [Tags("Ranking")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public static Task<NewEdition> Post(Guid proposalId, ApprovalInput? input, IMessageBus bus) =>
        bus.InvokeAsync<NewEdition>(new ApproveRankingProposal(proposalId, input?.Overrides ?? []));
}

public static class ApproveRankingProposalHandler
{
    public static async Task<NewEdition> Handle(ApproveRankingProposal command, IDocumentSession session, IMessageContext context,
        TimeProvider clock, CancellationToken cancellation)
    {
        var proposalStream = await session.Events.FetchForWriting<RankingProposal>(command.ProposalId, cancellation);
        var proposal = proposalStream.Aggregate ?? throw new NotFound("Ranking proposal", command.ProposalId);
        var editions = await session.Events.FetchForWriting<RankingEditionCatalog>(RankingEditionCatalog.StreamId, cancellation);
        var policy = await session.Events.AggregateStreamAsync<CurrentRankingPolicy>(CurrentRankingPolicy.StreamId, proposal.PolicyVersion,
            token: cancellation) ?? new CurrentRankingPolicy();

        var (approved, published) = RankingDecisions.Approve(proposal, editions.Aggregate ?? new RankingEditionCatalog(), policy.Policy,
            command.Overrides.Select(x => x with { Reason = x.Reason?.Trim() ?? "" }).ToList(), Actor.Of(context), clock.GetUtcNow());
        proposalStream.AppendOne(approved);
        editions.AppendOne(published);
        return new NewEdition(published.Edition, proposal.Id, published.PolicyVersion, published.LogPosition, published.PublishedAt);
    }
}
