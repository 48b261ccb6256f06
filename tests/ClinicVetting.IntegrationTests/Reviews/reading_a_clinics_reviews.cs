using ClinicVetting.Ranking;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Reviews;
using Marten;
using Marten.Events;

namespace ClinicVetting.IntegrationTests.Reviews;

public class reading_a_clinics_reviews(AppFixture fixture) : ReviewsContext(fixture)
{
    [Fact]
    public async Task anyone_reads_the_published_reviews_newest_first_paged_without_personal_data()
    {
        for (var i = 1; i <= 3; i++)
        {
            await Submit(AReview($"r{i}", $"B{i}", rating: i + 2, writtenAt: Now.AddDays(-10 + i)));
        }

        await Submit(AReview("held", "B-held", verified: false));

        var result = await Call(null, s => s.Get.Url($"/api/public/clinics/{ClinicId}/reviews?pageSize=2"));

        var page = result.ReadAsJson<Page<PublicReview>>()!;
        page.Total.ShouldBe(3);
        page.HasMore.ShouldBeTrue();
        page.Items.Select(x => x.Rating).ShouldBe([5, 4]);
        page.Items[0].Initials.ShouldBe("M. L.");
        page.Items[0].VerifiedPatient.ShouldBeTrue();
        page.Items[0].Treatment.ShouldBe("Knee program");
        page.Items[0].WrittenOn.ShouldBe(DateOnly.FromDateTime(Now.AddDays(-7).UtcDateTime));

        var json = result.ReadAsText();
        foreach (var personal in new[] { "Maria", "López", "example.com", "B1", "bookingId", "email", "externalReviewId" })
        {
            json.ShouldNotContain(personal, Case.Insensitive);
        }
    }

    [Fact]
    public async Task an_unknown_clinic_is_a_404() =>
        (await Call(null, s =>
        {
            s.Get.Url($"/api/public/clinics/{Guid.NewGuid()}/reviews");
            s.StatusCodeShouldBe(404);
        })).ShouldBeProblem(404);

    [Fact]
    public async Task the_clinics_review_stats_count_by_status_and_score_once_there_are_enough_verified_reviews()
    {
        for (var i = 1; i <= 4; i++)
        {
            await Submit(AReview($"r{i}", $"B{i}", rating: 4, writtenAt: Now.AddDays(-5 * i)));
        }

        var held = await Submit(AReview("held", "B-held", verified: false));
        await CatchUpProjections();

        var stats = await Stats();
        (stats.Pending, stats.Held, stats.Published, stats.VerifiedPublished, stats.VerifiedPublishedMean).ShouldBe((0, 1, 4, 4, 4.0));
        stats.Score.ShouldBeNull();

        await Moderate(Staff, held.Id, "publish", "verifiedWithPatient");
        await CatchUpProjections();

        stats = await Stats();
        (stats.Held, stats.VerifiedPublished).ShouldBe((0, 5));
        stats.VerifiedPublishedMean.ShouldBe(4.2);
        stats.VerifiedPublishedStars.ShouldBe(new StarCounts(0, 0, 0, 4, 1));
        await using (var session = Store.QuerySession())
        {
            (await session.LoadAsync<ClinicReviewStats>(ClinicId))!.VerifiedPublishedStars.ShouldBe(stats.VerifiedPublishedStars, "kept by the projection");
        }

        stats.Parameters.ShouldBe(ClinicVetting.Ranking.RankingPolicy.Default.Reviews.Parameters);
        // Five reviews vouch for less than their mean of 4.2.
        stats.Score.ShouldNotBeNull().ShouldBeInRange(1m, 4.2m);
        stats.Score.ShouldBe(ReviewScore.Of(stats.VerifiedPublishedStars, stats.Parameters));
    }

    [Fact]
    public async Task a_statistics_document_from_before_stars_were_counted_still_gives_the_stars_and_score_of_the_reviews()
    {
        int[] ratings = [5, 3, 4, 5, 5, 2];
        foreach (var (rating, i) in ratings.Select((x, i) => (x, i)))
        {
            await Submit(AReview($"r{i}", $"B{i}", rating: rating, writtenAt: Now.AddDays(-3 * (i + 1))));
        }

        await CatchUpProjections();
        var counted = await Stats();

        await using (var session = Store.LightweightSession())
        {
            var written = (await session.LoadAsync<ClinicReviewStats>(ClinicId))!;
            written.VerifiedPublishedStars = StarCounts.None;
            session.Store(written);
            await session.SaveChangesAsync();
        }

        var stats = await Stats();
        stats.VerifiedPublishedStars.ShouldBe(new StarCounts(0, 1, 1, 1, 3));
        stats.Score.ShouldNotBeNull().ShouldBe(counted.Score!.Value);
    }

    /// <summary>Tests run the daemon explicitly (solo mode): the statistics are brought up to date on demand.</summary>

    private async Task<ClinicReviewScore> Stats()
    {
        var result = await Call(Staff, s => s.Get.Url($"/api/clinics/{ClinicId}/review-stats"));
        return result.ReadAsJson<ClinicReviewScore>().ShouldNotBeNull();
    }
}
