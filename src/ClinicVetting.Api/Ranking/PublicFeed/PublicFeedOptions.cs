using Microsoft.AspNetCore.RateLimiting;

namespace ClinicVetting.Ranking.PublicFeed;

public sealed class PublicFeedOptions
{
    public const string Section = "ClinicVetting:PublicFeed";

    /// <summary>The feed's own rate limit per client, on every anonymous feed endpoint.</summary>
    public const string RateLimitPolicy = "public-feed";

    /// <summary>Requests per minute per client (IP address) on the anonymous feed.</summary>
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>How often the feed asks the database whether the ranking changed (0: on every request).</summary>
    public int RevisionCheckMilliseconds { get; set; } = 250;
}

public static class PublicFeedSetup
{
    /// <summary>The feed's cache, its revision check and its own rate limit per client.</summary>
    public static void AddPublicFeed(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PublicFeedCache>();
        builder.Services.AddSingleton<PublicRankingRevision>();
        builder.Services.AddSingleton<PublicRankingAnswers>();

        var feed = builder.Configuration.GetSection(PublicFeedOptions.Section).Get<PublicFeedOptions>() ?? new PublicFeedOptions();
        builder.Services.AddSingleton(feed);
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy(PublicFeedOptions.RateLimitPolicy,
            http => RateLimits.PerClient(http, PublicFeedOptions.RateLimitPolicy, feed.RequestsPerMinute)));
    }
}
