using ClinicVetting.Reviews;
using static ClinicVetting.UnitTests.Reviews.ReviewExamples;

namespace ClinicVetting.UnitTests.Reviews;

public class counting_a_clinics_reviews
{
    private readonly ClinicReviewStatsProjection _projection = new();
    private readonly ClinicReviewStats _stats = new() { Id = ClinicId };

    private ReviewPublished Published(int rating, bool verified, ReviewStatus from) =>
        new(Guid.NewGuid(), ClinicId, rating, verified, from, ModerationReason.PassedScreening, null, Now);

    [Fact]
    public void reviews_move_between_statuses_and_only_published_verified_ones_make_the_mean()
    {
        var review = SubmitReviewHandler.Decide(ASubmission(), null, null, true, Now)!;
        for (var i = 0; i < 4; i++) _projection.Apply(review, _stats);

        _projection.Apply(Published(5, verified: true, ReviewStatus.Pending), _stats);
        _projection.Apply(Published(4, verified: true, ReviewStatus.Pending), _stats);
        _projection.Apply(new ReviewHeldForModeration(Guid.NewGuid(), ClinicId, 1, [], Now), _stats);
        _projection.Apply(new ReviewHeldForModeration(Guid.NewGuid(), ClinicId, 2, [], Now), _stats);
        _projection.Apply(Published(1, verified: false, ReviewStatus.Held), _stats);

        _stats.Pending.ShouldBe(0);
        _stats.Held.ShouldBe(1);
        _stats.Published.ShouldBe(3);
        _stats.VerifiedPublished.ShouldBe(2);
        _stats.VerifiedPublishedMean.ShouldBe(4.5);
    }

    [Fact]
    public void rejecting_a_published_review_takes_it_out_of_the_mean_and_restoring_puts_it_back()
    {
        _projection.Apply(SubmitReviewHandler.Decide(ASubmission(), null, null, true, Now)!, _stats);
        _projection.Apply(SubmitReviewHandler.Decide(ASubmission("rev-2", "BK-2"), null, null, true, Now)!, _stats);
        _projection.Apply(Published(5, verified: true, ReviewStatus.Pending), _stats);
        _projection.Apply(Published(3, verified: true, ReviewStatus.Pending), _stats);

        _projection.Apply(new ReviewRejected(Guid.NewGuid(), ClinicId, 3, true, ReviewStatus.Published, ModerationReason.Fake, "n", Now), _stats);
        (_stats.Published, _stats.Rejected, _stats.VerifiedPublishedMean).ShouldBe((1, 1, 5.0));

        _projection.Apply(new ReviewRestored(Guid.NewGuid(), ClinicId, 3, true, ModerationReason.AppealUpheld, "n", Now), _stats);
        (_stats.Published, _stats.Rejected, _stats.VerifiedPublishedMean).ShouldBe((2, 0, 4.0));
    }
}
