namespace ClinicVetting.Ranking;

/// <summary>Proposals and editions as pure decisions.</summary>
public static class RankingDecisions
{
    public static RankingProposed Propose(Guid proposalId, RankingSnapshot snapshot, string proposedBy, DateTimeOffset now) =>
        new(proposalId, snapshot.PolicyVersion, snapshot.LogPosition, now, RankingCalculator.Rank(snapshot.Inputs, snapshot.Policy, now),
            proposedBy, now);

    /// <summary>Approve as is or with overrides; the edition takes the next number of the editions stream.</summary>
    public static (RankingProposalApproved Approved, RankingEditionPublished Edition) Approve(RankingProposal proposal, RankingEditionCatalog catalog,
        RankingPolicy policy, IReadOnlyList<RankingOverride> overrides, string approver, DateTimeOffset now)
    {
        EnsureOpen(proposal);
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

    public static RankingProposalDeclined Decline(RankingProposal proposal, string reason, string approver, DateTimeOffset now)
    {
        EnsureOpen(proposal);
        return new RankingProposalDeclined(proposal.Id, reason.Trim(), approver, now);
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

    private static void EnsureOpen(RankingProposal proposal)
    {
        if (proposal.Status != ProposalStatus.Proposed)
        {
            throw new Conflict($"The proposal was already {proposal.Status.ToString().ToLowerInvariant()} by {proposal.DecidedBy}.");
        }
    }
}
