using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>The "ClinicVetting:PublicApi" section: the budget of every anonymous endpoint that has no budget of its own.</summary>
public sealed class PublicApiOptions
{
    public const string Section = "ClinicVetting:PublicApi";

    /// <summary>Requests per minute per client (IP address), over all such endpoints together.</summary>
    public int RequestsPerMinute { get; set; } = 120;
}

/// <summary>
/// Anonymous callers are counted per client address. An anonymous endpoint may name a policy of its own (the public
/// feed does, <see cref="PerClient"/>); every other one falls under the global public budget, by construction: nothing
/// a stranger can call is unlimited. Beyond the budget: 429 problem details with Retry-After.
/// </summary>
public static class RateLimits
{
    private const string LimitKey = "clinicvetting.rate-limit";

    /// <summary>On every answer of a rate-limited endpoint: the client's budget per minute there.</summary>
    public const string LimitHeader = "X-RateLimit-Limit";

    public static void AddRateLimits(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(PublicApiOptions.Section).Get<PublicApiOptions>() ?? new PublicApiOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                IsAnonymousWithoutOwnPolicy(http.GetEndpoint())
                    ? PerClient(http, "public-api", options.RequestsPerMinute)
                    : RateLimitPartition.GetNoLimiter("not-limited-here"));
            limiter.OnRejected = async (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 60;
                var limit = context.HttpContext.Items[LimitKey] as int?;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString();
                await Problems.Write(context.HttpContext, Problems.Create(429, "Too many requests",
                    $"At most {limit} requests a minute per client here: retry in {retryAfter} s."));
            };
        });
    }

    /// <summary>A fixed window of one minute per client address and scope.</summary>
    public static RateLimitPartition<string> PerClient(HttpContext http, string scope, int requestsPerMinute)
    {
        if (!http.Items.ContainsKey(LimitKey))
        {
            http.Response.OnStarting(() =>
            {
                http.Response.Headers[LimitHeader] = (http.Items[LimitKey] as int? ?? requestsPerMinute).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            });
        }

        http.Items[LimitKey] = requestsPerMinute;
        return RateLimitPartition.GetFixedWindowLimiter($"{scope}:{http.Connection.RemoteIpAddress?.ToString() ?? "unknown"}",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = requestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
    }

    private static bool IsAnonymousWithoutOwnPolicy(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null
        && endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>() is null;
}
