using ClinicVetting.Clinics;
using Marten;

namespace ClinicVetting.Reviews;

/// <summary>Screen these newly submitted reviews, in this order. Sent by the submission and the import, never by a caller.</summary>
public sealed record ScreenReviews(IReadOnlyList<Guid> ReviewIds);

/// <summary>
/// Runs on a sequential local queue, so each review is compared with everything screened before it. Reviews no longer
/// pending (a redelivered message) are left alone. The outcome is recorded under the screening's own user name.
/// </summary>
public static class ScreenReviewsHandler
{
    public static async Task Handle(ScreenReviews command, IDocumentSession session, TimeProvider clock, ILogger<ScreenReviews> logger,
        CancellationToken cancellation)
    {
        var fetch = session.CreateBatchQuery();
        var fetching = command.ReviewIds.Select(id => fetch.Events.FetchForWriting<Review>(id)).ToList();
        await fetch.Execute(cancellation);
        var streams = (await Task.WhenAll(fetching)).Where(x => x.Aggregate is { Status: ReviewStatus.Pending }).ToList();
        if (streams.Count == 0)
        {
            return;
        }

        var pending = streams.Select(x => x.Aggregate!).ToList();
        var policy = ScreeningPolicy.Default;
        var clinicIds = pending.Select(x => x.ClinicId).Distinct().ToArray();
        var fingerprints = pending.Select(x => x.TextFingerprint).OfType<string>().Distinct().ToArray();
        var from = pending.Min(x => x.WrittenAt) - policy.BurstWindow;
        var to = pending.Max(x => x.WrittenAt) + policy.BurstWindow;

        var context = session.CreateBatchQuery();
        var sameText = context.Query<Review>()
            .Where(x => x.Status != ReviewStatus.Pending && x.TextFingerprint.IsOneOf(fingerprints))
            .Select(x => new { x.Id, x.ClinicId, x.WrittenAt, x.TextFingerprint })
            .ToList();
        var nearby = context.Query<Review>()
            .Where(x => x.Status != ReviewStatus.Pending && x.ClinicId.IsOneOf(clinicIds) && x.WrittenAt >= from && x.WrittenAt <= to)
            .Select(x => new { x.Id, x.ClinicId, x.WrittenAt, x.TextFingerprint })
            .ToList();
        var clinics = context.LoadMany<ClinicProfile>().ById(clinicIds);
        await context.Execute(cancellation);

        var screenedBefore = (await sameText).Concat(await nearby)
            .DistinctBy(x => x.Id)
            .Select(x => new ScreenedReview(x.Id, x.ClinicId, x.WrittenAt, x.TextFingerprint));
        var websites = (await clinics).ToDictionary(x => x.Id, x => x.Website);
        var findings = ReviewScreening.ScreenInOrder(pending, screenedBefore, websites, policy);

        var now = clock.GetUtcNow();
        for (var i = 0; i < streams.Count; i++)
        {
            streams[i].AppendOne(ReviewDecisions.Screened(pending[i], findings[i], now));
        }

        session.LastModifiedBy = ReviewScreening.SystemUser;
        logger.LogDebug("Screened {Count} reviews: {Held} held for moderation", pending.Count, findings.Count(x => x.Count > 0));
    }
}
