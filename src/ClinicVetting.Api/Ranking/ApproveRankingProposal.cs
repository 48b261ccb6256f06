namespace ClinicVetting.Ranking;

public sealed record ApprovalInput([property: FieldLimit(MaxItems = 100)] IReadOnlyList<RankingOverride>? Overrides = null) : IHasExample<ApprovalInput>
{
    public static ApprovalInput Example => new([new RankingOverride(ExampleWords.ClinicId, OverrideAction.Remove, null,
        "Licence suspended by the Medical Council of Thailand after the proposal was computed")]);
}

public sealed record ApproveRankingProposal(Guid ProposalId, IReadOnlyList<RankingOverride> Overrides);

public sealed record NewEdition(int Edition, Guid ProposalId, long PolicyVersion, long LogPosition, DateTimeOffset PublishedAt)
    : CreationResponse($"/api/public/rankings/editions/{Edition}");

public static class ApproveRankingProposalEndpoint
{
    public static ProblemDetails Validate(ApprovalInput? input)
    {
        var errors = new FieldErrors().WithinLimits(input ?? new ApprovalInput());
        for (var i = 0; i < (input?.Overrides?.Count ?? 0); i++)
        {
            if (input!.Overrides![i] is { } change) errors.WithinLimits(change, $"overrides[{i}]");
            else errors.Add($"overrides[{i}]", "must not be null");
        }

        return errors.ToProblem();
    }

    /// <summary>
    /// An approver who did not propose it publishes the proposal as the next numbered, immutable edition, as is or with
    /// overrides (move a clinic to a position of the overall list, or remove it from every list), each with a written reason.
    /// </summary>
    [WolverinePost("/api/ranking/proposals/{proposalId}/approval", OperationId = "ApproveRankingProposal"), Authorize(Policy = Policies.Approver)]
    [Tags("Ranking")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public static Task<NewEdition> Post(Guid proposalId, ApprovalInput? input, IMessageBus bus) =>
        bus.InvokeAsync<NewEdition>(new ApproveRankingProposal(proposalId, input?.Overrides ?? []));
}

public static class ApproveRankingProposalHandler
{
    public static async Task<NewEdition> Handle(ApproveRankingProposal command, IDocumentSession session, IMessageContext context,
        TimeProvider clock, CancellationToken cancellation)
    {
        var (proposalStream, proposal) = await session.Events.FetchExisting<RankingProposal>(command.ProposalId, "Ranking proposal", cancellation);
        var editions = await session.Events.FetchForWriting<RankingEditionCatalog>(RankingEditionCatalog.StreamId, cancellation);
        var policy = await session.Events.AggregateStreamAsync<CurrentRankingPolicy>(CurrentRankingPolicy.StreamId, proposal.PolicyVersion,
            token: cancellation) ?? new CurrentRankingPolicy();

        var (approved, published) = Decide(proposal, editions.Aggregate ?? new RankingEditionCatalog(), policy.Policy,
            command.Overrides.Select(x => x with { Reason = x.Reason?.Trim() ?? "" }).ToList(), Actor.Of(context), clock.GetUtcNow());
        proposalStream.AppendOne(approved);
        editions.AppendOne(published);
        return new NewEdition(published.Edition, proposal.Id, published.PolicyVersion, published.LogPosition, published.PublishedAt);
    }

    /// <summary>Approve as is or with overrides; the edition takes the next number of the editions stream.</summary>
    public static (RankingProposalApproved Approved, RankingEditionPublished Edition) Decide(RankingProposal proposal, RankingEditionCatalog catalog,
        RankingPolicy policy, IReadOnlyList<RankingOverride> overrides, string approver, DateTimeOffset now)
    {
        proposal.EnsureOpen();
        if (string.Equals(proposal.ProposedBy, approver, StringComparison.OrdinalIgnoreCase))
        {
            throw new RuleViolation("Four eyes: you proposed this ranking, so another approver must approve it.", [$"{approver} proposed it."]);
        }

        if (catalog.Latest is { } latest && latest.LogPosition > proposal.LogPosition)
        {
            throw new Conflict($"Edition {latest.Edition} was published from a later state of the log (position {latest.LogPosition} after {proposal.LogPosition}): propose again.");
        }

        var problems = OverrideProblems(proposal, overrides, policy.ListSize);
        if (problems.Count > 0)
        {
            throw new RuleViolation("The overrides cannot be applied.", problems);
        }

        var edition = (int)catalog.Version + 1;
        var lists = RankingLists.Build(proposal.Computation, overrides, policy.ListSize);
        return (new RankingProposalApproved(proposal.Id, edition, overrides, approver, now),
            new RankingEditionPublished(edition, proposal.Id, proposal.PolicyVersion, proposal.LogPosition, proposal.AsOf, lists, overrides,
                proposal.ProposedBy, approver, now, proposal.Computation.TieBreaks));
    }

    public static IReadOnlyList<string> OverrideProblems(RankingProposal proposal, IReadOnlyList<RankingOverride> overrides, int listSize)
    {
        var problems = new List<string>();
        foreach (var (change, index) in overrides.Select((x, i) => (x, i)))
        {
            var at = $"overrides[{index}]";
            if (string.IsNullOrWhiteSpace(change.Reason)) problems.Add($"{at}: a written reason is required.");
            if (proposal.Computation.Ranked.All(x => x.ClinicId != change.ClinicId))
                problems.Add($"{at}: clinic {change.ClinicId} is not among the ranked clinics of this proposal.");
            if (change.Action == OverrideAction.Move && (change.Position is not { } position || position < 1 || position > listSize))
                problems.Add($"{at}: a move needs a position from 1 to {listSize}.");
            if (change.Action == OverrideAction.Remove && change.Position is not null)
                problems.Add($"{at}: a removal takes no position.");
        }

        problems.AddRange(overrides.GroupBy(x => x.ClinicId).Where(x => x.Count() > 1).Select(x => $"Clinic {x.Key} has more than one override."));
        return problems;
    }
}
