using ClinicVetting.Reviews;

namespace ClinicVetting.UnitTests.Reviews;

public static class ReviewExamples
{
    public static readonly DateTimeOffset Now = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    public static readonly Guid ClinicId = Guid.Parse("0b9b4d3e-6a4c-4f3e-9d59-6f1f8f6a1c01");

    public static ReviewSubmission ASubmission(string externalId = "rev-1", string bookingId = "BK-1", int rating = 5,
        string text = "The team explained every step and the follow-up was excellent.", bool verified = true,
        DateTimeOffset? writtenAt = null, string? email = null) =>
        new(externalId, bookingId, ClinicId, rating, text, "Knee program", new DateOnly(2026, 9, 1),
            writtenAt ?? Now.AddDays(-10), verified, "Maria José López", email);

    public static Review AReview(ReviewSubmission? submission = null) =>
        Review.Create(SubmitReviewHandler.Decide(submission ?? ASubmission(), null, null, clinicExists: true, Now)!);

    public static Review With(this Review review, IReviewEvent e)
    {
        switch (e)
        {
            case ReviewHeldForModeration held: review.Apply(held); break;
            case ReviewPublished published: review.Apply(published); break;
            case ReviewRejected rejected: review.Apply(rejected); break;
            case ReviewRestored restored: review.Apply(restored); break;
        }

        review.Version++;
        return review;
    }
}
