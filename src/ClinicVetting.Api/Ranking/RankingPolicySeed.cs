using Marten.Schema;
using JasperFx.Events;

namespace ClinicVetting.Ranking;

/// <summary>
/// The first ranking policy every database starts with; and, in a database whose policy in force still scores reviews by
/// the retired Bayesian average, the next policy version with the credible-bound review score (its earlier editions keep
/// replaying under their version). Marten applies it at start-up (and after a test's data reset); it writes only what is missing.
/// </summary>
public sealed class RankingPolicySeed : IInitialData
{
    public const string User = "system:reference-data";

    public const string RetiredReviewScoreReason =
        "Review score: a lower credible bound of the expected star rating instead of the Bayesian average, which let a few perfect " +
        "reviews outrank hundreds of good ones once the mean of all reviews was high (issue 11; docs/ranking-policy.md). Everything else unchanged.";

    public async Task Populate(IDocumentStore store, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        session.LastModifiedBy = User;

        if (await session.Events.FetchStreamStateAsync(CurrentRankingPolicy.StreamId, cancellation) is null)
        {
            session.Events.StartStream<CurrentRankingPolicy>(CurrentRankingPolicy.StreamId,
                new RankingPolicyPublished(RankingPolicy.Default, "First ranking policy: docs/ranking-policy.md"));
        }
        else
        {
            var policy = await session.Events.FetchForWriting<CurrentRankingPolicy>(CurrentRankingPolicy.StreamId, cancellation);
            if (policy.Aggregate is { Policy.Reviews.Parameters: null } retired)
            {
                policy.AppendOne(new RankingPolicyPublished(
                    retired.Policy with { Reviews = RankingPolicy.Default.Reviews with { MinimumCount = retired.Policy.Reviews.MinimumCount } },
                    RetiredReviewScoreReason));
            }
        }

        try
        {
            await session.SaveChangesAsync(cancellation);
        }
        catch (Exception collision) when (collision is ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException
                                              or JasperFx.ConcurrencyException)
        {
            // Another instance seeded it first.
        }
    }
}
