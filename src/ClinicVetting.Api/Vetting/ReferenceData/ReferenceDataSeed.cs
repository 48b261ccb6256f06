using JasperFx.Events;
using Marten;
using Marten.Schema;

namespace ClinicVetting.Vetting.ReferenceData;

/// <summary>
/// The reference data every database starts with, as events: the seed's nine regulators, the first vetting rules and the
/// first ranking policy; and, in a database whose policy in force still scores reviews by the retired Bayesian average,
/// the next policy version with the credible-bound review score (its earlier editions keep replaying under their version).
/// Marten applies it at start-up (and after a test's data reset); it writes only what is missing.
/// </summary>
public sealed class ReferenceDataSeed : IInitialData
{
    public const string User = "system:reference-data";

    public const string RetiredReviewScoreReason =
        "Review score: a lower credible bound of the expected star rating instead of the Bayesian average, which let a few perfect " +
        "reviews outrank hundreds of good ones once the mean of all reviews was high (issue 11; docs/ranking-policy.md). Everything else unchanged.";

    public async Task Populate(IDocumentStore store, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        session.LastModifiedBy = User;

        if (await session.Events.FetchStreamStateAsync(RegulatorDirectory.StreamId, cancellation) is null)
        {
            session.Events.StartStream<RegulatorDirectory>(RegulatorDirectory.StreamId,
                RegulatorDirectory.Seed.Select(regulator => (object)new RegulatorRecorded(regulator, "Seed: the regulators named by the source article")).ToArray());
        }

        if (await session.Events.FetchStreamStateAsync(CurrentVettingRules.StreamId, cancellation) is null)
        {
            session.Events.StartStream<CurrentVettingRules>(CurrentVettingRules.StreamId,
                new VettingRulesPublished(VettingRuleSet.Default, "First rules, from DOMAIN.md"));
        }

        if (await session.Events.FetchStreamStateAsync(Ranking.CurrentRankingPolicy.StreamId, cancellation) is null)
        {
            session.Events.StartStream<Ranking.CurrentRankingPolicy>(Ranking.CurrentRankingPolicy.StreamId,
                new Ranking.RankingPolicyPublished(Ranking.RankingPolicy.Default, "First ranking policy: docs/ranking-policy.md"));
        }
        else
        {
            var policy = await session.Events.FetchForWriting<Ranking.CurrentRankingPolicy>(Ranking.CurrentRankingPolicy.StreamId, cancellation);
            if (policy.Aggregate is { Policy.Reviews.Parameters: null } retired)
            {
                policy.AppendOne(new Ranking.RankingPolicyPublished(
                    retired.Policy with { Reviews = Ranking.RankingPolicy.Default.Reviews with { MinimumCount = retired.Policy.Reviews.MinimumCount } },
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
