namespace ClinicVetting.Reviews;

// Events of a review's stream. Past tense, never renamed once stored. Each carries the clinic and the rating; a change
// that can start from two statuses says which it left, and a change in or out of "published" whether the review counts
// as verified. So per-clinic statistics and the fairness report are folds of the events alone.

/// <summary>Any event of a review's stream; the clinic it is about routes it to the clinic's statistics.</summary>
public interface IReviewEvent
{
    Guid ClinicId { get; }
}

public sealed record ReviewSubmitted(
    Guid ReviewId,
    Guid ClinicId,
    string ExternalReviewId,
    string BookingId,
    int Rating,
    string Text,
    string Treatment,
    DateOnly TreatmentDate,
    DateTimeOffset WrittenAt,
    bool BookingVerified,
    string? ReviewerInitials,
    string? ReviewerEmailDomain,
    string BodyHash,
    DateTimeOffset SubmittedAt) : IReviewEvent;

/// <summary>
/// A review submitted and screened in one step (the import screens before it writes): published when
/// <see cref="Findings"/> is empty, held for moderation with them otherwise. Reviews submitted one at a time are still
/// <see cref="ReviewSubmitted"/> then <see cref="ReviewPublished"/> or <see cref="ReviewHeldForModeration"/>.
/// </summary>
public sealed record ReviewSubmittedAndScreened(
    Guid ReviewId,
    Guid ClinicId,
    string ExternalReviewId,
    string BookingId,
    int Rating,
    string Text,
    string Treatment,
    DateOnly TreatmentDate,
    DateTimeOffset WrittenAt,
    bool BookingVerified,
    string? ReviewerInitials,
    string? ReviewerEmailDomain,
    string BodyHash,
    IReadOnlyList<ScreeningFinding> Findings,
    DateTimeOffset SubmittedAt) : IReviewEvent
{
    public static ReviewSubmittedAndScreened Of(ReviewSubmitted submitted, IReadOnlyList<ScreeningFinding> findings) => new(
        submitted.ReviewId, submitted.ClinicId, submitted.ExternalReviewId, submitted.BookingId, submitted.Rating, submitted.Text,
        submitted.Treatment, submitted.TreatmentDate, submitted.WrittenAt, submitted.BookingVerified, submitted.ReviewerInitials,
        submitted.ReviewerEmailDomain, submitted.BodyHash, findings, submitted.SubmittedAt);

    public ReviewSubmitted Submission => new(ReviewId, ClinicId, ExternalReviewId, BookingId, Rating, Text, Treatment, TreatmentDate,
        WrittenAt, BookingVerified, ReviewerInitials, ReviewerEmailDomain, BodyHash, SubmittedAt);

    /// <summary>The fairness report's two steps of this one event: submitted, then published or held.</summary>
    public void CountSteps(StepCounts steps)
    {
        steps.Submitted++;
        if (Published) steps.Published++;
        else steps.Held++;
    }

    /// <summary>Screening published it: nothing found (so its booking was verified).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Published => Findings.Count == 0;
}

public sealed record ReviewHeldForModeration(
    Guid ReviewId,
    Guid ClinicId,
    int Rating,
    IReadOnlyList<ScreeningFinding> Reasons,
    DateTimeOffset HeldAt) : IReviewEvent;

public sealed record ReviewPublished(
    Guid ReviewId,
    Guid ClinicId,
    int Rating,
    bool Verified,
    ReviewStatus PublishedFrom,
    ModerationReason Reason,
    string? Note,
    DateTimeOffset PublishedAt) : IReviewEvent;

public sealed record ReviewRejected(
    Guid ReviewId,
    Guid ClinicId,
    int Rating,
    bool Verified,
    ReviewStatus RejectedFrom,
    ModerationReason Reason,
    string Note,
    DateTimeOffset RejectedAt) : IReviewEvent;

public sealed record ReviewRestored(
    Guid ReviewId,
    Guid ClinicId,
    int Rating,
    bool Verified,
    ModerationReason Reason,
    string Note,
    DateTimeOffset RestoredAt) : IReviewEvent;

public enum ReviewStatus
{
    /// <summary>Submitted; screening has not run yet.</summary>
    Pending,
    Held,
    Published,
    Rejected,
}

/// <summary>
/// Why a review was published, rejected or restored. No reason exists for the rating or the tone of a review:
/// a negative review can only be rejected for what would also reject a positive one.
/// </summary>
public enum ModerationReason
{
    /// <summary>Screening found nothing to look at (the system's own reason).</summary>
    PassedScreening,
    MeetsGuidelines,
    /// <summary>Staff confirmed the episode of care with the patient: the review then counts as verified.</summary>
    VerifiedWithPatient,
    ScreeningFalsePositive,
    Fake,
    Incentivised,
    DuplicateOfAnother,
    ConflictOfInterest,
    NotAboutTheCare,
    ContainsPersonalData,
    Abusive,
    RejectedInError,
    AppealUpheld,
}

