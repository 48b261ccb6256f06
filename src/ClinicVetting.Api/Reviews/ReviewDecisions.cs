namespace ClinicVetting.Reviews;

public enum ModerationAction
{
    Publish,
    Reject,
    Restore,
}

/// <summary>What staff send with every moderation action: why (a code from the action's list) and a note.</summary>
public sealed record ModerationDecision(ModerationReason? Reason, string? Note)
{
    public const int MaxNoteLength = 2_000;

    public FieldErrors Validate(ModerationAction action) => new FieldErrors()
        .When(Reason is null, "reason", "is required")
        .When(Reason is { } reason && !ReviewDecisions.ReasonsFor[action].Contains(reason), "reason",
            $"must be one of {string.Join(", ", ReviewDecisions.ReasonsFor[action].Select(ReviewDecisions.Code))} to {action.ToString().ToLowerInvariant()} a review")
        .Required("note", Note, MaxNoteLength);
}

/// <summary>The reviews' decisions: state and command in, events out, no I/O.</summary>
public static class ReviewDecisions
{
    /// <summary>Namespace of review stream ids: a review's id is derived from the booking system's review id. Never change it.</summary>
    public static readonly Guid ExternalReviewIdNamespace = new("caac0d60-e96d-46f7-9d07-691188666f8b");

    public static readonly IReadOnlyDictionary<ModerationAction, ModerationReason[]> ReasonsFor = new Dictionary<ModerationAction, ModerationReason[]>
    {
        [ModerationAction.Publish] = [ModerationReason.MeetsGuidelines, ModerationReason.VerifiedWithPatient, ModerationReason.ScreeningFalsePositive],
        [ModerationAction.Reject] =
        [
            ModerationReason.Fake, ModerationReason.Incentivised, ModerationReason.DuplicateOfAnother, ModerationReason.ConflictOfInterest,
            ModerationReason.NotAboutTheCare, ModerationReason.ContainsPersonalData, ModerationReason.Abusive,
        ],
        [ModerationAction.Restore] = [ModerationReason.RejectedInError, ModerationReason.AppealUpheld],
    };

    public static string Code(ModerationReason reason) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(reason.ToString());

    public static Guid ReviewIdFor(string externalReviewId) => DeterministicGuid.Create(ExternalReviewIdNamespace, externalReviewId.Trim());

    /// <summary>
    /// A new review, or null for a resend of one already submitted with the same content (nothing to write).
    /// The same review id with other content, or a second review of one booking, is a conflict.
    /// </summary>
    public static ReviewSubmitted? Submit(ReviewSubmission submission, Review? sameReviewId, Guid? reviewOfSameBooking, bool clinicExists, DateTimeOffset now)
    {
        var review = submission.Normalized();
        var hash = review.BodyHash();
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

        return new ReviewSubmitted(ReviewIdFor(review.ExternalReviewId), review.ClinicId, review.ExternalReviewId, review.BookingId,
            review.Rating, review.Text, review.Treatment, review.TreatmentDate, review.WrittenAt, review.BookingVerified,
            review.ReviewerInitials(), review.ReviewerEmailDomain(), hash, now);
    }

    /// <summary>Screening's outcome: published when it found nothing, else held with every finding.</summary>
    public static IReviewEvent Screened(Review review, IReadOnlyList<ScreeningFinding> findings, DateTimeOffset now) =>
        findings.Count == 0
            ? new ReviewPublished(review.Id, review.ClinicId, review.Rating, review.Verified, ReviewStatus.Pending,
                ModerationReason.PassedScreening, null, now)
            : new ReviewHeldForModeration(review.Id, review.ClinicId, review.Rating, findings, now);

    public static IReviewEvent Moderate(Review review, ModerationAction action, ModerationReason reason, string note, DateTimeOffset now)
    {
        if (!ReasonsFor[action].Contains(reason))
        {
            throw new InvalidRequest("Invalid reason", $"'{Code(reason)}' is not a reason to {action.ToString().ToLowerInvariant()} a review.");
        }

        return action switch
        {
            ModerationAction.Publish when review.Status == ReviewStatus.Held =>
                new ReviewPublished(review.Id, review.ClinicId, review.Rating, review.Verified || reason == ModerationReason.VerifiedWithPatient,
                    ReviewStatus.Held, reason, note, now),
            ModerationAction.Reject when review.Status is ReviewStatus.Held or ReviewStatus.Published =>
                new ReviewRejected(review.Id, review.ClinicId, review.Rating, review.Verified, review.Status, reason, note, now),
            ModerationAction.Restore when review.Status == ReviewStatus.Rejected =>
                new ReviewRestored(review.Id, review.ClinicId, review.Rating, review.Verified, reason, note, now),
            _ => throw new Conflict($"The review is {review.Status.ToString().ToLowerInvariant()}: {action switch
            {
                ModerationAction.Publish => "only a held review can be published (a rejected one is restored)",
                ModerationAction.Reject => "only a held or published review can be rejected",
                _ => "only a rejected review can be restored",
            }}.") { Extensions = { ["reviewStatus"] = review.Status } },
        };
    }
}
