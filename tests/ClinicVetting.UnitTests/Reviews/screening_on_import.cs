using System.Text.Json;
using ClinicVetting.Reviews;
using static ClinicVetting.UnitTests.Reviews.ReviewExamples;

namespace ClinicVetting.UnitTests.Reviews;

/// <summary>An imported review is one event, submitted and screened; everything read from it equals the two steps it replaces.</summary>
public class screening_on_import
{
    private static readonly ScreeningFinding Unverified = ReviewScreening.UnverifiedBooking(false)!;

    private static (ReviewSubmitted Submitted, ReviewSubmittedAndScreened Screened, IReviewEvent Outcome) Both(bool verified)
    {
        var submitted = SubmitReviewHandler.Decide(ASubmission(verified: verified), null, null, clinicExists: true, Now)!;
        IReadOnlyList<ScreeningFinding> findings = verified ? [] : [Unverified];
        return (submitted, ReviewSubmittedAndScreened.Of(submitted, findings),
            ScreenReviewsHandler.Decide(Review.Create(submitted), findings, Now));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void the_review_document_is_the_one_submission_then_screening_would_make(bool verified)
    {
        var (submitted, screened, outcome) = Both(verified);

        var stepByStep = Review.Create(submitted).With(outcome);
        var inOne = Review.Create(screened);
        inOne.Version = stepByStep.Version;

        JsonSerializer.Serialize(inOne).ShouldBe(JsonSerializer.Serialize(stepByStep));
        inOne.Status.ShouldBe(verified ? ReviewStatus.Published : ReviewStatus.Held);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void the_clinics_counts_are_those_of_the_two_steps(bool verified)
    {
        var (submitted, screened, outcome) = Both(verified);
        var projection = new ClinicReviewStatsProjection();
        var stepByStep = new ClinicReviewStats { Id = ClinicId };
        projection.Apply(submitted, stepByStep);
        switch (outcome)
        {
            case ReviewPublished published: projection.Apply(published, stepByStep); break;
            case ReviewHeldForModeration held: projection.Apply(held, stepByStep); break;
        }

        var inOne = new ClinicReviewStats { Id = ClinicId };
        projection.Apply(screened, inOne);

        JsonSerializer.Serialize(inOne).ShouldBe(JsonSerializer.Serialize(stepByStep));
        inOne.VerifiedPublished.ShouldBe(verified ? 1 : 0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void the_fairness_days_count_both_steps_on_the_day_of_the_submission(bool verified)
    {
        var (submitted, screened, outcome) = Both(verified);
        var projection = new ReviewFairnessDayProjection();
        var stepByStep = new ReviewFairnessDay();
        projection.Apply(submitted, stepByStep);
        switch (outcome)
        {
            case ReviewPublished published: projection.Apply(published, stepByStep); break;
            case ReviewHeldForModeration held: projection.Apply(held, stepByStep); break;
        }

        var inOne = new ReviewFairnessDay();
        projection.Apply(screened, inOne);

        JsonSerializer.Serialize(inOne).ShouldBe(JsonSerializer.Serialize(stepByStep));
        var steps = inOne.Ratings.For(screened.Rating);
        (steps.Submitted, steps.Published, steps.Held).ShouldBe((1, verified ? 1 : 0, verified ? 0 : 1));
    }

    [Fact]
    public void the_event_says_its_findings_and_not_a_derived_status()
    {
        var (_, screened, _) = Both(verified: false);

        var json = JsonSerializer.Serialize(screened);

        json.ShouldContain("\"Findings\":[{\"Rule\":");
        json.ShouldNotContain("\"Published\"");
        JsonSerializer.Deserialize<ReviewSubmittedAndScreened>(json)!.Findings.ShouldBe([Unverified]);
    }
}
