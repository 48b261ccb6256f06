using JasperFx.Events.Projections;
using Marten;
using Wolverine;

namespace ClinicVetting.Reviews;

public static class ReviewsModule
{
    public static void Configure(StoreOptions opts)
    {
        opts.Projections.Snapshot<Review>(SnapshotLifecycle.Inline);
        opts.Schema.For<Review>()
            .UniqueIndex(x => x.BookingId)
            // A clinic's reviews (its page, its stats), and those written near a time (screening for bursts).
            .Index([x => x.ClinicId, x => x.WrittenAt])
            .Index(x => x.Status)
            .Index(x => x.WrittenAt)
            .Index(x => x.TextFingerprint);

        opts.Projections.Add<ClinicReviewStatsProjection>(ProjectionLifecycle.Async);
    }

    public static void Configure(WolverineOptions opts) =>
        // One batch at a time: each review is screened against every review screened before it.
        opts.LocalQueueFor<ScreenReviews>().Sequential();
}
