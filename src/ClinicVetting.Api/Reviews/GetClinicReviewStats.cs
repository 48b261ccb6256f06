using ClinicVetting.Clinics;
using ClinicVetting.Infrastructure.Auth;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClinicVetting.Reviews;

/// <summary>A clinic's review counts and its score under the ranking policy's parameters, with the prior mean they resolved to.</summary>
public sealed record ClinicReviewScore(
    Guid ClinicId,
    int Pending,
    int Held,
    int Published,
    int Rejected,
    int VerifiedPublished,
    double? VerifiedPublishedMean,
    double? Score,
    ReviewScoreParameters Parameters);

public static class GetClinicReviewStatsEndpoint
{
    /// <summary>A clinic's reviews by status and its Bayesian review score (null under the minimum count). Updated asynchronously.</summary>
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
        var allCount = await session.Query<ClinicReviewStats>().SumAsync(x => x.VerifiedPublished, cancellation);
        var allSum = await session.Query<ClinicReviewStats>().SumAsync(x => x.VerifiedPublishedRatingSum, cancellation);

        // The ranking policy in force says how reviews score; the defaults stand in before one exists.
        var policy = await session.LoadAsync<Ranking.CurrentRankingPolicy>(Ranking.CurrentRankingPolicy.StreamId, cancellation);
        var parameters = policy is null
            ? ReviewScoreParameters.Default
            : new ReviewScoreParameters((double)policy.Policy.Reviews.PriorWeight, (double?)policy.Policy.Reviews.PriorMean, policy.Policy.Reviews.MinimumCount);
        var priorMean = ReviewScore.PriorMean(parameters, allCount, allSum);
        return new ClinicReviewScore(clinicId, stats.Pending, stats.Held, stats.Published, stats.Rejected, stats.VerifiedPublished,
            stats.VerifiedPublishedMean, ReviewScore.Bayesian(stats.VerifiedPublished, stats.VerifiedPublishedRatingSum, priorMean, parameters),
            parameters with { PriorMean = priorMean });
    }
}
