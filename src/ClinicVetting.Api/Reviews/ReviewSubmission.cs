using System.Security.Cryptography;
using System.Text.Json;

namespace ClinicVetting.Reviews;

/// <summary>
/// A patient review as the booking system sends it, alone or as one item of an import. The reviewer's name and
/// e-mail serve screening and the initials only: neither is stored whole.
/// </summary>
public sealed record ReviewSubmission(
    string ExternalReviewId,
    string BookingId,
    Guid ClinicId,
    int Rating,
    string Text,
    string Treatment,
    DateOnly TreatmentDate,
    DateTimeOffset WrittenAt,
    bool BookingVerified,
    string? ReviewerName = null,
    string? ReviewerEmail = null)
{
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
            .Required("externalReviewId", ExternalReviewId, 100)
            .Required("bookingId", BookingId, 100)
            .When(ClinicId == Guid.Empty, "clinicId", "is required")
            .When(Rating is < 1 or > 5, "rating", "must be a whole number from 1 to 5")
            .Required("text", Text, MaxTextLength)
            .Required("treatment", Treatment, 200)
            .Optional("reviewerName", ReviewerName, 200)
            .Optional("reviewerEmail", ReviewerEmail, 254)
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
