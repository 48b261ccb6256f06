using System.Net;
using Alba;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// Whatever a stranger can call is rate limited per client address: the public feed on its own budget, every other
/// anonymous endpoint (public reviews, reference data, the policy, documentation, health) on one shared budget.
/// </summary>
public class limiting_anonymous_callers(AppFixture fixture) : IntegrationContext(fixture)
{
    private Task<IScenarioResult> Anonymous(string url, string ip) => Host.Scenario(s =>
    {
        s.Get.Url(url);
        s.ConfigureHttpContext(http => http.Connection.RemoteIpAddress = IPAddress.Parse(ip));
        s.IgnoreStatusCode();
    });

    /// <summary>The public pages are the feed in HTML: they count against the feed's own budget.</summary>
    private static readonly string[] FeedAsPages = ["/", "/methodology", "/editions", "/editions/{edition}"];

    [Fact]
    public async Task a_client_reading_public_pages_too_fast_is_told_to_wait_on_every_anonymous_endpoint()
    {
        var clinicId = (await Host.RegisterClinic(Staff)).Id;
        var limit = int.Parse(AppFixture.PublicApiRequestsPerMinute);
        for (var page = 1; page <= limit; page++)
        {
            (await Anonymous($"/api/public/clinics/{clinicId}/reviews?page={page}", "10.7.7.7")).Context.Response.StatusCode.ShouldBe(200);
        }

        var anonymous = EndpointAccessTable.Rows.Concat(EndpointAccessTable.Infrastructure)
            .Where(x => x.Public && !x.Route.StartsWith("/api/public/rankings") && !FeedAsPages.Contains(x.Route))
            .Select(x => x.Route.Replace("{clinicId}", clinicId.ToString()).Replace("{documentName}", "v1").Replace("{documentName?}", ""))
            .ToList();
        anonymous.Count.ShouldBeGreaterThanOrEqualTo(10);
        foreach (var url in anonymous)
        {
            var limited = await Anonymous(url, "10.7.7.7");
            limited.ShouldBeProblem(429);
            int.Parse(limited.Context.Response.Headers.RetryAfter.ToString()).ShouldBeInRange(1, 60, url);
        }

        // Another client, the feed's own budget and the internal endpoints are untouched.
        (await Anonymous($"/api/public/clinics/{clinicId}/reviews", "10.7.7.8")).Context.Response.StatusCode.ShouldBe(200);
        (await Anonymous("/api/public/rankings", "10.7.7.7")).Context.Response.StatusCode.ShouldBe(404);
        (await Anonymous("/", "10.7.7.7")).Context.Response.StatusCode.ShouldBe(200);
        (await Host.Scenario(s =>
        {
            s.WithRequestHeader("Authorization", $"Bearer {Auditor}");
            s.Get.Url("/api/clinics");
            s.ConfigureHttpContext(http => http.Connection.RemoteIpAddress = IPAddress.Parse("10.7.7.7"));
        })).Context.Response.StatusCode.ShouldBe(200);
    }
}