/// <summary>
/// A patient review: the write model of its stream and, kept inline with every append, the document the moderation
/// queue and the public list are read from. The reviewer's e-mail is never stored: only its domain, for screening.
/// </summary>
[Published]
public sealed partial class Review
{
    /// <summary>Namespace of review stream ids: a review's id is derived from the booking system's review id. Never change it.</summary>
    public static readonly Guid ExternalReviewIdNamespace = new("caac0d60-e96d-46f7-9d07-691188666f8b");


    /// <summary>A review's stream id: derived from the booking system's review id, so a resend lands on the same stream.</summary>
    public static Guid IdFor(string externalReviewId) => DeterministicGuid.Create(ExternalReviewIdNamespace, externalReviewId.Trim());

    public Guid Id { get; set; }
    public long Version { get; set; }

    public Guid ClinicId { get; set; }
    public string ExternalReviewId { get; set; } = "";

    /// <summary>The episode of care; unique: one review per booking.</summary>
    public string BookingId { get; set; } = "";

    public int Rating { get; set; }
    public string Text { get; set; } = "";
    public string Treatment { get; set; } = "";
    public DateOnly TreatmentDate { get; set; }
    public DateTimeOffset WrittenAt { get; set; }
    public bool BookingVerified { get; set; }

    /// <summary>Verified by the booking system, or by staff with the patient.</summary>
    public bool Verified { get; set; }

    public string? ReviewerInitials { get; set; }
    public string? ReviewerEmailDomain { get; set; }

    /// <summary>SHA-256 of the normalized submission: a resend with the same hash is the same review.</summary>
    public string BodyHash { get; set; } = "";

    /// <summary>SHA-256 of the folded text, null when too short to call a copy; equal fingerprints are duplicates.</summary>
    public string? TextFingerprint { get; set; }

    public ReviewStatus Status { get; set; }
    public List<ScreeningFinding> ScreeningFindings { get; set; } = [];
    public ModerationReason? LastReason { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static Review Create(ReviewSubmitted submitted) => Create(submitted, ReviewScreening.Fingerprint(submitted.Text));

    /// <summary>The same document, with the text's fingerprint already computed (<see cref="PreparedSubmission"/>).</summary>
    public static Review Create(ReviewSubmitted submitted, string? textFingerprint) => new()
    {
        Id = submitted.ReviewId,
        ClinicId = submitted.ClinicId,
        ExternalReviewId = submitted.ExternalReviewId,
        BookingId = submitted.BookingId,
        Rating = submitted.Rating,
        Text = submitted.Text,
        Treatment = submitted.Treatment,
        TreatmentDate = submitted.TreatmentDate,
        WrittenAt = submitted.WrittenAt,
        BookingVerified = submitted.BookingVerified,
        Verified = submitted.BookingVerified,
        ReviewerInitials = submitted.ReviewerInitials,
        ReviewerEmailDomain = submitted.ReviewerEmailDomain,
        BodyHash = submitted.BodyHash,
        TextFingerprint = textFingerprint,
        Status = ReviewStatus.Pending,
        SubmittedAt = submitted.SubmittedAt,
        UpdatedAt = submitted.SubmittedAt,
    };

    public static Review Create(ReviewSubmittedAndScreened screened) => Create(screened, ReviewScreening.Fingerprint(screened.Text));

    /// <summary>The same document, with the text's fingerprint already computed (<see cref="PreparedSubmission"/>).</summary>
    public static Review Create(ReviewSubmittedAndScreened screened, string? textFingerprint)
    {
        var review = Create(screened.Submission, textFingerprint);
        if (screened.Published)
        {
            review.Status = ReviewStatus.Published;
            review.LastReason = ModerationReason.PassedScreening;
        }
        else
        {
            review.Status = ReviewStatus.Held;
            review.ScreeningFindings = [.. screened.Findings];
        }

        return review;
    }

    public void Apply(ReviewHeldForModeration held)
    {
        Status = ReviewStatus.Held;
        ScreeningFindings = [.. held.Reasons];
        UpdatedAt = held.HeldAt;
    }

    public void Apply(ReviewPublished published)
    {
        Status = ReviewStatus.Published;
        Verified = published.Verified;
        LastReason = published.Reason;
        UpdatedAt = published.PublishedAt;
    }

    public void Apply(ReviewRejected rejected)
    {
        Status = ReviewStatus.Rejected;
        LastReason = rejected.Reason;
        UpdatedAt = rejected.RejectedAt;
    }

    public void Apply(ReviewRestored restored)
    {
        Status = ReviewStatus.Published;
        LastReason = restored.Reason;
        UpdatedAt = restored.RestoredAt;
    }
}
