using System.Text.Json.Serialization;

namespace ClinicVetting.Reviews;

/// <summary>How many reviews gave each number of stars; Total (n) and RatingSum (S) are shown too, as the score uses them.</summary>
public sealed record StarCounts(int One, int Two, int Three, int Four, int Five)
{
    public static readonly StarCounts None = new(0, 0, 0, 0, 0);

    public int Total => One + Two + Three + Four + Five;

    public long RatingSum => One + 2L * Two + 3L * Three + 4L * Four + 5L * Five;

    /// <summary>One more review of <paramref name="stars"/> (or one less, with direction -1).</summary>
    public StarCounts Count(int stars, int direction = 1) => stars switch
    {
        1 => this with { One = One + direction },
        2 => this with { Two = Two + direction },
        3 => this with { Three = Three + direction },
        4 => this with { Four = Four + direction },
        5 => this with { Five = Five + direction },
        _ => throw new ArgumentOutOfRangeException(nameof(stars), stars, "A rating is 1 to 5 stars."),
    };

    public static StarCounts Of(IEnumerable<int> ratings) => ratings.Aggregate(None, (counts, rating) => counts.Count(rating));
}

/// <summary>Pseudo-counts per star: the reviews every clinic is scored as if it already had (a Dirichlet prior over the five stars).</summary>
public sealed record StarPseudoCounts(decimal One, decimal Two, decimal Three, decimal Four, decimal Five)
{
    [JsonIgnore]
    public decimal Total => One + Two + Three + Four + Five;

    [JsonIgnore]
    public decimal RatingSum => One + 2 * Two + 3 * Three + 4 * Four + 5 * Five;

    [JsonIgnore]
    public IEnumerable<decimal> All => [One, Two, Three, Four, Five];
}

/// <summary>The ranking policy's review-score parameters (docs/ranking-policy.md): the prior per star, the z of the credible level, the minimum count.</summary>
public sealed record ReviewScoreParameters(StarPseudoCounts PseudoCounts, decimal Z, int MinimumCount);

/// <summary>
/// A clinic's review score: a lower credible bound of its expected star rating, so that a mean counts only as far as the
/// number of reviews behind it supports it, whatever other clinics are rated. The one implementation: the stats endpoint
/// and the ranking both call it, with the ranking policy's parameters. docs/ranking-policy.md works an example through.
/// </summary>
/// <remarks>
/// With n reviews, rating sum S, pseudo-counts of total K and rating sum S₀:
/// mean = min((S + S₀) / (n + K), S / n), the posterior mean of the expected rating, never above the clinic's own mean;
/// score = mean − z·√((mean − 1)(5 − mean) / (n + K + 1)), at least 1, rounded once to 6 decimals.
/// (mean − 1)(5 − mean) is the widest variance any mix of 1 to 5 stars with that mean can have (Bhatia–Davis), so the
/// bound is never above the usual one that uses the mix's own variance, and unlike that one it never falls when a review's
/// stars rise or when more reviews of the same mix arrive.
/// Decimal throughout, the square root by Newton's method in decimal: the same digits on every machine.
/// </remarks>
[Published]
public static class ReviewScore
{
    public const int Places = 6;

    /// <summary>Null under the minimum count (and with no review at all).</summary>
    public static decimal? Of(StarCounts stars, ReviewScoreParameters parameters)
    {
        var count = stars.Total;
        if (count == 0 || count < parameters.MinimumCount)
        {
            return null;
        }

        var prior = parameters.PseudoCounts;
        var posteriorMean = (stars.RatingSum + prior.RatingSum) / (count + prior.Total);
        var ownMean = (decimal)stars.RatingSum / count;
        var mean = Math.Min(posteriorMean, ownMean);
        var widestVariance = (mean - 1) * (5 - mean);
        var bound = mean - parameters.Z * Sqrt(widestVariance / (count + prior.Total + 1));
        return Math.Round(Math.Clamp(bound, 1m, 5m), Places, MidpointRounding.ToEven);
    }

    /// <summary>Newton's method from above the root: the iterates fall until they cannot, at decimal's 28 digits.</summary>
    public static decimal Sqrt(decimal value)
    {
        if (value <= 0)
        {
            return 0;
        }

        var root = Math.Max(value, 1m);
        while (true)
        {
            var next = (root + value / root) / 2;
            if (next >= root)
            {
                return root;
            }

            root = next;
        }
    }
}
