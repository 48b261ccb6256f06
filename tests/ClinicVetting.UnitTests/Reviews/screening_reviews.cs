using ClinicVetting.Reviews;
using static ClinicVetting.UnitTests.Reviews.ReviewExamples;

namespace ClinicVetting.UnitTests.Reviews;

public class screening_reviews
{
    private static readonly ScreeningPolicy Policy = ScreeningPolicy.Default;

    private static IReadOnlyList<IReadOnlyList<ScreeningFinding>> Screen(IReadOnlyList<Review> pending,
        IEnumerable<ScreenedReview>? before = null, string? website = null) =>
        ReviewScreening.ScreenInOrder(pending, before ?? [], new Dictionary<Guid, string?> { [ClinicId] = website }, Policy);

    private static Review Numbered(int n, DateTimeOffset? writtenAt = null, string? text = null, bool verified = true) =>
        AReview(ASubmission($"rev-{n}", $"BK-{n}", text: text ?? $"Review number {n}: the care was thorough and well organised.",
            verified: verified, writtenAt: writtenAt));

    [Fact]
    public void a_clean_verified_review_has_no_findings_and_is_published_as_passed_screening()
    {
        var review = Numbered(1);

        var findings = Screen([review]).Single();

        findings.ShouldBeEmpty();
        var published = ScreenReviewsHandler.Decide(review, findings, Now).ShouldBeOfType<ReviewPublished>();
        published.Reason.ShouldBe(ModerationReason.PassedScreening);
        published.PublishedFrom.ShouldBe(ReviewStatus.Pending);
        published.Verified.ShouldBeTrue();
    }

    [Fact]
    public void an_unverified_booking_is_held()
    {
        var findings = Screen([Numbered(1, verified: false)]).Single();

        findings.Single().Rule.ShouldBe(ScreeningRule.UnverifiedBooking);
    }

    [Fact]
    public void the_same_text_folded_as_a_review_screened_before_is_a_duplicate_naming_it()
    {
        var original = Numbered(1, text: "Excellent care, the doctors explained everything clearly!");
        var copy = Numbered(2, text: "  EXCELLENT care -- the doctors explained everything clearly ");

        var findings = Screen([original, copy]);

        findings[0].ShouldBeEmpty();
        var duplicate = findings[1].Single();
        duplicate.Rule.ShouldBe(ScreeningRule.DuplicateText);
        duplicate.Detail.ShouldContain(original.Id.ToString());
    }

    [Fact]
    public void short_common_texts_are_not_called_copies()
    {
        var findings = Screen([Numbered(1, text: "Great clinic!"), Numbered(2, text: "Great clinic!")]);

        findings.Count.ShouldBe(2);
        findings.ShouldAllBe(x => x.Count == 0);
    }

    [Fact]
    public void a_duplicate_of_a_review_screened_in_an_earlier_batch_is_found()
    {
        var earlier = Numbered(1);
        var copy = Numbered(2, text: earlier.Text);

        var findings = Screen([copy], [new ScreenedReview(earlier.Id, Guid.NewGuid(), earlier.WrittenAt, earlier.TextFingerprint)]);

        findings.Single().Single().Rule.ShouldBe(ScreeningRule.DuplicateText);
    }

    [Fact]
    public void the_review_that_makes_a_burst_of_one_clinic_within_the_window_is_held_and_those_before_it_are_not()
    {
        var start = Now.AddDays(-3);
        var reviews = Enumerable.Range(1, Policy.BurstThreshold).Select(n => Numbered(n, start.AddHours(n))).ToList();

        var findings = Screen(reviews);

        findings.Count.ShouldBe(Policy.BurstThreshold);
        findings.Take(Policy.BurstThreshold - 1).ShouldAllBe(x => x.Count == 0);
        findings.Last().Single().Rule.ShouldBe(ScreeningRule.Burst);
    }

