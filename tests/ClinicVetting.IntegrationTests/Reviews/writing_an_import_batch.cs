using System.Text.Json;
using ClinicVetting.Audit.Integrity;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Reviews;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Reviews;

/// <summary>
/// An import batch writes its streams, events and review documents in a few set-based statements beside Marten's own
/// append path: what it stores must read exactly as Marten's appends do, and a batch commits whole or not at all.
/// </summary>
public class writing_an_import_batch(AppFixture fixture) : ReviewsContext(fixture)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private Task<HttpResponseMessage> Import(IEnumerable<ReviewSubmission> reviews) => PostImport(reviews);

    [Fact]
    public async Task an_imported_review_reads_as_a_marten_append_and_moderation_continues_its_stream()
    {
        var clean = AReview("bulk-clean", "BK-BULK-CLEAN");
        var unverified = AReview("bulk-unverified", "BK-BULK-UNVERIFIED", verified: false);
        (await Accepted(await Import([clean, unverified]))).ShouldBe(2);

        await using (var session = Store.QuerySession())
        {
            foreach (var review in new[] { clean, unverified })
            {
                var id = Review.IdFor(review.ExternalReviewId);
                var state = (await session.Events.FetchStreamStateAsync(id)).ShouldNotBeNull();
                (state.Version, state.AggregateType).ShouldBe((1L, typeof(Review)));
                var stored = (await session.Events.FetchStreamAsync(id)).Single();
                (stored.Version, stored.UserName, stored.TenantId).ShouldBe((1L, "booking-system", "*DEFAULT*"));
                stored.CorrelationId.ShouldNotBeNullOrEmpty();
                stored.Data.ShouldBeOfType<ReviewSubmittedAndScreened>().ExternalReviewId.ShouldBe(review.ExternalReviewId);

                // The document is what Marten's inline snapshot of the stream would have written.
                var document = (await session.LoadAsync<Review>(id)).ShouldNotBeNull();
                var folded = (await session.Events.AggregateStreamAsync<Review>(id)).ShouldNotBeNull();
                Store.Options.Serializer().ToJson(document).ShouldBe(Store.Options.Serializer().ToJson(folded));
            }
        }

        var heldId = Review.IdFor(unverified.ExternalReviewId);
        (await Moderate(Staff, heldId, "publish", "verifiedWithPatient")).Context.Response.StatusCode.ShouldBe(200);
        await using (var session = Store.QuerySession())
        {
            (await session.Events.FetchStreamStateAsync(heldId)).ShouldNotBeNull().Version.ShouldBe(2);
            var review = (await session.LoadAsync<Review>(heldId)).ShouldNotBeNull();
            (review.Status, review.Version).ShouldBe((ReviewStatus.Published, 2L));
        }

        var report = await Host.Services.GetRequiredService<IntegrityVerifier>().VerifyEverything("test", null, null, CancellationToken.None);
        report.Problems.ShouldBeEmpty();
        report.Valid.ShouldBeTrue();
    }

    [Fact]
    public async Task a_batch_that_fails_while_writing_leaves_nothing_and_sent_again_records_each_review_once()
    {
        var reviews = Enumerable.Range(0, 3).Select(i => AReview($"bulk-crash-{i}", $"BK-BULK-CRASH-{i}", writtenAt: Now.AddDays(-10 - i))).ToList();
        var ids = reviews.Select(x => Review.IdFor(x.ExternalReviewId)).ToArray();

        // The batch's last write, its documents, fails on the second review: the batch's streams and events are already written.
        await using (await FailingReviewDocument("bulk-crash-1"))
        {
            ((int)(await Import(reviews)).StatusCode).ShouldBeGreaterThanOrEqualTo(500);
        }

        (await Count($"select count(*) from {Schema}.mt_streams where id = any(@ids)", ids)).ShouldBe(0, "no stream of the failed batch");
        (await Count($"select count(*) from {Schema}.mt_events where stream_id = any(@ids)", ids)).ShouldBe(0, "no event of the failed batch");
        (await Count($"select count(*) from {Schema}.mt_doc_review where id = any(@ids)", ids)).ShouldBe(0, "no review document of the failed batch");

        (await Accepted(await Import(reviews))).ShouldBe(3);
        (await Accepted(await Import(reviews))).ShouldBe(0);
        (await Count($"select count(*) from {Schema}.mt_events where stream_id = any(@ids)", ids)).ShouldBe(3, "each review once");
        (await Count($"select count(*) from {Schema}.mt_doc_review where id = any(@ids)", ids)).ShouldBe(3);
    }

    /// <summary>
    /// The import reads and prepares its next batch while the last one is written. A batch that fails must stop it where
    /// the sequential import stopped: the batches before it written, itself and every batch after it not, the answer a 500.
    /// </summary>
    [Fact]
    public async Task a_failing_batch_in_the_middle_of_a_pipelined_import_stops_it_and_leaves_only_the_batches_before()
    {
        var size = ImportReviewsEndpoint.BatchSize;
        var reviews = Enumerable.Range(0, 2 * size + 200).Select(i => Written($"pipe-crash-{i}", Now.AddHours(-30 * (i + 1)))).ToList();
        var ids = reviews.Select(x => Review.IdFor(x.ExternalReviewId)).ToArray();
        var first = ids[..size];
        var rest = ids[size..];

        // The second batch fails at its documents, while the third is being read.
        await using (await FailingReviewDocument($"pipe-crash-{size + 200}"))
        {
            ((int)(await Import(reviews)).StatusCode).ShouldBeGreaterThanOrEqualTo(500);
        }

        (await Count($"select count(*) from {Schema}.mt_streams where id = any(@ids)", first)).ShouldBe(size, "the first batch written whole");
        (await Count($"select count(*) from {Schema}.mt_events where stream_id = any(@ids)", first)).ShouldBe(size);
        (await Count($"select count(*) from {Schema}.mt_doc_review where id = any(@ids)", first)).ShouldBe(size);
        (await Count($"select count(*) from {Schema}.mt_streams where id = any(@ids)", rest)).ShouldBe(0, "nothing of the failed batch or after it");
        (await Count($"select count(*) from {Schema}.mt_events where stream_id = any(@ids)", rest)).ShouldBe(0);
        (await Count($"select count(*) from {Schema}.mt_doc_review where id = any(@ids)", rest)).ShouldBe(0);

        var again = await Import(reviews);
        again.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
        var summary = JsonSerializer.Deserialize<ImportSummary>(await again.Content.ReadAsStringAsync(), Json)!;
        (summary.Accepted, summary.Duplicates).ShouldBe((size + 200, size));
        (await Count($"select count(*) from {Schema}.mt_events where stream_id = any(@ids)", ids)).ShouldBe(reviews.Count, "each review once");
    }

    /// <summary>
    /// The hash chain is written once per statement: a batch's events in one pass, a single append's event after its
    /// stream's last. Imports and moderations appending at once, from many transactions, must leave a chain that verifies.
    /// </summary>
    [Fact]
    public async Task imports_and_moderations_appending_at_once_leave_a_chain_that_verifies()
    {
        var held = Enumerable.Range(0, 20).Select(i => Written($"chain-held-{i}", Now.AddDays(-2_000 - i), verified: false)).ToList();
        (await Accepted(await Import(held))).ShouldBe(20);

        var imports = Enumerable.Range(0, 3).Select(import => Import(Enumerable.Range(0, 700)
            .Select(i => Written($"chain-{import}-{i}", Now.AddHours(-5 * (import * 700 + i) - 24))))).ToList();
        var moderations = held.Select(async (review, i) => (await Moderate(Staff, Review.IdFor(review.ExternalReviewId),
            i % 2 == 0 ? "publish" : "reject", i % 2 == 0 ? "verifiedWithPatient" : "fake")).Context.Response.StatusCode).ToList();
        await Task.WhenAll([.. imports, .. moderations]);
        foreach (var import in imports) (await Accepted(await import)).ShouldBe(700);
        (await Task.WhenAll(moderations)).ShouldAllBe(x => x == 200);

        var report = await Host.Services.GetRequiredService<IntegrityVerifier>().VerifyEverything("test", null, null, CancellationToken.None);
        report.Problems.ShouldBeEmpty();
        (report.Valid, report.EventsChecked >= 3 * 700 + 2 * 20).ShouldBe((true, true));
    }

    private ReviewSubmission Written(string externalId, DateTimeOffset writtenAt, bool verified = true) =>
        AReview(externalId, $"BK-{externalId}", verified: verified, writtenAt: writtenAt,
                text: $"Review {externalId}: the clinic was clean, the staff kind, and the follow-up thorough.")
            with { TreatmentDate = DateOnly.FromDateTime(writtenAt.UtcDateTime).AddDays(-10) };

    private static async Task<int> Accepted(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonSerializer.Deserialize<ImportSummary>(await response.Content.ReadAsStringAsync(), Json)!.Accepted;
    }

    private string Schema => Store.Options.Events.DatabaseSchemaName;

    /// <summary>Until disposed, writing the review document of <paramref name="externalReviewId"/> fails (as a full disk would).</summary>
    private async Task<IAsyncDisposable> FailingReviewDocument(string externalReviewId)
    {
        // The table is made on first use: a test that runs first in a fresh database must not find it missing.
        await Store.Storage.Database.EnsureStorageExistsAsync(typeof(Review), CancellationToken.None);
        await ExecuteSql($"""
            create or replace function {Schema}.test_fail_review_document() returns trigger language plpgsql as $$
            begin
              if new.data ->> 'externalReviewId' = '{externalReviewId}' then raise exception 'disk full (test)'; end if;
              return new;
            end $$;
            create trigger test_fail_review_document before insert on {Schema}.mt_doc_review
              for each row execute function {Schema}.test_fail_review_document();
            """);
        return new Cleanup(() => ExecuteSql($"""
            drop trigger test_fail_review_document on {Schema}.mt_doc_review;
            drop function {Schema}.test_fail_review_document();
            """));
    }

    private sealed class Cleanup(Func<Task> cleanup) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await cleanup();
    }

    private async Task<long> Count(string sql, Guid[] ids)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("ids", ids);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
