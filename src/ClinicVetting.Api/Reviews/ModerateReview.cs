namespace ClinicVetting.Reviews;

public sealed record ModerateReview(Guid ReviewId, ModerationAction Action, ModerationReason Reason, string Note, long? ExpectedVersion);

public sealed record ReviewVersion(Guid ReviewId, long Version, ReviewStatus Status);

public static class PublishReviewEndpoint
{
    public static ProblemDetails Validate(ModerationDecision decision) => decision.Validate(ModerationAction.Publish).ToProblem();

    /// <summary>Publish a held review, with a reason (meetsGuidelines, verifiedWithPatient, screeningFalsePositive) and a note.</summary>
    [WolverinePost("/api/reviews/{reviewId}/publish", OperationId = "PublishReview"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Reviews")]
    public static Task<ReviewVersion> Post(Guid reviewId, ModerationDecision decision, IMessageBus bus, HttpRequest request, HttpResponse response) =>
        ModerationEndpoints.Invoke(reviewId, ModerationAction.Publish, decision, bus, request, response);
}

public static class RejectReviewEndpoint
{
    public static ProblemDetails Validate(ModerationDecision decision) => decision.Validate(ModerationAction.Reject).ToProblem();

    /// <summary>Reject a held or published review, with a reason (fake, incentivised, duplicateOfAnother, ...) and a note.</summary>
    [WolverinePost("/api/reviews/{reviewId}/reject", OperationId = "RejectReview"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Reviews")]
    public static Task<ReviewVersion> Post(Guid reviewId, ModerationDecision decision, IMessageBus bus, HttpRequest request, HttpResponse response) =>
        ModerationEndpoints.Invoke(reviewId, ModerationAction.Reject, decision, bus, request, response);
}

public static class RestoreReviewEndpoint
{
    public static ProblemDetails Validate(ModerationDecision decision) => decision.Validate(ModerationAction.Restore).ToProblem();

    /// <summary>Restore a rejected review to published, with a reason (rejectedInError, appealUpheld) and a note.</summary>
    [WolverinePost("/api/reviews/{reviewId}/restore", OperationId = "RestoreReview"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Reviews")]
    public static Task<ReviewVersion> Post(Guid reviewId, ModerationDecision decision, IMessageBus bus, HttpRequest request, HttpResponse response) =>
        ModerationEndpoints.Invoke(reviewId, ModerationAction.Restore, decision, bus, request, response);
}

internal static class ModerationEndpoints
{
    /// <summary>The three moderation endpoints' shared path: If-Match to the expected version, the version back as ETag.</summary>
    public static async Task<ReviewVersion> Invoke(Guid reviewId, ModerationAction action, ModerationDecision decision, IMessageBus bus,
        HttpRequest request, HttpResponse response)
    {
        var result = await bus.InvokeAsync<ReviewVersion>(
            new ModerateReview(reviewId, action, decision.Reason!.Value, decision.Note!.Trim(), ETags.ExpectedVersion(request)));
        response.Headers.ETag = ETags.Of(result.Version);
        return result;
    }
}

public static class ModerateReviewHandler
{
    public static async Task<ReviewVersion> Handle(ModerateReview command, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<Review>(command.ReviewId, cancellation);
        var review = stream.Aggregate ?? throw new NotFound("Review", command.ReviewId);
        Conflict.ThrowIfStale("review", review.Version, command.ExpectedVersion);

        var moderated = ReviewDecisions.Moderate(review, command.Action, command.Reason, command.Note, clock.GetUtcNow());
        stream.AppendOne(moderated);
        return new ReviewVersion(review.Id, review.Version + 1, moderated switch
        {
            ReviewRejected => ReviewStatus.Rejected,
            _ => ReviewStatus.Published,
        });
    }
}
