namespace ClinicVetting.Reviews;

public enum ModerationAction
{
    Publish,
    Reject,
    Restore,
}

/// <summary>What staff send with every moderation action: why (a code from the action's list) and a note.</summary>
public sealed record ModerationDecision(ModerationReason? Reason, [property: FieldLimit(MaxLength = ModerationDecision.MaxNoteLength)] string? Note)
    : IHasExample<ModerationDecision>
{
    public const int MaxNoteLength = 2_000;

    public static ModerationDecision Example => new(ModerationReason.VerifiedWithPatient, "Called the patient on 2026-03-02: the stay and the treatment match the booking");

    public FieldErrors Validate(ModerationAction action) => new FieldErrors()
        .When(Reason is null, "reason", "is required")
        .When(Reason is { } reason && !ModerateReviewHandler.ReasonsFor[action].Contains(reason), "reason",
            $"must be one of {string.Join(", ", ModerateReviewHandler.ReasonsFor[action].Select(ModerateReviewHandler.Code))} to {action.ToString().ToLowerInvariant()} a review")
        .WithinLimits(this)
        .Present("note", Note);
}

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
        var (stream, review) = await session.Events.FetchExisting<Review>(command.ReviewId, "Review", cancellation);
        Conflict.ThrowIfStale("review", review.Version, command.ExpectedVersion);

        var moderated = Decide(review, command.Action, command.Reason, command.Note, clock.GetUtcNow());
        stream.AppendOne(moderated);
        return new ReviewVersion(review.Id, review.Version + 1, moderated switch
        {
            ReviewRejected => ReviewStatus.Rejected,
            _ => ReviewStatus.Published,
        });
    }

    public static readonly IReadOnlyDictionary<ModerationAction, ModerationReason[]> ReasonsFor = new Dictionary<ModerationAction, ModerationReason[]>
    {
        [ModerationAction.Publish] = [ModerationReason.MeetsGuidelines, ModerationReason.VerifiedWithPatient, ModerationReason.ScreeningFalsePositive],
        [ModerationAction.Reject] =
        [
            ModerationReason.Fake, ModerationReason.Incentivised, ModerationReason.DuplicateOfAnother, ModerationReason.ConflictOfInterest,
            ModerationReason.NotAboutTheCare, ModerationReason.ContainsPersonalData, ModerationReason.Abusive,
        ],
        [ModerationAction.Restore] = [ModerationReason.RejectedInError, ModerationReason.AppealUpheld],
    };

    public static string Code(ModerationReason reason) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(reason.ToString());

    /// <summary>Only with a reason of the action's list; publish a held review, reject a held or published one, restore a rejected one.</summary>
    public static IReviewEvent Decide(Review review, ModerationAction action, ModerationReason reason, string note, DateTimeOffset now)
    {
        if (!ReasonsFor[action].Contains(reason))
        {
            throw new InvalidRequest("Invalid reason", $"'{Code(reason)}' is not a reason to {action.ToString().ToLowerInvariant()} a review.");
        }

        return action switch
        {
            ModerationAction.Publish when review.Status == ReviewStatus.Held =>
                new ReviewPublished(review.Id, review.ClinicId, review.Rating, review.Verified || reason == ModerationReason.VerifiedWithPatient,
                    ReviewStatus.Held, reason, note, now),
            ModerationAction.Reject when review.Status is ReviewStatus.Held or ReviewStatus.Published =>
                new ReviewRejected(review.Id, review.ClinicId, review.Rating, review.Verified, review.Status, reason, note, now),
            ModerationAction.Restore when review.Status == ReviewStatus.Rejected =>
                new ReviewRestored(review.Id, review.ClinicId, review.Rating, review.Verified, reason, note, now),
            _ => throw new Conflict($"The review is {review.Status.ToString().ToLowerInvariant()}: {action switch
            {
                ModerationAction.Publish => "only a held review can be published (a rejected one is restored)",
                ModerationAction.Reject => "only a held or published review can be rejected",
                _ => "only a rejected review can be restored",
            }}.") { Extensions = { ["reviewStatus"] = review.Status } },
        };
    }
}
