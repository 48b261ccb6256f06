using ClinicVetting.Clinics;

namespace ClinicVetting.Reviews;

/// <summary>Screen these newly submitted reviews, in this order. Sent by a single submission (an import screens its own), never by a caller.</summary>
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
        await ScreeningReads.TakeTurn(session, cancellation);
        var fetch = session.CreateBatchQuery();
        var fetching = command.ReviewIds.Select(id => fetch.Events.FetchForWriting<Review>(id)).ToList();
        await fetch.Execute(cancellation);
        var streams = (await Task.WhenAll(fetching)).Where(x => x.Aggregate is { Status: ReviewStatus.Pending }).ToList();
        if (streams.Count == 0)
        {
            return;
        }

        var pending = streams.Select(x => x.Aggregate!).ToList();
        var findings = await ScreeningReads.Screen(session, pending, cancellation);

        var now = clock.GetUtcNow();
        for (var i = 0; i < streams.Count; i++)
        {
            streams[i].AppendOne(Decide(pending[i], findings[i], now));
        }

        session.LastModifiedBy = ReviewScreening.SystemUser;
        logger.LogDebug("Screened {Count} reviews: {Held} held for moderation", pending.Count, findings.Count(x => x.Count > 0));
    }

    /// <summary>Screening's outcome: published when it found nothing, else held with every finding.</summary>
    public static IReviewEvent Decide(Review review, IReadOnlyList<ScreeningFinding> findings, DateTimeOffset now) =>
        findings.Count == 0
            ? new ReviewPublished(review.Id, review.ClinicId, review.Rating, review.Verified, ReviewStatus.Pending,
                ModerationReason.PassedScreening, null, now)
            : new ReviewHeldForModeration(review.Id, review.ClinicId, review.Rating, findings, now);
}

/// <summary>
/// What screening compares new reviews with (reviews screened before with the same text or written near them, the clinics'
/// websites), read in one round trip; and the turn that makes screening sequential across processes and imports.
/// </summary>
public static class ScreeningReads
{
    /// <summary>At most this many time ranges per clinic and batch; beyond it, neighbouring ranges are merged.</summary>
    private const int MaxRangesPerClinic = 1_000;

    /// <summary>The advisory lock of screening's turn ("REVIEWSC"); no other lock of the application uses it.</summary>
    private const long TurnLock = 0x5245564945575343;

    /// <summary>
    /// Begins the session's transaction and waits for screening's turn, held until it commits: each review is screened
    /// against every review screened before it, whether by the screening queue or by an import on any node.
    /// </summary>
    public static async Task TakeTurn(IDocumentSession session, CancellationToken cancellation)
    {
        await session.BeginTransactionAsync(cancellation);
        await session.QueryAsync<bool>("select true from pg_advisory_xact_lock(?)", cancellation, TurnLock);
    }

    /// <summary>Each of <paramref name="pending"/>'s findings, in order, against everything screened before it.</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<ScreeningFinding>>> Screen(IDocumentSession session, IReadOnlyList<Review> pending,
        CancellationToken cancellation)
    {
        var policy = ScreeningPolicy.Default;
        var clinicIds = pending.Select(x => x.ClinicId).Distinct().ToArray();
        var fingerprints = pending.Select(x => x.TextFingerprint).OfType<string>().Distinct().ToArray();
        var ranges = pending.GroupBy(x => x.ClinicId)
            .SelectMany(clinic => ReviewScreening.RangesAround(clinic.Select(x => x.WrittenAt), policy.BurstWindow, MaxRangesPerClinic)
                .Select(range => (Clinic: clinic.Key, range.From, range.To)))
            .ToList();

        var context = session.CreateBatchQuery();
        var sameText = context.Query<Review>()
            .Where(x => x.Status != ReviewStatus.Pending && x.TextFingerprint.IsOneOf(fingerprints))
            .Select(x => new { x.Id, x.ClinicId, x.WrittenAt, x.TextFingerprint })
            .ToList();
        // Every range at once, each through the (clinic, written at) index: the reviews near the batch's own, not the clinic's
        // history. Only the four fields screening compares, as stored (not each whole review, read again by id).
        var schema = session.DocumentStore.Options.DatabaseSchemaName;
        var nearby = context.Query<ScreenedReview>($"""
            select jsonb_build_object('id', x.id, 'clinicId', x.data -> 'clinicId', 'writtenAt', x.data -> 'writtenAt',
                                      'textFingerprint', x.data -> 'textFingerprint')
            from unnest(?::uuid[], ?::timestamptz[], ?::timestamptz[]) as r(clinic, starts, ends)
            join {schema}.mt_doc_review as x
              on (x.data ->> 'clinicId')::uuid = r.clinic
             and {schema}.mt_immutable_timestamptz(x.data ->> 'writtenAt') between r.starts and r.ends
            where x.data ->> 'status' <> 'Pending'
            """, ranges.Select(x => x.Clinic).ToArray(), ranges.Select(x => x.From).ToArray(), ranges.Select(x => x.To).ToArray());
        var clinics = context.LoadMany<ClinicProfile>().ById(clinicIds);
        await context.Execute(cancellation);

        var screenedBefore = (await sameText).Select(x => new ScreenedReview(x.Id, x.ClinicId, x.WrittenAt, x.TextFingerprint))
            .Concat(await nearby)
            .DistinctBy(x => x.Id);
        var websites = (await clinics).ToDictionary(x => x.Id, x => x.Website);
        return ReviewScreening.ScreenInOrder(pending, screenedBefore, websites, policy);
    }
}
