using ClinicVetting.Reviews;
using ClinicVetting.Shared;
using static ClinicVetting.UnitTests.Reviews.ReviewExamples;

namespace ClinicVetting.UnitTests.Reviews;

public class submitting_and_moderating_reviews
{
    [Fact]
    public void review_ids_are_version_5_uuids_of_the_external_id()
    {
        var dns = Guid.Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        DeterministicGuid.Create(dns, "www.example.com").ShouldBe(Guid.Parse("2ed6657d-e927-568b-95e1-2665a8aea6a2"));

        Review.IdFor(" rev-1 ").ShouldBe(Review.IdFor("rev-1"));
        Review.IdFor("rev-1").ShouldNotBe(Review.IdFor("rev-2"));
    }

    [Fact]
    public void a_new_review_keeps_initials_and_the_email_domain_but_never_the_name_or_the_address()
    {
        var submitted = SubmitReviewHandler.Decide(ASubmission(email: " Maria.Lopez@Example.COM "), null, null, clinicExists: true, Now)!;

        submitted.ReviewId.ShouldBe(Review.IdFor("rev-1"));
        submitted.ReviewerInitials.ShouldBe("M. L.");
        submitted.ReviewerEmailDomain.ShouldBe("example.com");
        submitted.SubmittedAt.ShouldBe(Now);
        System.Text.Json.JsonSerializer.Serialize(submitted).ShouldNotContain("Maria");
    }

    [Fact]
    public void a_resend_with_the_same_content_decides_nothing_even_with_cosmetic_differences()
    {
        var first = AReview();
        var resend = ASubmission() with { Text = "  " + ASubmission().Text + " ", WrittenAt = ASubmission().WrittenAt.ToOffset(TimeSpan.FromHours(2)) };

        SubmitReviewHandler.Decide(resend, first, first.Id, clinicExists: true, Now).ShouldBeNull();
    }

    [Fact]
    public void the_same_external_id_with_other_content_is_a_conflict()
    {
        var first = AReview();

        var conflict = Should.Throw<Conflict>(() => SubmitReviewHandler.Decide(ASubmission(rating: 1), first, first.Id, true, Now));

        conflict.Extensions["reviewId"].ShouldBe(first.Id);
    }

    [Fact]
    public void a_second_review_of_one_booking_is_a_conflict()
    {
        var other = Guid.NewGuid();

        var conflict = Should.Throw<Conflict>(() => SubmitReviewHandler.Decide(ASubmission("rev-2"), null, other, true, Now));

        conflict.Message.ShouldContain("one review per episode of care");
    }

    [Fact]
    public void a_review_of_an_unknown_clinic_is_not_found() =>
        Should.Throw<NotFound>(() => SubmitReviewHandler.Decide(ASubmission(), null, null, clinicExists: false, Now));

    [Theory]
    [InlineData(0, "rating")]
    [InlineData(6, "rating")]
    public void ratings_are_whole_stars_from_one_to_five(int rating, string field) =>
        (ASubmission(rating: rating)).Validate(Now).ToDictionary().Keys.ShouldBe([field]);

    [Fact]
    public void every_missing_or_impossible_field_is_named()
    {
        var submission = new ReviewSubmission(null!, "", Guid.Empty, 3, new string('x', ReviewSubmission.MaxTextLength + 1), " ",
            default, default, true, ReviewerEmail: "not-an-address");

        submission.Validate(Now).ToDictionary().Keys.ShouldBe(
            ["externalReviewId", "bookingId", "clinicId", "text", "treatment", "reviewerEmail", "treatmentDate", "writtenAt"], ignoreOrder: true);
    }

    [Fact]
    public void a_review_is_not_written_in_the_future_nor_before_the_treatment()
    {
        ASubmission(writtenAt: Now.AddHours(1)).Validate(Now).ToDictionary().Keys.ShouldBe(["writtenAt"]);
        ASubmission(writtenAt: new DateTimeOffset(2026, 8, 1, 0, 0, 0, TimeSpan.Zero)).Validate(Now).ToDictionary()["writtenAt"]
            .ShouldBe(["must not be before the treatment date"]);
        (ASubmission() with { TreatmentDate = new DateOnly(2026, 12, 1) }).Validate(Now).ToDictionary().Keys.ShouldContain("treatmentDate");
    }

