using ClinicVetting.Ranking.PublicFeed;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

[assembly: HostingStartup(typeof(ClinicVetting.Benchmarks.PlaintextBaseline))]

namespace ClinicVetting.Benchmarks;

/// <summary>
/// The benchmarks' baseline for the public feed: the API's own pipeline with no work behind it. The bench adds it to the API
/// process it starts (a hosting startup): the product knows nothing of it. A request to <see cref="Path"/> is given, before
/// routing, an endpoint with the feed's metadata (anonymous, the feed's rate limit), so it passes every middleware the feed
/// passes (authorization's fallback policy refuses a request without an endpoint) and ends where the feed's handler would run.
/// </summary>
public sealed class PlaintextBaseline : IHostingStartup, IStartupFilter
{
    public const string Path = "/bench/plaintext";

    private static readonly Endpoint Plaintext = new(http => http.Response.WriteAsync("Hello, World!"),
        new EndpointMetadataCollection(new AllowAnonymousAttribute(), new EnableRateLimitingAttribute(PublicFeedOptions.RateLimitPolicy)),
        "Benchmark plaintext baseline");

    public void Configure(IWebHostBuilder builder) => builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, PlaintextBaseline>());

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        // Routing keeps an endpoint already set; the pipeline's end (UseEndpoints) runs it.
        app.Use((HttpContext http, Func<Task> continuation) =>
        {
            if (http.Request.Path == Path)
            {
                http.SetEndpoint(Plaintext);
            }

            return continuation();
        });
        next(app);
    };
}
