using Marten.Events.Projections;

namespace ClinicVetting.Reviews;

/// <summary>A clinic's reviews counted by status, and the published verified ones that its score is made of.</summary>
[Published]
public sealed class ClinicReviewStats
{
    /// <summary>The clinic's id.</summary>
    public Guid Id { get; set; }

    public int Pending { get; set; }
    public int Held { get; set; }
    public int Published { get; set; }
    public int Rejected { get; set; }

    /// <summary>Published and verified: the reviews that count for ranking.</summary>
    public int VerifiedPublished { get; set; }
    public long VerifiedPublishedRatingSum { get; set; }

    /// <summary>The same reviews by stars: what the review score is computed from.</summary>
    public StarCounts VerifiedPublishedStars { get; set; } = StarCounts.None;

    public double? VerifiedPublishedMean => VerifiedPublished == 0 ? null : (double)VerifiedPublishedRatingSum / VerifiedPublished;

    public void Move(ReviewStatus from, ReviewStatus to)
    {
        Count(from, -1);
        Count(to, +1);
    }

    public void CountVerifiedPublished(int rating, int direction)
    {
        VerifiedPublished += direction;
        VerifiedPublishedRatingSum += direction * rating;
        VerifiedPublishedStars = VerifiedPublishedStars.Count(rating, direction);
    }

    private void Count(ReviewStatus status, int direction)
    {
        switch (status)
        {
            case ReviewStatus.Pending: Pending += direction; break;
            case ReviewStatus.Held: Held += direction; break;
            case ReviewStatus.Published: Published += direction; break;
            case ReviewStatus.Rejected: Rejected += direction; break;
        }
    }
}

/// <summary>Per clinic, from every review's events; asynchronous, since many review streams feed one document.</summary>
public sealed partial class ClinicReviewStatsProjection : MultiStreamProjection<ClinicReviewStats, Guid>
{
    public ClinicReviewStatsProjection()
    {
        Identity<IReviewEvent>(x => x.ClinicId);
    }

    public void Apply(ReviewSubmitted submitted, ClinicReviewStats stats) => stats.Pending++;

    public void Apply(ReviewSubmittedAndScreened screened, ClinicReviewStats stats)
    {
        if (!screened.Published)
        {
            stats.Held++;
            return;
        }

        stats.Published++;
        if (screened.BookingVerified) stats.CountVerifiedPublished(screened.Rating, +1);
    }

    public void Apply(ReviewHeldForModeration held, ClinicReviewStats stats) => stats.Move(ReviewStatus.Pending, ReviewStatus.Held);

    public void Apply(ReviewPublished published, ClinicReviewStats stats)
    {
        stats.Move(published.PublishedFrom, ReviewStatus.Published);
        if (published.Verified) stats.CountVerifiedPublished(published.Rating, +1);
    }

    public void Apply(ReviewRejected rejected, ClinicReviewStats stats)
    {
        stats.Move(rejected.RejectedFrom, ReviewStatus.Rejected);
        if (rejected.RejectedFrom == ReviewStatus.Published && rejected.Verified) stats.CountVerifiedPublished(rejected.Rating, -1);
    }

    public void Apply(ReviewRestored restored, ClinicReviewStats stats)
    {
        stats.Move(ReviewStatus.Rejected, ReviewStatus.Published);
        if (restored.Verified) stats.CountVerifiedPublished(restored.Rating, +1);
    }
}
