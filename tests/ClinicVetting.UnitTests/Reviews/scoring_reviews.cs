using System.Globalization;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using CsCheck;

namespace ClinicVetting.UnitTests.Reviews;

/// <summary>
/// The review score as clinics live it: how much evidence a mean rests on counts, and nothing else does (no other clinic's
/// reviews). The properties are checked over random star mixes and random policy parameters, not restated as formulas.
/// </summary>
public class scoring_reviews
{
    private static readonly ReviewScoreParameters Policy = RankingPolicy.Default.Reviews.Parameters!;

    private static StarCounts Stars(int one = 0, int two = 0, int three = 0, int four = 0, int five = 0) => new(one, two, three, four, five);

    private static decimal Score(StarCounts stars, ReviewScoreParameters? parameters = null) =>
        ReviewScore.Of(stars, parameters ?? Policy).ShouldNotBeNull();

    private static readonly Gen<StarCounts> AnyMix =
        Gen.Select(Gen.Int[0, 60], Gen.Int[0, 60], Gen.Int[0, 60], Gen.Int[0, 60], Gen.Int[0, 60])
            .Where(x => x.Item1 + x.Item2 + x.Item3 + x.Item4 + x.Item5 > 0)
            .Select(x => new StarCounts(x.Item1, x.Item2, x.Item3, x.Item4, x.Item5));

    /// <summary>Any parameters the policy endpoint accepts: pseudo-counts with some weight below five stars, z from 0 to 10.</summary>
    private static readonly Gen<ReviewScoreParameters> AnyValidParameters =
        Gen.Select(Gen.Int[0, 40], Gen.Int[0, 40], Gen.Int[0, 40], Gen.Int[0, 40], Gen.Int[0, 40], Gen.Int[0, 1000])
            .Where(x => x.Item1 + x.Item2 + x.Item3 + x.Item4 > 0)
            .Select(x => new ReviewScoreParameters(new StarPseudoCounts(x.Item1 / 4m, x.Item2 / 4m, x.Item3 / 4m, x.Item4 / 4m, x.Item5 / 4m), x.Item6 / 100m, 0));

    /// <summary>A mix of at least <paramref name="atLeast"/> reviews whose mean is 4.5 or more, with any number of low ratings in it.</summary>
    private static Gen<StarCounts> AHighMean(int atLeast) =>
        Gen.Select(Gen.Int[0, 40], Gen.Int[0, 40], Gen.Int[0, 40], Gen.Int[0, 400], Gen.Int[0, 3000])
            .Select(x =>
            {
                var (one, two, three, four, extra) = x;
                var others = one + two + three + four;
                var othersSum = one + 2 * two + 3 * three + 4 * four;
                // (othersSum + 5·fives) / (others + fives) >= 4.5  <=>  fives >= 9·others - 2·othersSum
                var fives = Math.Max(Math.Max(9 * others - 2 * othersSum, atLeast - others), 0) + extra;
                return new StarCounts(one, two, three, four, fives);
            });

    [Fact]
    public void six_five_star_reviews_score_below_three_hundred_averaging_four_and_a_half()
    {
        var fewPerfect = Score(Stars(five: 6));
        var manyGood = Score(Stars(four: 150, five: 150));

        fewPerfect.ShouldBeLessThan(manyGood);
    }

    [Fact]
    public void a_handful_of_perfect_reviews_never_beats_fifty_or_more_that_average_four_and_a_half()
    {
        Gen.Select(Gen.Int[1, 10], AHighMean(atLeast: 50)).Sample(x =>
        {
            var (perfect, good) = x;
            ((decimal)good.RatingSum / good.Total).ShouldBeGreaterThanOrEqualTo(4.5m);
            var anyCount = Policy with { MinimumCount = 1 };
            Score(Stars(five: perfect), anyCount).ShouldBeLessThan(Score(good, anyCount), $"{perfect} five-star reviews against {good}");
        }, iter: 2_000);
    }

