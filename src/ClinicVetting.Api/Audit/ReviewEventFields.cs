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
    /// <summary>The SQL that selects the fields, in this order, from <c>data</c> of a review event.</summary>
    public const string Columns = """
        (data ->> 'clinicId')::uuid,
        (data ->> 'rating')::int,
        data ->> 'writtenAt',
        coalesce((data ->> 'bookingVerified')::boolean, (data ->> 'verified')::boolean, false),
        nullif(coalesce(data -> 'findings', data -> 'reasons'), '[]'::jsonb)
        """;

    /// <summary>Every review event type the fold knows, with the event it is rebuilt as; a type missing here fails the replay's start.</summary>
    public static readonly IReadOnlyDictionary<Type, Func<Guid, ReviewEventFields, object>> Rebuilders =
        new Dictionary<Type, Func<Guid, ReviewEventFields, object>>
        {
            [typeof(ReviewSubmitted)] = (id, x) => new ReviewSubmitted(id, x.ClinicId, "", "", x.Rating, "", "", default, x.Written, x.Verified, null, null,
                "", default),
            [typeof(ReviewSubmittedAndScreened)] = (id, x) => new ReviewSubmittedAndScreened(id, x.ClinicId, "", "", x.Rating, "", "", default, x.Written,
                x.Verified, null, null, "", x.Findings ?? [], default),
            [typeof(ReviewHeldForModeration)] = (id, x) => new ReviewHeldForModeration(id, x.ClinicId, x.Rating, x.Findings ?? [], default),
            [typeof(ReviewPublished)] = (id, x) => new ReviewPublished(id, x.ClinicId, x.Rating, x.Verified, default, default, null, default),
            [typeof(ReviewRejected)] = (id, x) => new ReviewRejected(id, x.ClinicId, x.Rating, x.Verified, default, default, "", default),
            [typeof(ReviewRestored)] = (id, x) => new ReviewRestored(id, x.ClinicId, x.Rating, x.Verified, default, "", default),
        };

    private DateTimeOffset Written => WrittenAt is null ? default : DateTimeOffset.Parse(WrittenAt, CultureInfo.InvariantCulture, DateTimeStyles.None);

    public object Rebuild(Type type, Guid reviewId) => Rebuilders[type](reviewId, this);
}
