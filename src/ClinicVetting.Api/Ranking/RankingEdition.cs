using Marten.Events.Projections;

namespace ClinicVetting.Ranking;

/// <summary>
/// An edition, appended to the editions stream: its number is that stream's version, so numbers never repeat or skip,
/// even when approvals race. It names the policy version and log position it was computed from, and the policy's
/// tie-breaks in the order they were applied (null in editions published before they were recorded).
/// </summary>
public sealed record RankingEditionPublished(
    int Edition,
    Guid ProposalId,
    long PolicyVersion,
    long LogPosition,
    DateTimeOffset AsOf,
    EditionLists Lists,
    IReadOnlyList<RankingOverride> Overrides,
    string ProposedBy,
    string ApprovedBy,
    DateTimeOffset PublishedAt,
    IReadOnlyList<TieBreak>? TieBreaks = null);

public sealed record EditionSummary(int Edition, Guid ProposalId, DateTimeOffset PublishedAt, long PolicyVersion, long LogPosition, int Entries);

/// <summary>The editions stream's state: how many, and a line per edition.</summary>
[Published]
public sealed partial class RankingEditionCatalog
{
    public static readonly Guid StreamId = new("5e6b0c1e-7a53-4c55-9d1f-0000000000b2");

    public Guid Id { get; set; } = StreamId;
    public long Version { get; set; }
    public List<EditionSummary> Editions { get; set; } = [];

    public EditionSummary? Latest => Editions.Count == 0 ? null : Editions[^1];

    public void Apply(RankingEditionPublished published) => Editions.Add(
        new EditionSummary(published.Edition, published.ProposalId, published.PublishedAt, published.PolicyVersion, published.LogPosition, published.Lists.Overall.Count));
}

/// <summary>An edition as published: immutable, one document per edition number.</summary>
public sealed class RankingEdition
{
    public int Id { get; set; }
    public Guid ProposalId { get; set; }
    public long PolicyVersion { get; set; }
    public long LogPosition { get; set; }
    public DateTimeOffset AsOf { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
    public string ProposedBy { get; set; } = "";
    public string ApprovedBy { get; set; } = "";
    public List<RankingOverride> Overrides { get; set; } = [];

    /// <summary>The policy's tie-breaks, in order; null for an edition published before they were recorded.</summary>
    public List<TieBreak>? TieBreaks { get; set; }

    public EditionLists Lists { get; set; } = new([], new Dictionary<string, IReadOnlyList<ListEntry>>(), new Dictionary<string, IReadOnlyList<ListEntry>>());
}

public sealed partial class RankingEditionProjection : EventProjection
{
    public RankingEdition Create(RankingEditionPublished published) => new()
    {
        Id = published.Edition,
        ProposalId = published.ProposalId,
        PolicyVersion = published.PolicyVersion,
        LogPosition = published.LogPosition,
        AsOf = published.AsOf,
        PublishedAt = published.PublishedAt,
        ProposedBy = published.ProposedBy,
        ApprovedBy = published.ApprovedBy,
        Overrides = [.. published.Overrides],
        Lists = published.Lists,
        TieBreaks = published.TieBreaks?.ToList(),
    };
}
