using System.Text.Json;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Reviews;
using Marten;

namespace ClinicVetting.IntegrationTests.Reviews;

/// <summary>An import screens each review before it writes it: one event says the outcome, in screening's turn.</summary>
public class screening_imports(AppFixture fixture) : ReviewsContext(fixture)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private async Task<ImportSummary> Import(IEnumerable<ReviewSubmission> reviews)
    {
        var response = await PostImport(reviews);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonSerializer.Deserialize<ImportSummary>(await response.Content.ReadAsStringAsync(), Json)!;
    }

    [Fact]
    public async Task an_imported_review_is_one_event_and_reads_as_submitted_then_screened()
    {
        var clean = AReview("imp-clean", "BK-IMP-CLEAN");
        var unverified = AReview("imp-unverified", "BK-IMP-UNVERIFIED", verified: false);

        (await Import([clean, unverified])).Accepted.ShouldBe(2);

        await using var session = Store.QuerySession();
        foreach (var (review, status) in new[] { (clean, ReviewStatus.Published), (unverified, ReviewStatus.Held) })
        {
            var id = Review.IdFor(review.ExternalReviewId);
            var events = await session.Events.FetchStreamAsync(id);
            events.Select(x => x.Data.GetType()).ShouldBe([typeof(ReviewSubmittedAndScreened)], "one event per imported review");
            (await session.LoadAsync<Review>(id)).ShouldNotBeNull().Status.ShouldBe(status);
        }

        var history = (await Read(Review.IdFor(clean.ExternalReviewId))).History;
        history.Select(x => (x.Step, x.By, x.Reason)).ShouldBe(
            [("submitted", "booking-system", null), ("published", ReviewScreening.SystemUser, ModerationReason.PassedScreening)]);
        (await Read(Review.IdFor(unverified.ExternalReviewId))).History.Last().Findings.ShouldNotBeNull()
            .Single().Rule.ShouldBe(ScreeningRule.UnverifiedBooking);
    }

    [Fact]
    public async Task a_review_screened_after_an_import_sees_what_the_import_published()
    {
        var text = "The coordinators organised everything and the follow-up calls came exactly as promised.";
        await Import([AReview("imp-first", "BK-IMP-FIRST", text: text)]);

        await Submit(AReview("single-copy", "BK-SINGLE-COPY", text: text));

        await using var session = Store.QuerySession();
        var copy = (await session.LoadAsync<Review>(Review.IdFor("single-copy"))).ShouldNotBeNull();
        copy.Status.ShouldBe(ReviewStatus.Held);
        copy.ScreeningFindings.Single().Rule.ShouldBe(ScreeningRule.DuplicateText);
    }

    /// <summary>
    /// The import reads its next batch while the last one is written; the next is screened only after the last committed,
    /// so a copy of the last review of one batch at the head of the next is held, as it would be within one batch.
    /// </summary>
    [Fact]
    public async Task a_copy_of_the_last_review_of_a_batch_at_the_head_of_the_next_is_held()
    {
        var last = ImportReviewsEndpoint.BatchSize - 1;
        var text = "The nurses explained the injections, the surgeon called twice and the aftercare plan was clear and complete.";
        var reviews = Enumerable.Range(0, ImportReviewsEndpoint.BatchSize + 2).Select(i =>
        {
            var writtenAt = Now.AddDays(-3 - 2 * i);
            return AReview($"across-{i}", $"BK-ACROSS-{i}", writtenAt: writtenAt,
                    text: i is var n && (n == last || n == last + 1) ? text : $"Review {i}: the clinic was clean, the staff kind, and the follow-up thorough.")
                with { TreatmentDate = DateOnly.FromDateTime(writtenAt.UtcDateTime).AddDays(-10) };
        }).ToList();

        (await Import(reviews)).Accepted.ShouldBe(reviews.Count);

        await using var session = Store.QuerySession();
        var held = await session.Query<Review>().Where(x => x.Status == ReviewStatus.Held).ToListAsync();
        held.Select(x => x.ExternalReviewId).ShouldBe([$"across-{last + 1}"], "the copy at the head of the second batch, and nothing else");
        held.Single().ScreeningFindings.Single().Rule.ShouldBe(ScreeningRule.DuplicateText);
        held.Single().ScreeningFindings.Single().Detail.ShouldContain(Review.IdFor($"across-{last}").ToString());
    }

    /// <summary>
    /// Screening compares a review with every review screened before it: two imports running at once take turns, so of
    /// two copies of a text one is published and the other held, whichever import came first.
    /// </summary>
    [Fact]
    public async Task two_imports_of_the_same_texts_at_once_publish_each_text_once()
    {
        const int texts = 300;
        IEnumerable<ReviewSubmission> Copies(string import) => Enumerable.Range(0, texts).Select(i =>
        {
            var writtenAt = Now.AddDays(-3 - 2 * i);
            return AReview($"{import}-{i}", $"BK-{import}-{i}", writtenAt: writtenAt,
                    text: $"Copied review {i}: the surgeon explained the risks, the nurses were kind and the aftercare was thorough.")
                with { TreatmentDate = DateOnly.FromDateTime(writtenAt.UtcDateTime).AddDays(-10) };
        });

        var summaries = await Task.WhenAll(Import(Copies("race-a")), Import(Copies("race-b")));

        summaries.Sum(x => x.Accepted).ShouldBe(2 * texts);
        await using var session = Store.QuerySession();
        var reviews = await session.Query<Review>().Where(x => x.ExternalReviewId.StartsWith("race-")).ToListAsync();
        reviews.Count(x => x.Status == ReviewStatus.Published).ShouldBe(texts, "each text published once");
        reviews.Where(x => x.Status == ReviewStatus.Held)
            .ShouldAllBe(x => x.ScreeningFindings.Count == 1 && x.ScreeningFindings[0].Rule == ScreeningRule.DuplicateText);
    }
}
