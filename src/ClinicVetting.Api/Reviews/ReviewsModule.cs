using ClinicVetting.Infrastructure.Hosting;
using JasperFx.Events.Projections;

namespace ClinicVetting.Reviews;

/// <summary>Patient reviews: submission and import, screening, moderation, and the per-clinic counts.</summary>
public static class ReviewsModule
{
    /// <summary>Every event a review's stream holds; known to Marten from the start, so any process reads old ones before it writes one.</summary>
    public static readonly Type[] Events =
        [typeof(ReviewSubmitted), typeof(ReviewSubmittedAndScreened), typeof(ReviewHeldForModeration), typeof(ReviewPublished), typeof(ReviewRejected), typeof(ReviewRestored)];

    public static void AddReviews(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(opts =>
        {
            opts.Events.AddEventTypes(Events);
            opts.Projections.Snapshot<Review>(SnapshotLifecycle.Inline);
            opts.Schema.For<Review>()
                .UniqueIndex(x => x.BookingId)
                // A clinic's reviews (its page, its stats), and those written near a time (screening for bursts). No index on
                // the written time alone: no query reads reviews by time across clinics, and each index costs every
                // imported review (issue 17: EXPLAIN of the public list, the moderation queue and screening's reads).
                .Index([x => x.ClinicId, x => x.WrittenAt])
                .Index(x => x.Status)
                .Index(x => x.TextFingerprint);

            opts.Projections.Add<ClinicReviewStatsProjection>(ProjectionLifecycle.Async);
            // The fairness report lists a period's clinics from the day index alone, then adds up one page of clinics' days.
            opts.Schema.For<ReviewFairnessDay>().Duplicate(x => x.ClinicId)
                .Duplicate(x => x.Day, pgType: "date", configure: index => index.IncludeColumns = ["clinic_id"]);
            opts.Schema.For<ReviewFairnessOverallDay>().Duplicate(x => x.Day, pgType: "date");
            opts.Projections.Add<ReviewFairnessDayProjection>(ProjectionLifecycle.Async);
            opts.Projections.Add<ReviewFairnessOverallDayProjection>(ProjectionLifecycle.Async);
            // The order the report pages its clinics in, sorted by PostgreSQL.
            opts.Storage.Add<ReviewFairnessSchema>();
        });

        // ClinicReviewStats' rebuild from scratch: one streaming pass instead of Marten's paged daemon rebuild (ProjectionRebuilds).
        builder.Services.AddSingleton<ImportStatistics>();
        // The fairness report's pages are index-only scans of the day documents: vacuumed right after a rebuild.
        builder.Services.AddSingleton(new VacuumedAfterRebuild(nameof(ReviewFairnessDay), typeof(ReviewFairnessDay)));
        builder.Services.AddSingleton(new VacuumedAfterRebuild(nameof(ReviewFairnessOverallDay), typeof(ReviewFairnessOverallDay)));
        builder.Services.AddSingleton<ClinicReviewStatsRebuild>();
        builder.Services.AddSingleton<IProjectionRebuild, ClinicReviewStatsRebuild>();

        builder.Services.ConfigureWolverine(opts =>
            // One batch at a time: each review is screened against every review screened before it.
            opts.LocalQueueFor<ScreenReviews>().Sequential());
    }
}
