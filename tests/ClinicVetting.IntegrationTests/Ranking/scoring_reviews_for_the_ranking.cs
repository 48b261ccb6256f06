using System.Text.Json;
using Alba;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;

namespace ClinicVetting.IntegrationTests.Ranking;

/// <summary>Review scores as a published edition and the review-stats endpoint show them, on populations that flatter the few.</summary>
public class scoring_reviews_for_the_ranking(AppFixture fixture) : IntegrationContext(fixture)
{
    private static readonly int[] FourAndAHalf = Enumerable.Range(0, 300).Select(i => i % 2 == 0 ? 4 : 5).ToArray();

    private async Task<JsonElement> Json(string? token, string url)
    {
        var result = await Call(token, s => s.Get.Url(url));
        return JsonDocument.Parse(result.ReadAsText()).RootElement.Clone();
    }

    private async Task<int> PublishedEdition()
    {
        var proposal = await Host.Propose(Staff);
        var edition = await Host.ApproveProposal(Approver, proposal.Id);
        await CatchUpProjections();
        return edition.Edition;
    }

    [Fact]
    public async Task six_perfect_reviews_rank_below_three_hundred_averaging_four_and_a_half_when_every_clinic_is_rated_highly()
    {
        // Unlucky for the old average: the mean of all reviews is above 4.5, so it no longer held the six back.
        var fewPerfect = await Host.AnApprovedClinic(Fixture, "Few Perfect Clinic", [5, 5, 5, 5, 5, 5]);
        var manyGood = await Host.AnApprovedClinic(Fixture, "Many Good Clinic", []);
        await Host.ImportedReviews(Fixture, manyGood, FourAndAHalf);
        await Host.AnApprovedClinic(Fixture, "Acclaimed Clinic", [5, 5, 5, 5, 5, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5]);

        var edition = await PublishedEdition();

        foreach (var url in new[] { $"/api/public/rankings/editions/{edition}", "/api/public/rankings" })
        {
            var root = await Json(null, url);
            var entries = (root.TryGetProperty("overall", out var overall) ? overall : root.GetProperty("entries")).EnumerateArray().ToList();
            int RankOf(Guid clinic) => entries.Single(x => x.GetProperty("clinicId").GetGuid() == clinic).GetProperty("rank").GetInt32();
            entries.Count.ShouldBe(3, url);
            RankOf(manyGood).ShouldBeLessThan(RankOf(fewPerfect), url);
        }
    }

    [Fact]
    public async Task the_review_stats_and_the_published_edition_give_each_clinic_the_same_review_score()
    {
        var clinics = new[]
        {
            await Host.AnApprovedClinic(Fixture, "Seven Reviews Clinic", [4, 4, 5, 4, 3, 5, 4]),
            await Host.AnApprovedClinic(Fixture, "Eleven Reviews Clinic", [5, 5, 4, 5, 5, 2, 5, 4, 5, 5, 3], "TR", "Turkish Ministry of Health"),
            await Host.AnApprovedClinic(Fixture, "Perfect Five Clinic", [5, 5, 5, 5, 5]),
        };
        var edition = await PublishedEdition();

        var entries = (await Json(null, $"/api/public/rankings/editions/{edition}")).GetProperty("overall").EnumerateArray().ToList();
        foreach (var clinic in clinics)
        {
            var published = entries.Single(x => x.GetProperty("clinicId").GetGuid() == clinic).GetProperty("reviewScore").GetDecimal();
            var stats = (await Json(Staff, $"/api/clinics/{clinic}/review-stats")).GetProperty("score").GetDecimal();
            stats.ShouldBe(published, $"clinic {clinic}");
        }
    }
}