    [Theory]
    [InlineData("Maria José López", "M. L.")]
    [InlineData("  cher ", "C.")]
    [InlineData("Jean-Luc Picard", "J. P.")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void initials_are_the_first_and_last_words_initials(string? name, string? initials) =>
        (ASubmission() with { ReviewerName = name }).ReviewerInitials().ShouldBe(initials);

    [Fact]
    public void a_held_review_can_be_published_with_a_publishing_reason()
    {
        var held = AReview(ASubmission(verified: false)).With(new ReviewHeldForModeration(Guid.Empty, ClinicId, 5, [], Now));

        var published = ModerateReviewHandler.Decide(held, ModerationAction.Publish, ModerationReason.MeetsGuidelines, "Checked.", Now)
            .ShouldBeOfType<ReviewPublished>();

        published.PublishedFrom.ShouldBe(ReviewStatus.Held);
        published.Verified.ShouldBeFalse();
        published.Note.ShouldBe("Checked.");
    }

    [Fact]
    public void publishing_after_verifying_with_the_patient_makes_the_review_count_as_verified()
    {
        var held = AReview(ASubmission(verified: false)).With(new ReviewHeldForModeration(Guid.Empty, ClinicId, 5, [], Now));

        ModerateReviewHandler.Decide(held, ModerationAction.Publish, ModerationReason.VerifiedWithPatient, "Called the patient.", Now)
            .ShouldBeOfType<ReviewPublished>().Verified.ShouldBeTrue();
    }

    [Fact]
    public void a_published_review_can_be_rejected_and_restored_and_each_step_says_where_it_came_from()
    {
        var review = AReview();
        review.With(ScreenReviewsHandler.Decide(review, [], Now));

        var rejected = ModerateReviewHandler.Decide(review, ModerationAction.Reject, ModerationReason.Fake, "Same IP as 20 others.", Now)
            .ShouldBeOfType<ReviewRejected>();
        rejected.RejectedFrom.ShouldBe(ReviewStatus.Published);
        review.With(rejected);

        var restored = ModerateReviewHandler.Decide(review, ModerationAction.Restore, ModerationReason.AppealUpheld, "Patient sent the invoice.", Now)
            .ShouldBeOfType<ReviewRestored>();
        review.With(restored).Status.ShouldBe(ReviewStatus.Published);
    }

    [Theory]
    [InlineData(ModerationAction.Publish, ModerationReason.Fake)]
    [InlineData(ModerationAction.Publish, ModerationReason.PassedScreening)]
    [InlineData(ModerationAction.Reject, ModerationReason.MeetsGuidelines)]
    [InlineData(ModerationAction.Restore, ModerationReason.Abusive)]
    public void each_action_takes_only_its_own_reasons(ModerationAction action, ModerationReason reason)
    {
        new ModerationDecision(reason, "note").Validate(action).ToDictionary().Keys.ShouldBe(["reason"]);
        Should.Throw<InvalidRequest>(() => ModerateReviewHandler.Decide(AReview(), action, reason, "note", Now));
    }

    [Fact]
    public void no_reason_exists_for_the_rating_or_tone_of_a_review() =>
        Enum.GetNames<ModerationReason>().ShouldNotContain(name =>
            name.Contains("Negative") || name.Contains("Rating") || name.Contains("Tone") || name.Contains("Unhelpful"));

    [Theory]
    [InlineData(ModerationAction.Publish, ModerationReason.MeetsGuidelines)]
    [InlineData(ModerationAction.Restore, ModerationReason.RejectedInError)]
    public void actions_on_a_review_in_the_wrong_status_are_conflicts(ModerationAction action, ModerationReason reason)
    {
        var published = AReview();
        published.With(ScreenReviewsHandler.Decide(published, [], Now));

        Should.Throw<Conflict>(() => ModerateReviewHandler.Decide(published, action, reason, "note", Now));
    }

    [Fact]
    public void a_pending_review_is_left_to_screening() =>
        Should.Throw<Conflict>(() => ModerateReviewHandler.Decide(AReview(), ModerationAction.Reject, ModerationReason.Fake, "note", Now));
}
