using System.Globalization;
using ClinicVetting.Reviews;

namespace ClinicVetting.Audit;

/// <summary>
/// The few fields of a review event that the ranking's fold reads (the clinic, the rating, when it was written, whether it
/// is verified, what screening found), selected by PostgreSQL from the event's stored <c>data</c>, and the event rebuilt from
/// them with everything else left empty. Folded with <see cref="Review"/>'s own methods, it gives the same status,
/// verification, rating and date as the whole event: a replay then neither ships nor parses review texts.
/// </summary>
public sealed record ReviewEventFields(Guid ClinicId, int Rating, string? WrittenAt, bool Verified, IReadOnlyList<ScreeningFinding>? Findings)
{
    private const string WrittenAtField = "data ->> 'writtenAt'";
    private const string BookingVerifiedField = "coalesce((data ->> 'bookingVerified')::boolean, false)";
    private const string VerifiedField = "coalesce((data ->> 'verified')::boolean, false)";
    private const string NoText = "null::text";
    private const string NoFindings = "null::jsonb";

    /// <summary>
    /// The SQL that selects the fields, in this order, from <c>data</c> of a review event of this type: of the last three only
    /// those its rebuild reads (a constant for the others, never a look-up in the document).
    /// </summary>
    public static string Columns(Type type) => $"""
        (data ->> 'clinicId')::uuid,
        (data ->> 'rating')::int,
        {Rebuilders[type].WrittenAt},
        {Rebuilders[type].Verified},
        {Rebuilders[type].Findings}
        """;

    /// <summary>How each review event type is selected and rebuilt.</summary>
    public sealed record Rebuilder(string WrittenAt, string Verified, string Findings, Func<Guid, ReviewEventFields, object> Rebuild);

    /// <summary>Every review event type the fold knows, with the event it is rebuilt as; a type missing here fails the replay's start.</summary>
    public static readonly IReadOnlyDictionary<Type, Rebuilder> Rebuilders = new Dictionary<Type, Rebuilder>
    {
        [typeof(ReviewSubmitted)] = new(WrittenAtField, BookingVerifiedField, NoFindings, (id, x) => new ReviewSubmitted(id, x.ClinicId, "", "", x.Rating, "", "",
            default, x.Written, x.Verified, null, null, "", default)),
        [typeof(ReviewSubmittedAndScreened)] = new(WrittenAtField, BookingVerifiedField, "nullif(data -> 'findings', '[]'::jsonb)",
            (id, x) => new ReviewSubmittedAndScreened(id, x.ClinicId, "", "", x.Rating, "", "", default, x.Written, x.Verified, null, null, "", x.Findings ?? [],
                default)),
        [typeof(ReviewHeldForModeration)] = new(NoText, "false", "nullif(data -> 'reasons', '[]'::jsonb)",
            (id, x) => new ReviewHeldForModeration(id, x.ClinicId, x.Rating, x.Findings ?? [], default)),
        [typeof(ReviewPublished)] = new(NoText, VerifiedField, NoFindings, (id, x) => new ReviewPublished(id, x.ClinicId, x.Rating, x.Verified, default, default, null,
            default)),
        [typeof(ReviewRejected)] = new(NoText, VerifiedField, NoFindings, (id, x) => new ReviewRejected(id, x.ClinicId, x.Rating, x.Verified, default, default, "",
            default)),
        [typeof(ReviewRestored)] = new(NoText, VerifiedField, NoFindings, (id, x) => new ReviewRestored(id, x.ClinicId, x.Rating, x.Verified, default, "", default)),
    };

    private DateTimeOffset Written => WrittenAt is null ? default : DateTimeOffset.Parse(WrittenAt, CultureInfo.InvariantCulture, DateTimeStyles.None);

    public object Rebuild(Type type, Guid reviewId) => Rebuilders[type].Rebuild(reviewId, this);
}
