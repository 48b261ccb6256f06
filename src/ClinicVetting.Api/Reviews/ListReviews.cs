namespace ClinicVetting.Reviews;

public static class ListReviewsEndpoint
{
    /// <summary>The moderation queue and more: reviews by status and clinic, oldest submission first, paged.</summary>
    [WolverineGet("/api/reviews", OperationId = "ListReviews"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Reviews")]
    public static async Task<Page<Review>> Get(ReviewStatus? status, Guid? clinicId, int? page, int? pageSize, IQuerySession session,
        CancellationToken cancellation)
    {
        IQueryable<Review> query = session.Query<Review>();
        if (status is { } wanted)
        {
            query = query.Where(x => x.Status == wanted);
        }

        if (clinicId is { } clinic)
        {
            query = query.Where(x => x.ClinicId == clinic);
        }

        return await query.OrderBy(x => x.SubmittedAt).ThenBy(x => x.Id).ToPageAsync(page, pageSize, cancellation);
    }
}
