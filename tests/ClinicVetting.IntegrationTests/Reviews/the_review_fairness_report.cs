using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Reviews;

namespace ClinicVetting.IntegrationTests.Reviews;

public class the_review_fairness_report(AppFixture fixture) : ReviewsContext(fixture)
{
    private async Task<FairnessReport> Report(string query = "")
    {
        var result = await Call(Auditor, s => s.Get.Url("/api/reviews/fairness-report" + query));
        return result.ReadAsJson<FairnessReport>().ShouldNotBeNull();
    }

    [Fact]
    public async Task counts_what_happened_to_low_and_high_ratings_per_clinic_and_overall()
    {
        var other = (await Host.RegisterClinic(Staff, ClinicScenarios.AClinic("Other Clinic"))).Id;
        var lowHeld = (await Submit(AReview("r1", "B1", rating: 1, verified: false))).Id;
        var lowPublished = (await Submit(AReview("r2", "B2", rating: 2))).Id;
        var highHeld = (await Submit(AReview("r3", "B3", rating: 5, verified: false))).Id;
        await Submit(AReview("r4", "B4", rating: 4));
        await Submit(AReview("r5", "B5", rating: 3, clinicId: other));

        await Moderate(Staff, lowHeld, "reject", "fake");
        await Moderate(Staff, lowHeld, "restore", "rejectedInError");
        await Moderate(Staff, lowPublished, "reject", "containsPersonalData");
        await Moderate(Staff, highHeld, "reject", "incentivised");

        var report = await Report();

        var low = report.Overall.Low;
        (low.Submitted, low.Held, low.Published, low.Rejected, low.Restored).ShouldBe((2, 1, 1, 2, 1));
        var high = report.Overall.High;
        (high.Submitted, high.Held, high.Published, high.Rejected, high.Restored).ShouldBe((2, 1, 1, 1, 0));
        report.Overall.Neutral.Published.ShouldBe(1);

        report.Clinics.Select(x => x.ClinicName).ShouldBe(["Clínica Esperanza", "Other Clinic"]);
        report.Clinics[0].Ratings.Low.Rejected.ShouldBe(2);
        report.Clinics[1].Ratings.Neutral.Submitted.ShouldBe(1);
        report.Clinics[1].Ratings.Low.Submitted.ShouldBe(0);
    }

    [Fact]
    public async Task only_steps_taken_within_the_period_count()
    {
        var reviewId = (await Submit(AReview(rating: 1, verified: false))).Id;
        var submittedOn = DateOnly.FromDateTime(Now.UtcDateTime);
        Fixture.Clock.Advance(TimeSpan.FromDays(3));
        await Moderate(Staff, reviewId, "reject", "abusive");

        var firstDay = await Report($"?from={submittedOn:yyyy-MM-dd}&to={submittedOn:yyyy-MM-dd}");
        (firstDay.Overall.Low.Submitted, firstDay.Overall.Low.Held, firstDay.Overall.Low.Rejected).ShouldBe((1, 1, 0));

        var later = await Report($"?from={submittedOn.AddDays(1):yyyy-MM-dd}");
        (later.Overall.Low.Submitted, later.Overall.Low.Rejected).ShouldBe((0, 1));
        later.To.ShouldBe(DateOnly.FromDateTime(Now.UtcDateTime));
    }

    [Theory]
    [InlineData("?from=2026-11-02&to=2026-11-01")]
    [InlineData("?from=yesterday")]
    public async Task a_nonsense_period_is_a_400(string query) =>
        (await Call(Staff, s =>
        {
            s.Get.Url("/api/reviews/fairness-report" + query);
            s.StatusCodeShouldBe(400);
        })).ShouldBeProblem(400);
}
