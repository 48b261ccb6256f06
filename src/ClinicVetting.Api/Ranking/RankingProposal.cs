namespace ClinicVetting.Ranking;

public enum ProposalStatus
{
    Proposed,
    Approved,
    Declined,
}

// Events of a ranking proposal's stream.
public sealed record RankingProposed(Guid ProposalId, long PolicyVersion, long LogPosition, DateTimeOffset AsOf, RankingComputation Computation,
    string ProposedBy, DateTimeOffset ProposedAt);

public sealed record RankingProposalApproved(Guid ProposalId, int Edition, IReadOnlyList<RankingOverride> Overrides, string ApprovedBy,
    DateTimeOffset ApprovedAt);

public sealed record RankingProposalDeclined(Guid ProposalId, string Reason, string DeclinedBy, DateTimeOffset DeclinedAt);

/// <summary>A proposed ranking: every clinic's factors, shares and exclusions at one position of the log, waiting for an approver.</summary>
[Published]
public sealed partial class RankingProposal
{
    public Guid Id { get; set; }
    public long Version { get; set; }
    public long PolicyVersion { get; set; }
    public long LogPosition { get; set; }
    public DateTimeOffset AsOf { get; set; }
    public RankingComputation Computation { get; set; } = new(default, 0, [], []);
    public string ProposedBy { get; set; } = "";
    public DateTimeOffset ProposedAt { get; set; }
    public ProposalStatus Status { get; set; }
    public int? Edition { get; set; }
    public List<RankingOverride> Overrides { get; set; } = [];
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DeclineReason { get; set; }

    public void EnsureOpen()
    {
        if (Status != ProposalStatus.Proposed)
        {
            throw new Conflict($"The proposal was already {Status.ToString().ToLowerInvariant()} by {DecidedBy}.");
        }
    }

    public void Apply(RankingProposed proposed)
    {
        Id = proposed.ProposalId;
        PolicyVersion = proposed.PolicyVersion;
        LogPosition = proposed.LogPosition;
        AsOf = proposed.AsOf;
        Computation = proposed.Computation;
        ProposedBy = proposed.ProposedBy;
        ProposedAt = proposed.ProposedAt;
        Status = ProposalStatus.Proposed;
    }

    public void Apply(RankingProposalApproved approved)
    {
        Status = ProposalStatus.Approved;
        Edition = approved.Edition;
        Overrides = [.. approved.Overrides];
        DecidedBy = approved.ApprovedBy;
        DecidedAt = approved.ApprovedAt;
    }

    public void Apply(RankingProposalDeclined declined)
    {
        Status = ProposalStatus.Declined;
        DeclineReason = declined.Reason;
        DecidedBy = declined.DeclinedBy;
        DecidedAt = declined.DeclinedAt;
    }
}
