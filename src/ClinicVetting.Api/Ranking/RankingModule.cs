using ClinicVetting.Ranking.PublicFeed;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.RateLimiting;
using ClinicVetting.Infrastructure.Http;

namespace ClinicVetting.Ranking;

public sealed class PublicFeedOptions
{
    public const string Section = "ClinicVetting:PublicFeed";

    /// <summary>Requests per minute per client (IP address) on the anonymous feed.</summary>
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>How often the feed asks the database whether the ranking changed (0: on every request).</summary>
    public int RevisionCheckMilliseconds { get; set; } = 250;
}

public static class RankingModule
{
    public static void Configure(StoreOptions opts)
    {
        opts.Projections.Snapshot<ClinicEfficiency>(SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<CurrentRankingPolicy>(SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<RankingProposal>(SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<RankingEditionCatalog>(SnapshotLifecycle.Inline);
        opts.Projections.Add<RankingEditionProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<PublicRankingProjection>(ProjectionLifecycle.Async);
        opts.Schema.For<RankingProposal>().Index(x => x.Status);
    }

    public static void AddRanking(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RankingSnapshotReader>();
        builder.Services.AddSingleton<PublicFeedCache>();
        builder.Services.AddSingleton<PublicRankingRevision>();

        var feed = builder.Configuration.GetSection(PublicFeedOptions.Section).Get<PublicFeedOptions>() ?? new PublicFeedOptions();
        builder.Services.AddSingleton(feed);
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy(PublicRankingEndpoints.RateLimitPolicy,
            http => RateLimits.PerClient(http, PublicRankingEndpoints.RateLimitPolicy, feed.RequestsPerMinute)));
    }
}
