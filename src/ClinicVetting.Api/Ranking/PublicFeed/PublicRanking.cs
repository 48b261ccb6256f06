using ClinicVetting.Vetting;
using JasperFx.Events;
using Marten.Events.Projections;

namespace ClinicVetting.Ranking.PublicFeed;

public sealed record ClinicSuspensionMark(Guid ClinicId, string Cause, string Reason);

/// <summary>
/// What the public feed serves: the latest edition's lists, with every clinic suspended since marked at once, and the paid
/// placements. Asynchronous: one document fed by many streams, updated in order by the daemon. LastEventId names the last
/// event applied, so a cache keyed by it is never stale, and a rebuild that ends in the same state keeps it valid.
/// </summary>
public sealed class PublicRanking
{
    public const string CurrentId = "current";

    public string Id { get; set; } = CurrentId;
    public Guid LastEventId { get; set; }
    public int? Edition { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public long PolicyVersion { get; set; }
    public EditionLists? Lists { get; set; }
    public List<TieBreak>? TieBreaks { get; set; }
    public List<ClinicSuspensionMark> Suspended { get; set; } = [];
    public List<SponsoredPlacement> Sponsored { get; set; } = [];
}

public sealed partial class PublicRankingProjection : MultiStreamProjection<PublicRanking, string>
{
    public PublicRankingProjection()
    {
        Identity<RankingEditionPublished>(_ => PublicRanking.CurrentId);
        Identity<ClinicSuspended>(_ => PublicRanking.CurrentId);
        Identity<ClinicReinstated>(_ => PublicRanking.CurrentId);
        Identity<ClinicVettingApproved>(_ => PublicRanking.CurrentId);
        Identity<ClinicVettingRejected>(_ => PublicRanking.CurrentId);
        Identity<SponsoredPlacementRecorded>(_ => PublicRanking.CurrentId);
    }

    public const string VettingRejected = "vetting-rejected";

    public void Apply(IEvent<RankingEditionPublished> e, PublicRanking ranking)
    {
        var published = e.Data;
        ranking.Edition = published.Edition;
        ranking.PublishedAt = published.PublishedAt;
        ranking.PolicyVersion = published.PolicyVersion;
        ranking.Lists = published.Lists;
        ranking.TieBreaks = published.TieBreaks?.ToList();
        ranking.LastEventId = e.Id;
    }

    public void Apply(IEvent<ClinicSuspended> e, PublicRanking ranking)
    {
        var suspended = e.Data;
        ranking.Suspended.RemoveAll(x => x.ClinicId == suspended.ClinicId && x.Cause == suspended.Cause);
        ranking.Suspended.Add(new ClinicSuspensionMark(suspended.ClinicId, suspended.Cause, suspended.Reason));
        ranking.LastEventId = e.Id;
    }

    public void Apply(IEvent<ClinicReinstated> e, PublicRanking ranking)
    {
        var reinstated = e.Data;
        ranking.Suspended.RemoveAll(x => x.ClinicId == reinstated.ClinicId && x.Cause == reinstated.Cause);
        ranking.LastEventId = e.Id;
    }

    public void Apply(IEvent<ClinicVettingApproved> e, PublicRanking ranking)
    {
        var approved = e.Data;
        ranking.Suspended.RemoveAll(x => x.ClinicId == approved.ClinicId);
        ranking.LastEventId = e.Id;
    }

    public void Apply(IEvent<ClinicVettingRejected> e, PublicRanking ranking)
    {
        var rejected = e.Data;
        ranking.Suspended.RemoveAll(x => x.ClinicId == rejected.ClinicId && x.Cause == VettingRejected);
        ranking.Suspended.Add(new ClinicSuspensionMark(rejected.ClinicId, VettingRejected, $"Vetting not approved: {rejected.Reason}"));
        ranking.LastEventId = e.Id;
    }

    public void Apply(IEvent<SponsoredPlacementRecorded> e, PublicRanking ranking)
    {
        var recorded = e.Data;
        ranking.Sponsored.Add(recorded.Placement);
        ranking.LastEventId = e.Id;
    }
}
