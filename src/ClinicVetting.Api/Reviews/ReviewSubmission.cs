using System.Security.Cryptography;
using System.Text.Json;

namespace ClinicVetting.Reviews;

/// <summary>
/// A patient review as the booking system sends it, alone or as one item of an import. The reviewer's name and
/// e-mail serve screening and the initials only: neither is stored whole.
/// </summary>
public sealed record ReviewSubmission(
    [property: FieldLimit(MaxLength = 100)] string ExternalReviewId,
    [property: FieldLimit(MaxLength = 100)] string BookingId,
    Guid ClinicId,
    [property: FieldLimit(Minimum = 1, Maximum = 5)] int Rating,
    [property: FieldLimit(MaxLength = ReviewSubmission.MaxTextLength)] string Text,
    [property: FieldLimit(MaxLength = 200)] string Treatment,
    DateOnly TreatmentDate,
    DateTimeOffset WrittenAt,
    bool BookingVerified,
    [property: FieldLimit(MaxLength = 200)] string? ReviewerName = null,
    [property: FieldLimit(MaxLength = 254, Format = FieldFormat.Email)] string? ReviewerEmail = null) : IHasExample<ReviewSubmission>
{
    public static ReviewSubmission Example => new("bk-review-88213", "BK-2026-04417", ExampleWords.ClinicId, 5,
        "The team explained every step, the injection was quick and the follow-up calls came on time. My knee is much better after six months.",
        "Knee osteoarthritis programme", new DateOnly(2025, 9, 15), new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero), true, "Mai Lee",
        "mai.lee@mail.example");

    public const int MaxTextLength = 5_000;
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private static readonly JsonSerializerOptions HashJson = new(JsonSerializerDefaults.Web);

    /// <summary>Trimmed, e-mail lower-cased, the instant in UTC: two sends of one review normalize alike.</summary>
    public ReviewSubmission Normalized() => this with
    {
        ExternalReviewId = ExternalReviewId.Trim(),
        BookingId = BookingId.Trim(),
        Text = Text.Trim(),
        Treatment = Treatment.Trim(),
        WrittenAt = WrittenAt.ToUniversalTime(),
        ReviewerName = string.IsNullOrWhiteSpace(ReviewerName) ? null : ReviewerName.Trim(),
        ReviewerEmail = string.IsNullOrWhiteSpace(ReviewerEmail) ? null : ReviewerEmail.Trim().ToLowerInvariant(),
    };

    /// <summary>Hex SHA-256 of the normalized submission: equal for a resend, different for any changed field.</summary>
    public string BodyHash() => Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(Normalized(), HashJson)));

    /// <summary>"Maria José López" gives "M. L.": the first and last word's initials, nothing else of the name.</summary>
    public string? ReviewerInitials()
    {
        var words = (ReviewerName ?? "").Split([' ', '\t', '-'], StringSplitOptions.RemoveEmptyEntries)
            .Select(word => word.FirstOrDefault(char.IsLetter))
            .Where(initial => initial != default)
            .Select(initial => $"{char.ToUpperInvariant(initial)}.")
            .ToList();
        return words.Count switch
        {
            0 => null,
            1 => words[0],
            _ => $"{words[0]} {words[^1]}",
        };
    }

    public string? ReviewerEmailDomain() => ReviewerEmail?.Trim() is { } email && email.LastIndexOf('@') is var at and > 0
        ? email[(at + 1)..].TrimEnd('.').ToLowerInvariant()
        : null;

    public FieldErrors Validate(DateTimeOffset now)
    {
        var errors = new FieldErrors()
            .WithinLimits(this)
            .Present("externalReviewId", ExternalReviewId)
            .Present("bookingId", BookingId)
            .When(ClinicId == Guid.Empty, "clinicId", "is required")
            .Present("text", Text)
            .Present("treatment", Treatment)
            .When(ReviewerEmail is { Length: > 0 } && !LooksLikeEmail(ReviewerEmail.Trim()), "reviewerEmail", "must be an e-mail address");

        if (TreatmentDate == default)
        {
            errors.Add("treatmentDate", "is required");
        }
        else if (TreatmentDate > DateOnly.FromDateTime(now.UtcDateTime))
        {
            errors.Add("treatmentDate", "must not be in the future");
        }

        if (WrittenAt == default)
        {
            errors.Add("writtenAt", "is required");
        }
        else
        {
            errors.When(WrittenAt > now + ClockSkew, "writtenAt", "must not be in the future")
                .When(TreatmentDate != default && DateOnly.FromDateTime(WrittenAt.UtcDateTime) < TreatmentDate,
                    "writtenAt", "must not be before the treatment date");
        }

        return errors;
    }

    private static bool LooksLikeEmail(string email)
    {
        var at = email.LastIndexOf('@');
        return at > 0 && email.IndexOf('@') == at && email[(at + 1)..].Contains('.') && !email.Any(char.IsWhiteSpace);
    }
}

/// <summary>
/// A submission as its decision and its document need it, computed once: normalized, its body hash, its review id and
/// its text fingerprint. An import prepares each item while its previous batch is written.
/// </summary>
public sealed record PreparedSubmission(ReviewSubmission Normalized, Guid ReviewId, string BodyHash, string? TextFingerprint)
{
    public static PreparedSubmission Of(ReviewSubmission submission)
    {
        var normalized = submission.Normalized();
        return new PreparedSubmission(normalized, Review.IdFor(normalized.ExternalReviewId), normalized.BodyHash(),
            ReviewScreening.Fingerprint(normalized.Text));
    }
}
