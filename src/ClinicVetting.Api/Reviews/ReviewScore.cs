namespace ClinicVetting.Reviews;

/// <summary>
/// How published verified reviews become a clinic's score: a Bayesian average that pulls a clinic with few reviews
/// towards <see cref="PriorMean"/> as if it had <see cref="PriorWeight"/> more reviews of that mean, and no score at
/// all below <see cref="MinimumCount"/> reviews. A null prior mean means the mean of every published verified
/// review. The ranking policy passes its own.
/// </summary>
public sealed record ReviewScoreParameters(double PriorWeight = 20, double? PriorMean = null, int MinimumCount = 5)
{
    public static readonly ReviewScoreParameters Default = new();
}

public static class ReviewScore
{
    /// <summary>The prior when no published verified review exists anywhere: the middle of the 1 to 5 scale.</summary>
    public const double ScaleMidpoint = 3.0;

    public static double PriorMean(ReviewScoreParameters parameters, long allVerifiedCount, long allVerifiedRatingSum) =>
        parameters.PriorMean ?? (allVerifiedCount > 0 ? (double)allVerifiedRatingSum / allVerifiedCount : ScaleMidpoint);

    /// <summary>(m·C + Σ ratings) / (m + n), or null under the minimum count.</summary>
    public static double? Bayesian(int verifiedCount, long verifiedRatingSum, double priorMean, ReviewScoreParameters parameters) =>
        verifiedCount < parameters.MinimumCount
            ? null
            : (parameters.PriorWeight * priorMean + verifiedRatingSum) / (parameters.PriorWeight + verifiedCount);
}
