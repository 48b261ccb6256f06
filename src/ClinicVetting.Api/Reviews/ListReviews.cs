using Marten.Pagination;

namespace ClinicVetting.Reviews;

public static class ListReviewsEndpoint
{
    /// <summary>The moderation queue and more: reviews by status and clinic, oldest submission first, paged.</summary>
    [WolverineGet("/api/reviews", OperationId = "ListReviews"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Reviews")]
    public static async Task<Page<Review>> Get(ReviewStatus? status, Guid? clinicId, int? page, int? pageSize, IQuerySession session,
        CancellationToken cancellation)
    {
        var (number, size) = Paging.Normalize(page, pageSize);
        IQueryable<Review> query = session.Query<Review>();
        if (status is { } wanted)
        {
            query = query.Where(x => x.Status == wanted);
        }

        if (clinicId is { } clinic)
        {
            query = query.Where(x => x.ClinicId == clinic);
        }

        var results = await query.OrderBy(x => x.SubmittedAt).ThenBy(x => x.Id).ToPagedListAsync(number, size, cancellation);
        return new Page<Review>(results.ToList(), number, size, results.TotalItemCount);
    }
}
