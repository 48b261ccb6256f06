using ClinicVetting.Clinics;
namespace ClinicVetting.Reviews;

/// <summary>A published review as anyone may read it: initials, never a name, an e-mail or a booking.</summary>
public sealed record PublicReview(Guid Id, string? Initials, string Treatment, DateOnly WrittenOn, int Rating, string Text, bool VerifiedPatient);

public static class GetPublicClinicReviewsEndpoint
{
    /// <summary>A clinic's published reviews, newest first, paged; anonymous.</summary>
    [WolverineGet("/api/public/clinics/{clinicId}/reviews", OperationId = "GetPublicClinicReviews"), AllowAnonymous]
    [Tags("Public")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<Page<PublicReview>?> Get(Guid clinicId, int? page, int? pageSize, IQuerySession session, CancellationToken cancellation)
    {
        if (!await session.Query<ClinicProfile>().AnyAsync(x => x.Id == clinicId, cancellation))
        {
            return null;
        }

        var results = await session.Query<Review>()
            .Where(x => x.ClinicId == clinicId && x.Status == ReviewStatus.Published)
            .OrderByDescending(x => x.WrittenAt).ThenBy(x => x.Id)
            .ToPageAsync(page, pageSize, cancellation);
        return results.Select(x => new PublicReview(x.Id, x.ReviewerInitials, x.Treatment, DateOnly.FromDateTime(x.WrittenAt.UtcDateTime),
            x.Rating, x.Text, x.Verified));
    }
}
