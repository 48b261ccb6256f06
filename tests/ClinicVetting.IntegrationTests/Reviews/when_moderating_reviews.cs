using Alba;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Reviews;
using Marten;

namespace ClinicVetting.IntegrationTests.Reviews;

public class when_moderating_reviews(AppFixture fixture) : ReviewsContext(fixture)
{
    private async Task<Guid> AHeldReview(string externalId = "bk-review-1") =>
        (await Submit(AReview(externalId, $"BK-{externalId}", verified: false))).Id;

    [Fact]
    public async Task publishing_a_held_review_records_the_reason_the_note_and_the_moderator()
    {
        var reviewId = await AHeldReview();

        var result = await Moderate(Staff, reviewId, "publish", "verifiedWithPatient", "Called the patient; the invoice matches.");

        result.Context.Response.StatusCode.ShouldBe(200);
        result.Context.Response.Headers.ETag.ToString().ShouldBe("\"3\"");
        result.ReadAsJson<ReviewVersion>()!.Status.ShouldBe(ReviewStatus.Published);

        await using var session = Store.QuerySession();
        var published = (await session.Events.FetchStreamAsync(reviewId)).Last();
        published.UserName.ShouldBe("stella-staff");
        var data = published.Data.ShouldBeOfType<ReviewPublished>();
        (data.Reason, data.Note, data.PublishedFrom, data.Verified)
            .ShouldBe((ModerationReason.VerifiedWithPatient, "Called the patient; the invoice matches.", ReviewStatus.Held, true));
        (await session.LoadAsync<Review>(reviewId))!.Verified.ShouldBeTrue();
    }

    [Fact]
    public async Task rejecting_and_restoring_keep_every_step_with_who_and_why()
    {
        var reviewId = (await Submit(AReview())).Id;

        (await Moderate(Staff, reviewId, "reject", "fake", "Twenty reviews from one device.")).Context.Response.StatusCode.ShouldBe(200);
        (await Moderate(Approver, reviewId, "restore", "appealUpheld", "The patient sent the booking invoice.")).Context.Response.StatusCode.ShouldBe(200);

        var details = await Read(reviewId);
        details.Review.Status.ShouldBe(ReviewStatus.Published);
        details.History.Select(x => (x.Step, x.By, x.Reason)).ShouldBe(
        [
            ("submitted", "booking-system", null),
            ("published", ReviewScreening.SystemUser, ModerationReason.PassedScreening),
            ("rejected", "stella-staff", ModerationReason.Fake),
            ("restored", "arthur-approver", ModerationReason.AppealUpheld),
        ]);
        details.History[2].Note.ShouldBe("Twenty reviews from one device.");
    }

    [Theory]
    [InlineData("publish", "fake")]
    [InlineData("reject", "meetsGuidelines")]
    [InlineData("restore", "passedScreening")]
    [InlineData("publish", "negative")]
    public async Task a_reason_that_does_not_belong_to_the_action_is_a_400(string action, string reason)
    {
        var reviewId = await AHeldReview();

        var result = await Moderate(Staff, reviewId, action, reason);

        result.ShouldBeProblem(400);
    }

    [Fact]
    public async Task a_missing_note_is_a_400_naming_it()
    {
        var reviewId = await AHeldReview();

        var result = await Moderate(Staff, reviewId, "reject", "fake", note: "");

        result.ShouldBeProblem(400).Errors.ShouldNotBeNull().Keys.ShouldBe(["note"]);
    }

    [Fact]
    public async Task an_action_the_status_does_not_allow_is_a_409()
    {
        var reviewId = (await Submit(AReview())).Id;

        var result = await Moderate(Staff, reviewId, "restore", "rejectedInError");

        result.ShouldBeProblem(409).Detail.ShouldNotBeNull().ShouldContain("only a rejected review can be restored");
    }

    [Fact]
    public async Task a_stale_if_match_is_a_409_and_writes_nothing()
    {
        var reviewId = await AHeldReview();

        var result = await Call(Staff, s =>
        {
            s.Post.Json(new { reason = "fake", note = "n" }).ToUrl($"/api/reviews/{reviewId}/reject");
            s.WithRequestHeader("If-Match", "\"1\"");
            s.StatusCodeShouldBe(409);
        });

        result.ShouldBeProblem(409);
        (await Read(reviewId)).Review.Status.ShouldBe(ReviewStatus.Held);
    }

    [Fact]
    public async Task moderating_an_unknown_review_is_a_404() =>
        (await Moderate(Staff, Guid.NewGuid(), "publish", "meetsGuidelines")).ShouldBeProblem(404);

    [Theory]
    [InlineData("auditor")]
    [InlineData("booking")]
    public async Task only_staff_moderate(string role)
    {
        var reviewId = await AHeldReview();

        (await Moderate(Fixture.TokenFor($"someone-{role}", role), reviewId, "publish", "meetsGuidelines")).ShouldBeProblem(403);
    }

    [Fact]
    public async Task the_queue_filters_by_status_and_clinic()
    {
        await AHeldReview("bk-review-1");
        await AHeldReview("bk-review-2");
        await Submit(AReview("bk-review-3", "BK-3"));

        var held = await Call(Auditor, s => s.Get.Url($"/api/reviews?status=held&clinicId={ClinicId}"));
        held.ReadAsJson<ClinicVetting.Infrastructure.Http.Page<Review>>()!.Items.Select(x => x.ExternalReviewId).ShouldBe(["bk-review-1", "bk-review-2"]);
        var elsewhere = await Call(Auditor, s => s.Get.Url($"/api/reviews?clinicId={Guid.NewGuid()}"));
        elsewhere.ReadAsJson<ClinicVetting.Infrastructure.Http.Page<Review>>()!.Total.ShouldBe(0);
        (await Call(Auditor, s =>
        {
            s.Get.Url("/api/reviews?status=famous");
            s.StatusCodeShouldBe(400);
        })).ShouldBeProblem(400);
    }

    [Fact]
    public async Task an_unknown_review_is_a_404() =>
        (await Call(Auditor, s =>
        {
            s.Get.Url($"/api/reviews/{Guid.NewGuid()}");
            s.StatusCodeShouldBe(404);
        })).ShouldBeProblem(404);
}
