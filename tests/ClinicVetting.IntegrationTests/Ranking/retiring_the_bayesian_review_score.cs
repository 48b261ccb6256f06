using System.Text.Json;
using Alba;
using ClinicVetting.Audit;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting.ReferenceData;
using Marten;

namespace ClinicVetting.IntegrationTests.Ranking;

/// <summary>A database whose policy in force still scores reviews by the retired Bayesian average, as every database did before.</summary>
public class retiring_the_bayesian_review_score(AppFixture fixture) : IntegrationContext(fixture)
{
    private static readonly RankingPolicy Retired = RankingPolicy.Default with { Reviews = new ReviewScoring(MinimumCount: 5, PriorWeight: 20, PriorMean: null) };

    private async Task<long> PublishTheRetiredPolicy()
    {
        await using var session = Store.LightweightSession();
        var policy = await session.Events.FetchForWriting<CurrentRankingPolicy>(CurrentRankingPolicy.StreamId);
        policy.AppendOne(new RankingPolicyPublished(Retired, "The policy as published before the credible bound"));
        await session.SaveChangesAsync();
        return (await session.Events.FetchStreamStateAsync(CurrentRankingPolicy.StreamId))!.Version;
    }

    private async Task<JsonElement> Json(string? token, string url) =>
        JsonDocument.Parse((await Call(token, s => s.Get.Url(url))).ReadAsText()).RootElement.Clone();

    [Fact]
    public async Task at_start_up_it_gets_the_credible_bound_as_its_next_policy_version_and_its_old_editions_still_replay()
    {
        var retiredVersion = await PublishTheRetiredPolicy();
        await Host.AnApprovedClinic(Fixture, "Few Perfect Clinic", [5, 5, 5, 5, 5, 5]);
        await Host.AnApprovedClinic(Fixture, "Good Clinic", [4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5]);
        var old = await Host.Propose(Staff);
        old.PolicyVersion.ShouldBe(retiredVersion);
        await Host.ApproveProposal(Approver, old.Id);
        // What that policy published: the average pulled towards the mean of all reviews, 84 / 18 = 4.666667.
        var published = (await Host.GetProposal(Staff, old.Id)).Computation;
        published.ReviewPriorMean.ShouldBe(4.666667m);
        published.Ranked.Select(x => (x.Name, x.ReviewScore)).ShouldBe([("Few Perfect Clinic", 4.743590m), ("Good Clinic", 4.604167m)]);

        await new RankingPolicySeed().Populate(Store, CancellationToken.None);
        await new RankingPolicySeed().Populate(Store, CancellationToken.None);

        var policy = await Json(null, "/api/ranking/policy");
        policy.GetProperty("version").GetInt64().ShouldBe(retiredVersion + 1, "published once, however often the seed runs");
        policy.GetProperty("reason").GetString().ShouldBe(RankingPolicySeed.RetiredReviewScoreReason);
        var reviews = policy.GetProperty("policy").GetProperty("reviews");
        reviews.GetProperty("z").GetDecimal().ShouldBe(1.645m);
        reviews.GetProperty("pseudoCounts").GetProperty("one").GetDecimal().ShouldBe(1m);
        reviews.TryGetProperty("priorWeight", out _).ShouldBeFalse();

        var replay = await Json(Auditor, "/api/audit/editions/1/replay");
        replay.GetProperty("matches").GetBoolean().ShouldBeTrue(replay.GetProperty("differences").ToString());
        replay.GetProperty("proposalMatches").GetBoolean().ShouldBeTrue();

        var next = await Host.GetProposal(Staff, (await Host.Propose(Staff)).Id);
        next.PolicyVersion.ShouldBe(retiredVersion + 1);
        next.Computation.ReviewPriorMean.ShouldBeNull();
        next.Computation.Ranked.ShouldAllBe(x => x.Factors.Single(f => f.Factor == RankingFactor.PatientReviews).Basis.Contains("lower credible bound"));
    }

    [Fact]
    public async Task the_policy_endpoint_no_longer_accepts_the_retired_review_score_nor_a_prior_that_leaves_five_stars_unchecked()
    {
        var retired = await Host.Send(Approver, s => s.Put.Json(new PublishRankingPolicyInput(Retired, "Back to the average")).ToUrl("/api/ranking/policy"), 400);
        retired.ShouldBeProblem(400).Errors!.Keys.ShouldContain("policy.reviews");

        var onlyFives = RankingPolicy.Default with
        {
            Reviews = RankingPolicy.Default.Reviews with { PseudoCounts = new StarPseudoCounts(0, 0, 0, 0, 3) },
        };
        var refused = await Host.Send(Approver, s => s.Put.Json(new PublishRankingPolicyInput(onlyFives, "Generous prior")).ToUrl("/api/ranking/policy"), 400);
        refused.ShouldBeProblem(400).Errors!.Keys.ShouldContain("policy.reviews.pseudoCounts");

        var stricter = RankingPolicy.Default with { Reviews = RankingPolicy.Default.Reviews with { Z = 2.326m } };
        (await Host.Send(Approver, s => s.Put.Json(new PublishRankingPolicyInput(stricter, "99 % bound")).ToUrl("/api/ranking/policy")))
            .ReadAsJson<RankingPolicyVersion>()!.Version.ShouldBe(2);
    }
}
