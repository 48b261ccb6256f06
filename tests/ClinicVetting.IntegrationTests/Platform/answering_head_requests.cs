using System.Net;
using Alba;
using ClinicVetting.IntegrationTests.Ranking;
using ClinicVetting.IntegrationTests.Support;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// HEAD is GET without the body (RFC 9110 section 9.3.2): CDNs, link checkers and uptime monitors ask the public answers
/// with HEAD and get the GET's status and headers; every other endpoint answers HEAD exactly as it answers GET (its
/// authorization, its 404), and an endpoint that takes no GET answers 405. That Kestrel then sends no body is proven
/// against a real process in <see cref="answering_head_requests_over_the_wire"/>.
/// </summary>
public class answering_head_requests(AppFixture fixture) : IntegrationContext(fixture)
{
    private static readonly string[] PublicAnswers =
    [
        "/api/public/rankings", "/api/public/rankings?country=TR", "/api/public/rankings?condition=orthopedics", "/api/public/rankings/editions",
        "/api/public/rankings/editions/1", "/api/public/rankings/feed.atom", "/", "/methodology", "/editions", "/editions/1",
    ];

    private Task<IScenarioResult> Ask(HttpMethod method, string url, int status, string? token = null, string? acceptEncoding = null,
        string? ifNoneMatch = null) =>
        Call(token, s =>
        {
            if (method == HttpMethod.Head) s.Head.Url(url);
            else s.Get.Url(url);
            // Each call from its own address: the public reads share a per-client budget.
            s.ConfigureHttpContext(http => http.Connection.RemoteIpAddress = IPAddress.Parse($"10.19.{Random.Shared.Next(1, 250)}.{Random.Shared.Next(1, 250)}"));
            if (acceptEncoding is not null) s.WithRequestHeader("Accept-Encoding", acceptEncoding);
            if (ifNoneMatch is not null) s.WithRequestHeader("If-None-Match", ifNoneMatch);
            s.StatusCodeShouldBe(status);
        });

    [Fact]
    public async Task every_public_answer_answers_head_anonymously_with_the_status_and_headers_of_its_get()
    {
        await Host.AnApprovedClinic(Fixture, "Head Clinic A", [5, 5, 5, 4, 5, 5], "MX");
        await Host.AnApprovedClinic(Fixture, "Head Clinic B", [4, 4, 5, 4, 4, 5, 4], "TR", "Turkish Ministry of Health");
        await Host.ApproveProposal(Approver, (await Host.Propose(Staff)).Id);
        await CatchUpProjections();

        foreach (var url in PublicAnswers)
        {
            foreach (var acceptEncoding in new string?[] { null, "gzip, deflate, br" })
            {
                var get = (await Ask(HttpMethod.Get, url, 200, acceptEncoding: acceptEncoding)).Context.Response;
                var head = (await Ask(HttpMethod.Head, url, 200, acceptEncoding: acceptEncoding)).Context.Response;
                var what = $"HEAD {url} ({acceptEncoding ?? "no Accept-Encoding"})";
                head.ContentType.ShouldBe(get.ContentType, what);
                head.ContentLength.ShouldBe(get.ContentLength, what);
                head.Headers.ETag.ToString().ShouldBe(get.Headers.ETag.ToString(), what);
                head.Headers.ETag.ToString().ShouldNotBeEmpty(what);
                head.Headers.CacheControl.ToString().ShouldBe(get.Headers.CacheControl.ToString(), what);
                head.Headers.ContentEncoding.ToString().ShouldBe(get.Headers.ContentEncoding.ToString(), what);
                head.Headers.Vary.ToString().ShouldBe(get.Headers.Vary.ToString(), what);

                // A cache revalidating with HEAD gets its 304 like a GET would.
                await Ask(HttpMethod.Head, url, 304, acceptEncoding: acceptEncoding, ifNoneMatch: get.Headers.ETag.ToString());
            }
        }
    }

    [Fact]
    public async Task head_is_authorized_and_refused_as_get_is()
    {
        await Ask(HttpMethod.Head, "/api/clinics", 401);
        await Ask(HttpMethod.Head, "/api/clinics", 200, Staff);
        await Ask(HttpMethod.Head, "/api/reviews/fairness-report", 403, Booking);
        await Ask(HttpMethod.Head, "/api/public/rankings?condition=no-such-condition", 404);
        await Ask(HttpMethod.Head, $"/api/clinics/{Guid.NewGuid()}", 404, Staff);
    }

    [Fact]
    public async Task a_url_that_takes_no_get_answers_head_as_it_answers_get()
    {
        foreach (var url in new[] { $"/api/vetting/cases/{Guid.NewGuid()}/checks/license/evidence", "/api/reviews/import", $"/api/vetting/cases/{Guid.NewGuid()}/approval" })
        {
            var get = await Call(Staff, s =>
            {
                s.Get.Url(url);
                s.IgnoreStatusCode();
            });
            var status = get.Context.Response.StatusCode;
            status.ShouldBeInRange(404, 405, url);
            var head = await Ask(HttpMethod.Head, url, status, Staff);
            head.Context.Response.Headers.Allow.ToString().ShouldBe(get.Context.Response.Headers.Allow.ToString(), url);
        }
    }
}
