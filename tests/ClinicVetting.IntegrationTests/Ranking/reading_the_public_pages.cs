using System.Net;
using Alba;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Infrastructure.Web;
using ClinicVetting.Ranking.PublicFeed;
using ClinicVetting.Vetting;

namespace ClinicVetting.IntegrationTests.Ranking;

/// <summary>The public pages at /, /methodology and /editions: HTML for anonymous readers, served like the feed.</summary>
public class reading_the_public_pages(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task<IScenarioResult> Page(string url, int status = 200, string? ifNoneMatch = null) => await Host.Scenario(s =>
    {
        s.Get.Url(url);
        // Each test reads from its own address: the pages share the feed's per-client budget.
        s.ConfigureHttpContext(http => http.Connection.RemoteIpAddress = IPAddress.Parse($"10.14.0.{Random.Shared.Next(1, 250)}"));
        if (ifNoneMatch is not null) s.WithRequestHeader("If-None-Match", ifNoneMatch);
        s.StatusCodeShouldBe(status);
    });

    /// <summary>The page as a reader sees its text (the renderer writes characters outside ASCII as entities).</summary>
    private async Task<string> Text(string url, int status = 200) => WebUtility.HtmlDecode((await Page(url, status)).ReadAsText());

    private async Task<(Guid High, Guid Low)> AnEditionOfTwoClinics()
    {
        var high = await Host.AnApprovedClinic(Fixture, "Clínica Alta", [5, 5, 5, 4, 5, 5]);
        var low = await Host.AnApprovedClinic(Fixture, "Clínica Baja", [2, 3, 3, 4, 3], "TR", "Turkish Ministry of Health");
        var proposal = await Host.Propose(Staff);
        await Host.ApproveProposal(Approver, proposal.Id);
        await CatchUpProjections();
        return (high, low);
    }

    [Fact]
    public async Task the_front_page_shows_the_top_10_with_facts_and_factors_and_answers_304_until_the_ranking_changes()
    {
        var (high, _) = await AnEditionOfTwoClinics();

        var page = await Page("/");
        var html = WebUtility.HtmlDecode(page.ReadAsText());
        var response = page.Context.Response;
        response.ContentType.ShouldBe("text/html; charset=utf-8");
        response.Headers.CacheControl.ToString().ShouldBe(PublicResult.DefaultCacheControl);
        response.Headers.ContentSecurityPolicy.ToString().ShouldBe(WebPages.Policy);
        html.ShouldStartWith("<!DOCTYPE html>");
        html.ShouldContain("<h1>Top 10 verified stem-cell clinics</h1>");
        html.IndexOf("Clínica Alta", StringComparison.Ordinal).ShouldBeLessThan(html.IndexOf("Clínica Baja", StringComparison.Ordinal));
        html.ShouldContain("Joint Commission International");
        html.ShouldContain("Verified patient reviews");
        html.ShouldContain("valid accreditation(s), cap");
        html.ShouldContain("10 years"); // the clinic's experience, from its profile
        html.ShouldContain("href=\"/api/public/rankings/feed.atom\"");
        html.ShouldNotContain("Suspended since");

        var etag = response.Headers.ETag.ToString();
        etag.ShouldStartWith("\"");
        await Page("/", 304, etag);

        await Host.PostJson(Staff, $"/api/clinics/{high}/red-flags",
            new RedFlagInput(RedFlagCategory.Testimonials, "Celebrity testimonials used as evidence", "Trusted by a famous footballer"));
        await CatchUpProjections();

        var changed = await Page("/", 200, etag);
        changed.Context.Response.Headers.ETag.ToString().ShouldNotBe(etag);
        WebUtility.HtmlDecode(changed.ReadAsText()).ShouldContain("Suspended since this edition was published.");
    }

    [Fact]
    public async Task a_country_and_a_condition_have_their_own_lists_and_an_unknown_one_is_a_404_page()
    {
        await AnEditionOfTwoClinics();

        var turkey = (await Text("/?country=tr"));
        turkey.ShouldContain("Top 10 verified clinics in Türkiye");
        turkey.ShouldContain("Clínica Baja");
        turkey.ShouldNotContain("Clínica Alta</h2>");
        turkey.ShouldContain("aria-current=\"page\">Türkiye</a>");

        (await Text("/?condition=orthopedics")).ShouldContain("Top 10 verified clinics for Orthopedics");

        var missing = await Page("/?condition=levitation", 404);
        missing.Context.Response.ContentType.ShouldBe("text/html; charset=utf-8");
        WebUtility.HtmlDecode(missing.ReadAsText()).ShouldContain("There is no list for the condition 'levitation'");
        (await Text("/?condition=orthopedics&country=MX", 400)).ShouldContain("Ask for one list at a time");
    }

    [Fact]
    public async Task before_any_edition_the_front_page_says_so()
    {
        (await Text("/")).ShouldContain("No edition of the ranking has been published yet.");
    }

    [Fact]
    public async Task the_methodology_is_the_ranking_policy_document_and_the_history_lists_every_edition()
    {
        var methodology = (await Text("/methodology"));
        methodology.ShouldContain("<h1 id=\"the-ranking-policy\">The ranking policy</h1>");
        methodology.ShouldContain("<h2 id=\"who-can-be-ranked-eligibility\">");
        methodology.ShouldContain("<td><code>minVerifiedReviews</code></td>");

        (await Text("/editions")).ShouldContain("No edition has been published yet.");
        await AnEditionOfTwoClinics();
        (await Text("/editions")).ShouldContain("<a href=\"/editions/1\">Edition 1</a>");

        var edition = await Page("/editions/1");
        edition.Context.Response.Headers.CacheControl.ToString().ShouldBe("public, max-age=86400, immutable");
        var html = WebUtility.HtmlDecode(edition.ReadAsText());
        html.ShouldContain("<h1>Edition 1</h1>");
        html.ShouldContain("In Türkiye");
        (await Text("/editions/2", 404)).ShouldContain("No edition 2 has been published.");
    }
}
