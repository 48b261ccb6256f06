using System.Net;
using System.Text.Json;
using Alba;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Ranking.PublicFeed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace ClinicVetting.IntegrationTests.Ranking;

/// <summary>
/// The feed keeps one answer per list and revision, and the overall list's in a field of its own (issue 17, P3). The tests' host
/// checks the revision on every request; here it checks it as production does, at intervals, so the kept answers are used.
/// </summary>
public class serving_the_feed_between_revision_checks(AppFixture fixture) : IntegrationContext(fixture)
{
    private PublicFeedOptions Options => Host.Services.GetRequiredService<PublicFeedOptions>();

    private Task<IScenarioResult> Feed(string query = "", string? ifNoneMatch = null, int status = 200) =>
        Host.Scenario(s =>
        {
            s.Get.Url("/api/public/rankings" + query);
            s.ConfigureHttpContext(http => http.Connection.RemoteIpAddress = IPAddress.Parse("10.1.7.1"));
            if (ifNoneMatch is not null) s.WithRequestHeader("If-None-Match", ifNoneMatch);
            s.StatusCodeShouldBe(status);
        });

    private static string ETagOf(IScenarioResult result) => result.Context.Response.Headers.ETag.ToString();

    /// <summary>A body read once as text, for comparing bytes, and as the list it holds.</summary>
    private PublicRankingList ListIn(string body) =>
        JsonSerializer.Deserialize<PublicRankingList>(body, Host.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions)!;

    /// <summary>The next request asks the database for the revision again; the ones after it go by what it found.</summary>
    private async Task<IScenarioResult> FeedAfterACheck(string query = "")
    {
        Options.RevisionCheckMilliseconds = 0;
        try
        {
            return await Feed(query);
        }
        finally
        {
            Options.RevisionCheckMilliseconds = 600_000;
        }
    }

    /// <summary>The revision checked by another public read (the front page shares the check), not by the feed.</summary>
    private async Task PageAfterACheck()
    {
        Options.RevisionCheckMilliseconds = 0;
        try
        {
            await Host.Scenario(s =>
            {
                s.Get.Url("/");
                s.ConfigureHttpContext(http => http.Connection.RemoteIpAddress = IPAddress.Parse("10.1.7.2"));
                s.StatusCodeShouldBe(200);
            });
        }
        finally
        {
            Options.RevisionCheckMilliseconds = 600_000;
        }
    }

    [Fact]
    public async Task each_list_keeps_its_own_answer_and_a_new_edition_replaces_them_all_with_new_etags()
    {
        var interval = Options.RevisionCheckMilliseconds;
        try
        {
            await Host.AnApprovedClinic(Fixture, "Good Clinic", [4, 4, 5, 4, 4, 5, 4], "MX");
            await Host.AnApprovedClinic(Fixture, "Better Clinic", [5, 5, 5, 4, 5, 5, 5, 5], "TR", "Turkish Ministry of Health");
            await Host.ApproveProposal(Approver, (await Host.Propose(Staff)).Id);
            await CatchUpProjections();

            var overall = await FeedAfterACheck();
            var overallBody = overall.ReadAsText();
            var etag = ETagOf(overall);
            ListIn(overallBody).Entries.Select(x => x.Name).ShouldBe(["Better Clinic", "Good Clinic"]);

            // Between checks: the same answer for the same list, the other lists their own, whatever was asked before.
            (await Feed()).ReadAsText().ShouldBe(overallBody);
            var turkey = await Feed("?country=TR");
            var turkeyBody = turkey.ReadAsText();
            ListIn(turkeyBody).Entries.Select(x => x.Name).ShouldBe(["Better Clinic"]);
            ListIn(turkeyBody).List.ShouldBe("country:TR");
            ETagOf(turkey).ShouldNotBe(etag);
            ListIn((await Feed("?condition=orthopedics")).ReadAsText()).List.ShouldBe("condition:orthopedics");
            (await Feed("?country=tr")).ReadAsText().ShouldBe(turkeyBody);
            (await Feed()).ReadAsText().ShouldBe(overallBody);
            ETagOf(await Feed()).ShouldBe(etag);
            await Feed(ifNoneMatch: etag, status: 304);
            await Feed("?country=TR", ifNoneMatch: etag);
            await Feed("?country=TR", ifNoneMatch: ETagOf(turkey), status: 304);
            (await Feed("?country=Turkey", status: 404)).ShouldBeProblem(404);

            await Host.AnApprovedClinic(Fixture, "Newer Clinic", [5, 5, 5, 5, 5, 5], "TR", "Turkish Ministry of Health");
            await Host.ApproveProposal(Approver, (await Host.Propose(Staff)).Id);
            await CatchUpProjections();

            // Until the next check the feed answers as it did (the interval bounds how late a change shows).
            await Feed(ifNoneMatch: etag, status: 304);

            // The front page finds the new revision first: the feed's kept answer is of the old one, and is not served again.
            await PageAfterACheck();
            var next = await Feed();
            var nextBody = next.ReadAsText();
            ListIn(nextBody).Edition.ShouldBe(2);
            var nextETag = ETagOf(next);
            nextETag.ShouldNotBe(etag);
            (await Feed(ifNoneMatch: etag)).ReadAsText().ShouldBe(nextBody);
            await Feed(ifNoneMatch: nextETag, status: 304);
            await Feed(ifNoneMatch: $"{etag}, {nextETag}", status: 304);

            var nextTurkey = ListIn((await Feed("?country=TR", ifNoneMatch: ETagOf(turkey))).ReadAsText());
            nextTurkey.Edition.ShouldBe(2);
            nextTurkey.Entries.Count.ShouldBe(2);
            ListIn((await Feed("?condition=orthopedics")).ReadAsText()).Edition.ShouldBe(2);
        }
        finally
        {
            Options.RevisionCheckMilliseconds = interval;
        }
    }
}