    [Fact]
    public void reviews_spread_wider_than_the_window_are_no_burst_in_any_order()
    {
        var reviews = Enumerable.Range(1, 3 * Policy.BurstThreshold)
            .Select(n => Numbered(n, Now.AddDays(-n * 2)))
            .Reverse()
            .ToList();

        var findings = Screen(reviews);

        findings.Count.ShouldBe(reviews.Count);
        findings.ShouldAllBe(x => x.Count == 0);
    }

    [Fact]
    public void a_burst_counts_reviews_written_after_this_one_too()
    {
        var later = Enumerable.Range(1, Policy.BurstThreshold - 1)
            .Select(n => new ScreenedReview(Guid.NewGuid(), ClinicId, Now.AddDays(-1).AddMinutes(n), null));

        var findings = Screen([Numbered(99, Now.AddDays(-1))], later);

        findings.Single().Single().Rule.ShouldBe(ScreeningRule.Burst);
    }

    [Fact]
    public void reviews_of_other_clinics_do_not_make_a_burst()
    {
        var elsewhere = Enumerable.Range(1, 2 * Policy.BurstThreshold)
            .Select(n => new ScreenedReview(Guid.NewGuid(), Guid.NewGuid(), Now.AddDays(-1).AddMinutes(n), null));

        Screen([Numbered(1, Now.AddDays(-1))], elsewhere).Single().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("owner@juventa.mx", "https://www.juventa.mx", true)]
    [InlineData("marketing@mail.juventa.mx", "https://juventa.mx/en", true)]
    [InlineData("owner@juventa.mx", "https://book.juventa.mx", true)]
    [InlineData("patient@gmail.com", "https://www.juventa.mx", false)]
    [InlineData("patient@notjuventa.mx", "https://juventa.mx", false)]
    [InlineData(null, "https://juventa.mx", false)]
    [InlineData("owner@juventa.mx", null, false)]
    public void a_reviewer_writing_from_the_clinics_own_domain_is_tied_to_it(string? email, string? website, bool tied)
    {
        var review = AReview(ASubmission(email: email));

        var findings = Screen([review], website: website).Single();

        findings.Any(x => x.Rule == ScreeningRule.TiedToClinic).ShouldBe(tied);
    }

    [Fact]
    public void a_review_with_several_problems_is_held_with_every_reason()
    {
        var earlier = Numbered(1);
        var suspect = AReview(ASubmission("rev-2", "BK-2", text: earlier.Text, verified: false, email: "ceo@juventa.mx"));

        var findings = Screen([earlier, suspect], website: "https://juventa.mx").Last();

        findings.Select(x => x.Rule).ShouldBe([ScreeningRule.UnverifiedBooking, ScreeningRule.DuplicateText, ScreeningRule.TiedToClinic]);
        var held = ScreenReviewsHandler.Decide(suspect, findings, Now).ShouldBeOfType<ReviewHeldForModeration>();
        held.Reasons.Count.ShouldBe(3);
    }

    [Fact]
    public void the_ranges_to_look_in_cover_each_window_and_merge_only_what_overlaps()
    {
        var day = TimeSpan.FromDays(1);
        var t = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var ranges = ReviewScreening.RangesAround([t.AddDays(100), t, t.AddHours(30), t.AddDays(400)], day, maxRanges: 10);

        ranges.ShouldBe([(t - day, t.AddHours(54)), (t.AddDays(99), t.AddDays(101)), (t.AddDays(399), t.AddDays(401))]);
    }

    [Fact]
    public void too_many_ranges_merge_across_the_smallest_gaps_and_still_cover_every_window()
    {
        var hour = TimeSpan.FromHours(1);
        var t = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        DateTimeOffset[] times = [t, t.AddHours(5), t.AddHours(100), t.AddHours(103), t.AddHours(1000)];

        var ranges = ReviewScreening.RangesAround(times, hour, maxRanges: 2);

        ranges.ShouldBe([(t - hour, t.AddHours(104)), (t.AddHours(999), t.AddHours(1001))]);
        ReviewScreening.RangesAround(times, hour, maxRanges: 0).ShouldHaveSingleItem().ShouldBe((t - hour, t.AddHours(1001)));
        ReviewScreening.RangesAround([], hour, maxRanges: 5).ShouldBeEmpty();
    }
}
