using JasperFx.Events;

namespace ClinicVetting.Reviews;

/// <summary>One step of a review's life, read from its stream: who did what, when and why.</summary>
public sealed record ReviewHistoryEntry(
    long Version,
    string Step,
    DateTimeOffset At,
    string? By,
    ModerationReason? Reason = null,
    string? Note = null,
    IReadOnlyList<ScreeningFinding>? Findings = null);

public sealed record ReviewDetails(Review Review, IReadOnlyList<ReviewHistoryEntry> History);

public static class GetReviewEndpoint
{
    /// <summary>A review with every screening and moderation step (user, reason, note); its version is the ETag.</summary>
    [WolverineGet("/api/reviews/{reviewId}", OperationId = "GetReview"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Reviews")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<ReviewDetails?> Get(Guid reviewId, IQuerySession session, HttpResponse response, CancellationToken cancellation)
    {
        var review = await session.LoadAsync<Review>(reviewId, cancellation);
        if (review is null)
        {
            return null;
        }

        var events = await session.Events.FetchStreamAsync(reviewId, token: cancellation);
        response.Headers.ETag = ETags.Of(review.Version);
        return new ReviewDetails(review, events.SelectMany(ToHistory).ToList());
    }

    private static IEnumerable<ReviewHistoryEntry> ToHistory(IEvent e) => e.Data switch
    {
        // One event, the same two steps as a review screened after its submission.
        ReviewSubmittedAndScreened x => x.Published
            ?
            [
                new(e.Version, "submitted", x.SubmittedAt, e.UserName),
                new(e.Version, "published", x.SubmittedAt, ReviewScreening.SystemUser, ModerationReason.PassedScreening),
            ]
            :
            [
                new(e.Version, "submitted", x.SubmittedAt, e.UserName),
                new(e.Version, "heldForModeration", x.SubmittedAt, ReviewScreening.SystemUser, Findings: x.Findings),
            ],
        _ => ToStep(e) is { } step ? [step] : [],
    };

    private static ReviewHistoryEntry? ToStep(IEvent e) => e.Data switch
    {
        ReviewSubmitted x => new(e.Version, "submitted", x.SubmittedAt, e.UserName),
        ReviewHeldForModeration x => new(e.Version, "heldForModeration", x.HeldAt, e.UserName, Findings: x.Reasons),
        ReviewPublished x => new(e.Version, "published", x.PublishedAt, e.UserName, x.Reason, x.Note),
        ReviewRejected x => new(e.Version, "rejected", x.RejectedAt, e.UserName, x.Reason, x.Note),
        ReviewRestored x => new(e.Version, "restored", x.RestoredAt, e.UserName, x.Reason, x.Note),
        _ => null,
    };
}