    [Fact]
    public void more_reviews_of_the_same_mix_never_lower_the_score_whatever_the_policy_parameters()
    {
        Gen.Select(AnyMix, Gen.Int[2, 50], AnyValidParameters).Sample(x =>
        {
            var (mix, times, parameters) = x;
            var more = new StarCounts(mix.One * times, mix.Two * times, mix.Three * times, mix.Four * times, mix.Five * times);
            Score(more, parameters).ShouldBeGreaterThanOrEqualTo(Score(mix, parameters), $"{mix} then {more} under {parameters}");
        }, iter: 3_000);
    }

    [Fact]
    public void a_review_rated_higher_never_lowers_the_score_whatever_the_policy_parameters()
    {
        Gen.Select(AnyMix, Gen.Int[1, 4], AnyValidParameters).Where(x => Count(x.Item1, x.Item2) > 0).Sample(x =>
        {
            var (mix, from, parameters) = x;
            var raised = mix.Count(from, -1).Count(from + 1);
            Score(raised, parameters).ShouldBeGreaterThanOrEqualTo(Score(mix, parameters), $"{mix}, one review from {from} to {from + 1} stars, under {parameters}");
        }, iter: 3_000);
    }

    [Fact]
    public void the_score_stays_on_the_one_to_five_star_scale()
    {
        Gen.Select(AnyMix, AnyValidParameters).Sample(x =>
        {
            var score = Score(x.Item1, x.Item2);
            score.ShouldBeInRange(1m, 5m);
            decimal.Round(score, ReviewScore.Places).ShouldBe(score);
        }, iter: 3_000);
    }

    [Fact]
    public void only_one_star_reviews_score_one_and_only_five_star_reviews_stay_below_five()
    {
        Score(Stars(one: 1_000)).ShouldBe(1m);
        Score(Stars(five: 1_000_000)).ShouldBe(4.999989m, "docs/ranking-policy.md says so");
    }

    [Fact]
    public void under_the_minimum_count_there_is_no_score()
    {
        ReviewScore.Of(Stars(five: 4), Policy).ShouldBeNull();
        ReviewScore.Of(Stars(five: 5), Policy).ShouldNotBeNull();
        ReviewScore.Of(StarCounts.None, Policy with { MinimumCount = 0 }).ShouldBeNull();
    }

    [Fact]
    public void the_decimal_square_root_agrees_with_the_floating_point_one()
    {
        Gen.Int[0, 100_000_000].Select(x => x / 1_000_000m).Sample(value =>
        {
            var root = ReviewScore.Sqrt(value);
            ((double)root).ShouldBe(Math.Sqrt((double)value), tolerance: 1e-12);
            (root * root).ShouldBe(value, tolerance: 1e-20m);
        }, iter: 2_000);
        ReviewScore.Sqrt(0m).ShouldBe(0m);
        ReviewScore.Sqrt(2.25m).ShouldBe(1.5m);
    }

    [Fact]
    public void the_worked_example_in_the_ranking_policy_document_is_what_the_code_computes()
    {
        // docs/ranking-policy.md: 12 reviews, none of one star, one of two, one of three, four of four, six of five.
        var score = Score(Stars(one: 0, two: 1, three: 1, four: 4, five: 6));

        score.ShouldBe(3.238513m);
        var document = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "ranking-policy.md"));
        document.ShouldContain($"= **{score.ToString(CultureInfo.InvariantCulture)}**");
        document.ShouldContain($"six five-star reviews score {Score(Stars(five: 6)).ToString("0.000", CultureInfo.InvariantCulture)}");
        document.ShouldContain($"300 reviews averaging 4.5 (150 of four stars, 150 of five) score {Score(Stars(four: 150, five: 150)).ToString("0.000", CultureInfo.InvariantCulture)}");
    }

    private static int Count(StarCounts counts, int stars) => stars switch
    {
        1 => counts.One,
        2 => counts.Two,
        3 => counts.Three,
        4 => counts.Four,
        _ => counts.Five,
    };

    private static string RepositoryRoot() => ClinicVetting.Testing.RepoPaths.Root;
}
