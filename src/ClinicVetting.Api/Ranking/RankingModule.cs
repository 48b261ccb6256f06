using ClinicVetting.Ranking.Pages;
using ClinicVetting.Ranking.PublicFeed;
using JasperFx.Events.Projections;

namespace ClinicVetting.Ranking;

/// <summary>The ranking: its policy, efficiency facts, proposals, editions and the public feed.</summary>
public static class RankingModule
{
    /// <summary>Every event the ranking writes; known to Marten from the start, so any process reads old ones before it writes one.</summary>
    public static readonly Type[] Events =
    [
        typeof(RankingPolicyPublished), typeof(InquiryResponseMeasured), typeof(FollowUpCompletionMeasured), typeof(RankingProposed),
        typeof(RankingProposalApproved), typeof(RankingProposalDeclined), typeof(RankingEditionPublished), typeof(SponsoredPlacementRecorded),
    ];

    public static void AddRanking(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RankingSnapshotReader>();
        builder.AddPublicFeed();
        // The public pages (/, /methodology, /editions): rendered once per revision and served like the feed.
        builder.Services.AddSingleton<PublicPageRenderer>();
        builder.Services.AddSingleton<RankingPolicyDocument>();

        builder.Services.ConfigureMarten(opts =>
        {
            opts.Events.AddEventTypes(Events);
            opts.Projections.Snapshot<ClinicEfficiency>(SnapshotLifecycle.Inline);
            opts.Projections.Snapshot<CurrentRankingPolicy>(SnapshotLifecycle.Inline);
            opts.Projections.Snapshot<RankingProposal>(SnapshotLifecycle.Inline);
            opts.Projections.Snapshot<RankingEditionCatalog>(SnapshotLifecycle.Inline);
            opts.Projections.Add<RankingEditionProjection>(ProjectionLifecycle.Inline);
            opts.Projections.Add<PublicRankingProjection>(ProjectionLifecycle.Async);
            opts.Schema.For<RankingProposal>().Index(x => x.Status);
        });
        builder.Services.InitializeMartenWith<RankingPolicySeed>();
    }
}
