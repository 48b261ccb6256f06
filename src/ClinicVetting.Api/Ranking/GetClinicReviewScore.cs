using ClinicVetting.Clinics;
using ClinicVetting.Reviews;

namespace ClinicVetting.Ranking;

/// <summary>
/// A clinic's review counts, its published verified reviews by stars, and its score under the ranking policy in force: what
/// its review score would be in the next edition. Ranking's question (the parameters are the policy's); Reviews keeps the counts
/// and the one score function both use.
/// </summary>
public sealed record ClinicReviewScore(
    Guid ClinicId,
    int Pending,
    int Held,
    int Published,
    int Rejected,
    int VerifiedPublished,
    double? VerifiedPublishedMean,
    StarCounts VerifiedPublishedStars,
    decimal? Score,
    ReviewScoreParameters Parameters);

public static class GetClinicReviewScoreEndpoint
{
    /// <summary>A clinic's reviews by status and by stars, and its review score (null under the minimum count). Updated asynchronously.</summary>
    [WolverineGet("/api/clinics/{clinicId}/review-stats", OperationId = "GetClinicReviewStats"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Reviews")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<ClinicReviewScore?> Get(Guid clinicId, IQuerySession session, CancellationToken cancellation)
    {
        if (!await session.Query<ClinicProfile>().AnyAsync(x => x.Id == clinicId, cancellation))
        {
            return null;
        }

        var stats = await session.LoadAsync<ClinicReviewStats>(clinicId, cancellation) ?? new ClinicReviewStats { Id = clinicId };
        var stars = stats.VerifiedPublishedStars.Total == stats.VerifiedPublished
            ? stats.VerifiedPublishedStars
            : await CountedAgain(session, clinicId, cancellation);

        // The ranking policy in force says how reviews score; the same function scores them in every edition.
        var policy = await session.LoadAsync<CurrentRankingPolicy>(CurrentRankingPolicy.StreamId, cancellation);
        var parameters = (policy?.Policy ?? RankingPolicy.Default).Reviews.Parameters ?? RankingPolicy.Default.Reviews.Parameters!;
        return new ClinicReviewScore(clinicId, stats.Pending, stats.Held, stats.Published, stats.Rejected, stats.VerifiedPublished,
            stats.VerifiedPublishedMean, stars, ReviewScore.Of(stars, parameters), parameters);
    }

    /// <summary>A statistics document written before stars were counted: the reviews themselves, until the projection is rebuilt.</summary>
    private static async Task<StarCounts> CountedAgain(IQuerySession session, Guid clinicId, CancellationToken cancellation) =>
        StarCounts.Of(await session.Query<Review>()
            .Where(x => x.ClinicId == clinicId && x.Status == ReviewStatus.Published && x.Verified)
            .Select(x => x.Rating)
            .ToListAsync(cancellation));
}
