using ClinicVetting.Reviews;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>The steps of reviews and rankings.</summary>
public sealed partial class ModelRun
{
    private async Task<string> SubmitReview(SubmitReview step)
    {
        // An approved clinic when there is one (most of the time), so that rankings have clinics to rank.
        var approved = _log.Clinics.Where(x => x.Approved).ToList();
        if ((step.Clinic > 0 && approved.Count > 0 ? approved[step.Clinic % approved.Count] : ClinicAt(step.Clinic)) is not { } clinic)
        {
            return "no clinic yet: nothing to do";
        }

        var earlier = _reviews.Count > 0 ? _reviews[step.Clinic % _reviews.Count] : null;
        if (earlier is null || step.Variant == ReviewVariant.New)
        {
            for (var i = 0; i < step.Count; i++)
            {
                var n = _reviews.Count;
                await Review(new ReviewSent($"model-review-{n}", $"BK-{n}", clinic.Id, step.Rating, step.Verified, ""), n, step.Variant);
            }

            return $"the booking system submits {step.Count} review(s) ({step.Rating} stars{(step.Verified ? ", verified" : "")}) of {Describe(clinic.Id)}";
        }

        var again = step.Variant switch
        {
            ReviewVariant.SameAgain => earlier,
            ReviewVariant.SameIdOtherContent => earlier with { Rating = step.Rating, Body = "" },
            _ => new ReviewSent($"model-review-{_reviews.Count}", earlier.BookingId, clinic.Id, step.Rating, step.Verified, ""),
        };
        var answer = await Review(again, _reviews.Count, step.Variant);
        if (step.Variant == ReviewVariant.SameAgain && !(answer.Succeeded && answer.Replayed))
        {
            Fail(Invariants.RetryReplays, $"the booking system sent review {earlier.ExternalId} again, unchanged, and got {answer.Status} " +
                                          $"{(answer.Replayed ? "" : "without Idempotent-Replayed")}: {Excerpt(answer.Body)}");
        }

        return $"the booking system sends review {earlier.ExternalId} again: {step.Variant}";
    }

    /// <summary>Submits a review (its body as first sent when it has one); remembers it when it was accepted.</summary>
    private async Task<Answer> Review(ReviewSent review, int n, ReviewVariant variant)
    {
        var body = review.Body.Length > 0
            ? review.Body
            : ToJson(new
            {
                externalReviewId = review.ExternalId, bookingId = review.BookingId, clinicId = review.ClinicId, rating = review.Rating,
                text = $"Review {n} ({variant}): rated {review.Rating}, the team explained every step and called after {n + 1} weeks.",
                treatment = "Knee program", treatmentDate = app.Clock.Today.AddDays(-40 - 3 * n), writtenAt = app.Clock.Now.AddDays(-30 - 3 * n),
                bookingVerified = review.Verified, reviewerName = "Pat Doe", reviewerEmail = $"pat{n}@mail.example",
            });
        var answer = await Write(People.Booking, HttpMethod.Post, "/api/reviews", body, WriteOperations.SubmitReview);
        if (answer.Succeeded && !answer.Replayed)
        {
            _reviews.Add(review with { Body = body });
        }

        return answer;
    }

    private async Task<string> ModerateReview(ModerateReview step)
    {
        if (_log.ReviewIds.Count == 0)
        {
            return "no review yet: nothing to do";
        }

        var reviewId = _log.ReviewIds[step.Review % _log.ReviewIds.Count];
        var who = People.Workers[step.Worker];
        var (path, reason, operation) = step.Action switch
        {
            ModerationAction.Publish => ("publish", "meetsGuidelines", WriteOperations.PublishReview),
            ModerationAction.Reject => ("reject", "fake", WriteOperations.RejectReview),
            _ => ("restore", "rejectedInError", WriteOperations.RestoreReview),
        };
        var what = $"{who} moderates ({path}) the {_log.ReviewStatuses.GetValueOrDefault(reviewId).ToString().ToLowerInvariant()} review {_log.ReviewIds.IndexOf(reviewId)}";
        await Write(who, HttpMethod.Post, $"/api/reviews/{reviewId}/{path}", ToJson(new { reason, note = "Checked against the booking." }), operation);
        return what;
    }

    private async Task<string> Propose(Propose step)
    {
        var who = People.Workers[step.Worker];
        var proposed = await Write(who, HttpMethod.Post, "/api/ranking/proposals", null, WriteOperations.Propose);
        return $"{who} proposes a ranking{(proposed.Json?["ranked"] is { } ranked ? $" ({ranked} clinic(s) ranked)" : "")}";
    }

    private async Task<string> Publish(Publish step)
    {
        var (staff, approver) = (People.Workers[step.Staff], People.Workers[step.Approver]);
        var proposed = await Write(staff, HttpMethod.Post, "/api/ranking/proposals", null, WriteOperations.Propose);
        if (proposed.Json?["id"]?.GetValue<Guid>() is not { } proposal)
        {
            return $"{staff} cannot propose a ranking";
        }

        await Write(approver, HttpMethod.Post, $"/api/ranking/proposals/{proposal}/approval", ToJson(new { overrides = Array.Empty<object>() }),
            WriteOperations.ApproveProposal);
        return $"{staff} proposes a ranking ({proposed.Json?["ranked"]} clinic(s) ranked) and {approver} approves it";
    }

    private async Task<string> DecideProposal(int worker, int index, bool approve)
    {
        if (_log.Proposals.Count == 0)
        {
            return "no proposal yet: nothing to do";
        }

        var open = _log.Proposals.Where(x => !_log.DecidedProposals.Contains(x)).ToList();
        var proposal = open.Count > 0 ? open[index % open.Count] : _log.Proposals[index % _log.Proposals.Count];
        var who = People.Workers[worker];
        if (approve)
        {
            await Write(who, HttpMethod.Post, $"/api/ranking/proposals/{proposal}/approval", ToJson(new { overrides = Array.Empty<object>() }),
                WriteOperations.ApproveProposal);
        }
        else
        {
            await Write(who, HttpMethod.Post, $"/api/ranking/proposals/{proposal}/decline", ToJson(new { reason = $"Not now ({_step})." }),
                WriteOperations.DeclineProposal);
        }

        return $"{who} {(approve ? "approves" : "declines")} {(open.Contains(proposal) ? "" : "the already decided ")}proposal {_log.Proposals.IndexOf(proposal)}";
    }
}
