using ClinicVetting.Clinics;
using ClinicVetting.Infrastructure.Messaging;

namespace ClinicVetting.Reviews;

public sealed record SubmitReview(ReviewSubmission Submission);

/// <summary>The review's id, and whether this was a resend of a review already submitted (nothing written).</summary>
public sealed record ReviewSubmissionOutcome(Guid ReviewId, bool Resent);

public sealed record ReviewReceipt(Guid Id, string ExternalReviewId) : CreationResponse($"/api/reviews/{Id}");

public static class SubmitReviewEndpoint
{
    public static ProblemDetails Validate(ReviewSubmission submission, TimeProvider clock) => submission.Validate(clock.GetUtcNow()).ToProblem();

    /// <summary>
    /// Submit a patient review (the booking system). Its id derives from externalReviewId: a resend gets the first
    /// answer and writes nothing, the same externalReviewId with other content is a 409, and so is a second review
    /// of one booking. Screening follows at once: clean verified reviews are published, the rest held for moderation.
    /// </summary>
    [WolverinePost("/api/reviews", OperationId = "SubmitReview"), Authorize(Policy = Policies.Booking)]
    [Tags("Reviews")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<ReviewReceipt> Post(ReviewSubmission submission, IMessageBus bus, HttpResponse response)
    {
        var result = await bus.InvokeAsync<ReviewSubmissionOutcome>(new SubmitReview(submission));
        if (result.Resent)
        {
            response.Headers[IdempotencyMiddleware.ReplayedHeader] = "true";
        }

        return new ReviewReceipt(result.ReviewId, submission.ExternalReviewId.Trim());
    }
}

public static class SubmitReviewHandler
{
    [RetryLostRace]
    public static async Task<(ReviewSubmissionOutcome, ScreenReviews?)> Handle(SubmitReview command, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        var submission = command.Submission.Normalized();
        var known = await KnownReviews.Load(session, [submission], cancellation);
        var reviewId = Review.IdFor(submission.ExternalReviewId);

        var submitted = Decide(submission, known.ById(reviewId), known.ReviewOfBooking(submission.BookingId),
            known.ClinicExists(submission.ClinicId), clock.GetUtcNow());
        if (submitted is null)
        {
            return (new ReviewSubmissionOutcome(reviewId, Resent: true), null);
        }

        session.Events.StartStream<Review>(reviewId, submitted);
        return (new ReviewSubmissionOutcome(reviewId, Resent: false), new ScreenReviews([reviewId]));
    }

    /// <summary>
    /// A new review, or null for a resend of one already submitted with the same content (nothing to write).
    /// The same review id with other content, or a second review of one booking, is a conflict.
    /// </summary>
    public static ReviewSubmitted? Decide(ReviewSubmission submission, Review? sameReviewId, Guid? reviewOfSameBooking, bool clinicExists, DateTimeOffset now)
    {
        var review = submission.Normalized();
        return Decide(review, Review.IdFor(review.ExternalReviewId), review.BodyHash(), sameReviewId, reviewOfSameBooking, clinicExists, now);
    }

    /// <summary>The same decision for a submission already prepared (an import prepares its items before their batch's turn).</summary>
    public static ReviewSubmitted? Decide(PreparedSubmission prepared, Review? sameReviewId, Guid? reviewOfSameBooking, bool clinicExists, DateTimeOffset now) =>
        Decide(prepared.Normalized, prepared.ReviewId, prepared.BodyHash, sameReviewId, reviewOfSameBooking, clinicExists, now);

    private static ReviewSubmitted? Decide(ReviewSubmission review, Guid reviewId, string hash, Review? sameReviewId, Guid? reviewOfSameBooking,
        bool clinicExists, DateTimeOffset now)
    {
        if (sameReviewId is not null)
        {
            return sameReviewId.BodyHash == hash
                ? null
                : throw new Conflict($"Review '{review.ExternalReviewId}' was already submitted with other content; a submitted review is never overwritten.")
                {
                    Extensions = { ["reviewId"] = sameReviewId.Id },
                };
        }

        if (!clinicExists)
        {
            throw new NotFound("Clinic", review.ClinicId);
        }

        if (reviewOfSameBooking is { } other)
        {
            throw new Conflict($"Booking '{review.BookingId}' already has a review: one review per episode of care.")
            {
                Extensions = { ["reviewId"] = other },
            };
        }

        return new ReviewSubmitted(reviewId, review.ClinicId, review.ExternalReviewId, review.BookingId,
            review.Rating, review.Text, review.Treatment, review.TreatmentDate, review.WrittenAt, review.BookingVerified,
            review.ReviewerInitials(), review.ReviewerEmailDomain(), hash, now);
    }
}

/// <summary>
/// What the submission decisions need to know about a set of submissions, read in one round trip: reviews with the
/// same ids, reviews of the same bookings, which clinics exist. <see cref="Remember"/> adds a review accepted
/// meanwhile, so later submissions of one batch see the earlier ones.
/// </summary>
public sealed class KnownReviews
{
    private readonly Dictionary<Guid, Review> _byId;
    private readonly Dictionary<string, Guid> _byBooking;
    private readonly HashSet<Guid> _clinics;

    private KnownReviews(Dictionary<Guid, Review> byId, Dictionary<string, Guid> byBooking, HashSet<Guid> clinics)
    {
        _byId = byId;
        _byBooking = byBooking;
        _clinics = clinics;
    }

    public static async Task<KnownReviews> Load(IQuerySession session, IReadOnlyCollection<ReviewSubmission> normalized, CancellationToken cancellation)
    {
        var ids = normalized.Select(x => Review.IdFor(x.ExternalReviewId)).Distinct().ToArray();
        var bookings = normalized.Select(x => x.BookingId).Distinct().ToArray();
        var clinics = normalized.Select(x => x.ClinicId).Distinct().ToArray();

        // Reviews by id and by booking in one statement, so one snapshot: two statements could straddle a racing
        // submission's commit and see its booking taken but not its id, answering a resend with "already reviewed".
        var batch = session.CreateBatchQuery();
        var related = batch.Query<Review>().Where(x => x.Id.IsOneOf(ids) || x.BookingId.IsOneOf(bookings)).ToList();
        var existingClinics = batch.Query<ClinicProfile>().Where(x => x.Id.IsOneOf(clinics)).Select(x => x.Id).ToList();
        await batch.Execute(cancellation);

        // A review found by its booking alone is never looked up by id (every id of the batch was asked for).
        var reviews = await related;
        return new KnownReviews(
            reviews.ToDictionary(x => x.Id),
            reviews.ToDictionary(x => x.BookingId, x => x.Id),
            [.. await existingClinics]);
    }

    public Review? ById(Guid reviewId) => _byId.GetValueOrDefault(reviewId);

    public Guid? ReviewOfBooking(string bookingId) => _byBooking.TryGetValue(bookingId, out var id) ? id : null;

    public bool ClinicExists(Guid clinicId) => _clinics.Contains(clinicId);

    public void Remember(Review accepted)
    {
        _byId[accepted.Id] = accepted;
        _byBooking[accepted.BookingId] = accepted.Id;
    }
}
