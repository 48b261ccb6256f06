using ClinicVetting.Reviews;

namespace ClinicVetting.UnitTests.Reviews;

public class scoring_reviews
{
    [Fact]
    public void three_five_star_reviews_score_below_three_hundred_of_four_and_a_half_stars()
    {
        var parameters = ReviewScoreParameters.Default with { MinimumCount = 0 };
        const double typicalMean = 4.2;

        var few = ReviewScore.Bayesian(3, 3 * 5, typicalMean, parameters)!.Value;
        var many = ReviewScore.Bayesian(300, 300 * 9 / 2, typicalMean, parameters)!.Value;

        few.ShouldBeLessThan(many);
        many.ShouldBe(4.48, tolerance: 0.01);
    }

    [Fact]
    public void with_the_default_parameters_three_reviews_are_not_scored_at_all()
    {
        var priorMean = ReviewScore.PriorMean(ReviewScoreParameters.Default, allVerifiedCount: 303, allVerifiedRatingSum: 15 + 1_350);

        ReviewScore.Bayesian(3, 15, priorMean, ReviewScoreParameters.Default).ShouldBeNull();
        ReviewScore.Bayesian(300, 1_350, priorMean, ReviewScoreParameters.Default).ShouldNotBeNull();
    }

    [Fact]
    public void the_prior_mean_is_the_mean_of_every_published_verified_review_unless_the_parameters_fix_it()
    {
        ReviewScore.PriorMean(ReviewScoreParameters.Default, 4, 18).ShouldBe(4.5);
        ReviewScore.PriorMean(ReviewScoreParameters.Default with { PriorMean = 3.8 }, 4, 18).ShouldBe(3.8);
        ReviewScore.PriorMean(ReviewScoreParameters.Default, 0, 0).ShouldBe(ReviewScore.ScaleMidpoint);
    }

    [Fact]
    public void the_score_is_the_bayesian_average()
    {
        var parameters = new ReviewScoreParameters(PriorWeight: 10, PriorMean: null, MinimumCount: 5);

        ReviewScore.Bayesian(10, 45, priorMean: 4.0, parameters).ShouldBe((10 * 4.0 + 45) / 20);
    }
}
