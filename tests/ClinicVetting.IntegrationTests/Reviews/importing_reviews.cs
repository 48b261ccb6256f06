using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Alba;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Notifications;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Reviews;
using Marten;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Reviews;

public class importing_reviews(AppFixture fixture) : ReviewsContext(fixture)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private async Task<IScenarioResult> Import(string body, string contentType, int status = 200)
    {
        IScenarioResult result = null!;
        await Host.ExecuteAndWaitAsync(async () => result = await Call(Booking, s =>
        {
            s.Post.Text(body).ToUrl("/api/reviews/import");
            s.WithRequestHeader("Content-Type", contentType);
            s.StatusCodeShouldBe(status);
        }), timeoutInMilliseconds: 120_000);
        return result;
    }

    /// <summary>How often mt_streams was analyzed other than by autovacuum (PostgreSQL's statistics, flushed within a second).</summary>
    private async Task<long> StreamAnalyses()
    {
        await using var connection = new Npgsql.NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select coalesce(sum(analyze_count), 0)::bigint from pg_stat_user_tables where schemaname = 'clinicvetting' and relname = 'mt_streams'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The i-th review of a long history: each clinic's reviews written 28 hours apart, every 500th unverified.</summary>
    private ReviewSubmission Historic(int i, IReadOnlyList<Guid> clinics)
    {
        var writtenAt = Now.AddHours(-7 * (i + 1));
        return AReview($"import-{i}", $"BK-IMPORT-{i}", rating: i % 5 + 1, verified: i % 500 != 0,
                text: $"Imported review {i}: the clinic was clean, the staff kind, and the follow-up thorough.", writtenAt: writtenAt,
                clinicId: clinics[i % clinics.Count])
            with { TreatmentDate = DateOnly.FromDateTime(writtenAt.UtcDateTime).AddDays(-10) };
    }

    [Fact]
    public async Task ten_thousand_reviews_stream_in_as_ndjson_with_resends_and_refusals_reported_by_line()
    {
        var clinics = new List<Guid> { ClinicId };
        foreach (var name in new[] { "Second Clinic", "Third Clinic", "Fourth Clinic" })
        {
            clinics.Add((await Host.RegisterClinic(Staff, ClinicScenarios.AClinic(name))).Id);
        }

        var lines = new List<string>();
        void Add(object review) => lines.Add(JsonSerializer.Serialize(review, Json));
        for (var i = 0; i < 10_000; i++)
        {
            Add(Historic(i, clinics));
            if (i % 1_000 == 1) Add(Historic(i, clinics));
        }

        for (var i = 0; i < 20; i++) Add(Historic(i * 300, clinics));
        Add(Historic(42, clinics) with { Rating = 1 });
        Add(Historic(10_001, clinics) with { BookingId = "BK-IMPORT-7" });
        Add(Historic(10_002, clinics) with { ClinicId = Guid.NewGuid() });
        Add(Historic(10_003, clinics) with { Rating = 9 });
        lines.Add("{\"externalReviewId\": \"broken\", ");
        lines.Add("");
        lines.Add($"{{\"text\": \"{new string('x', 70_000)}\"}}");
        var body = string.Join('\n', lines) + "\n";
        Encoding.UTF8.GetByteCount(body).ShouldBeGreaterThan(2 * 1024 * 1024, "bigger than the default body limit, so only streaming takes it");
        var analysesBefore = await StreamAnalyses();

        var summary = (await Import(body, "application/x-ndjson")).ReadAsJson<ImportSummary>()!;

        // A bulk load: it analyzed the tables it grew, so no plan made while they were small outlives their growth (ImportStatistics).
        await Host.Eventually(StreamAnalyses, x => x > analysesBefore, "the import's analysis of mt_streams", seconds: 10);

        (summary.Received, summary.Accepted, summary.Duplicates, summary.Rejected).ShouldBe((10_036, 10_000, 30, 6));
        summary.RejectedItems.Select(x => x.Line).ShouldBe([10_031, 10_032, 10_033, 10_034, 10_035, 10_037]);
        summary.DuplicateItems.Take(2).Select(x => (x.Line, x.ExternalReviewId)).ShouldBe([(3, "import-1"), (1_004, "import-1001")]);
        summary.DuplicateItems.Last().Line.ShouldBe(10_030);
        var rejected = summary.RejectedItems.ToDictionary(x => x.Line!.Value, x => string.Join(" ", x.Reasons));
        rejected[10_031].ShouldContain("other content");
        rejected[10_032].ShouldContain("one review per episode of care");
        rejected[10_033].ShouldContain("No clinic");
        rejected[10_034].ShouldContain("rating");
        rejected[10_035].ShouldContain("not a valid review");
        rejected[10_037].ShouldContain("longer than");

        await using var session = Store.QuerySession();
        (await session.Query<Review>().CountAsync()).ShouldBe(10_000);
        (await session.Query<Review>().CountAsync(x => x.Status == ReviewStatus.Pending)).ShouldBe(0, "every imported review is screened");
        var held = await session.Query<Review>().Where(x => x.Status == ReviewStatus.Held).ToListAsync();
        held.Count.ShouldBe(20);
        held.ShouldAllBe(x => !x.BookingVerified && x.ScreeningFindings.Count == 1);
    }

    /// <summary>
    /// The rest of the body is held back until the first batch is in the database: an import that read the whole body
    /// before writing would never get there.
    /// </summary>
    [Fact]
    public async Task reviews_are_written_while_the_rest_of_the_body_is_still_on_its_way()
    {
        byte[] Lines(int from, int count) => Encoding.UTF8.GetBytes(string.Concat(
            Enumerable.Range(from, count).Select(i => JsonSerializer.Serialize(Historic(i, [ClinicId]), Json) + "\n")));
        var body = new Pipe();
        using var client = Host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Booking);
        using var content = new StreamContent(body.Reader.AsStream());
        content.Headers.ContentType = new("application/x-ndjson");

        HttpResponseMessage response = null!;
        await Host.ExecuteAndWaitAsync(async () =>
        {
            var importing = client.PostAsync("/api/reviews/import", content);
            await body.Writer.WriteAsync(Lines(0, ImportReviewsEndpoint.BatchSize + 100));

            await using var session = Store.QuerySession();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await session.Query<Review>().CountAsync() < ImportReviewsEndpoint.BatchSize)
            {
                DateTime.UtcNow.ShouldBeLessThan(deadline, "no batch was written while the rest of the body was held back");
                importing.IsCompleted.ShouldBeFalse("the import answered before its body was complete");
                await Task.Delay(50);
            }

            await body.Writer.WriteAsync(Lines(ImportReviewsEndpoint.BatchSize + 100, 400));
            await body.Writer.CompleteAsync();
            response = await importing;
        }, timeoutInMilliseconds: 60_000);

        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        var summary = JsonSerializer.Deserialize<ImportSummary>(await response.Content.ReadAsStringAsync(), Json)!;
        (summary.Received, summary.Accepted).ShouldBe((ImportReviewsEndpoint.BatchSize + 500, ImportReviewsEndpoint.BatchSize + 500));
    }

    [Fact]
    public async Task a_burst_is_found_against_reviews_screened_in_an_earlier_batch_far_down_a_long_history()
    {
        // 500 reviews 30 hours apart fill the first batch; twelve more, written within five hours of the 250th, come in the next.
        DateTimeOffset WrittenAt(int i) => Now.AddHours(-30 * (i + 1));
        ReviewSubmission Written(int i, DateTimeOffset at) => AReview($"burst-{i}", $"BK-BURST-{i}",
                text: $"Review {i}: the clinic was clean, the staff kind, and the follow-up thorough.", writtenAt: at)
            with { TreatmentDate = DateOnly.FromDateTime(at.UtcDateTime).AddDays(-10) };
        var history = Enumerable.Range(0, 500).Select(i => Written(i, WrittenAt(i)));
        var burst = Enumerable.Range(0, 12).Select(k => Written(1_000 + k, WrittenAt(250).AddMinutes(60 + 24 * k)));
        var body = string.Join('\n', history.Concat(burst).Select(x => JsonSerializer.Serialize(x, Json)));

        (await Import(body, "application/x-ndjson")).ReadAsJson<ImportSummary>()!.Accepted.ShouldBe(512);

        await using var session = Store.QuerySession();
        var reviews = await session.Query<Review>().Where(x => x.ClinicId == ClinicId).ToListAsync();
        var held = reviews.Where(x => x.Status == ReviewStatus.Held).ToList();
        // The k-th of the twelve has the 250th and the k before it nearby: from the ninth on, ten reviews within a day.
        held.Select(x => x.ExternalReviewId).Order().ShouldBe(["burst-1008", "burst-1009", "burst-1010", "burst-1011"]);
        held.ShouldAllBe(x => x.ScreeningFindings.Single().Rule == ScreeningRule.Burst);
        reviews.Count(x => x.Status == ReviewStatus.Published).ShouldBe(508);
    }

    [Fact]
    public async Task sending_the_same_import_again_writes_nothing_new()
    {
        var body = string.Join('\n', Enumerable.Range(0, 3).Select(i => JsonSerializer.Serialize(Historic(i, [ClinicId]), Json)));
        await Import(body, "application/x-ndjson");
        await using var session = Store.QuerySession();
        var events = await session.Events.QueryAllRawEvents().CountAsync();

        var again = (await Import(body, "application/x-ndjson")).ReadAsJson<ImportSummary>()!;

        (again.Accepted, again.Duplicates).ShouldBe((0, 3));
        (await session.Events.QueryAllRawEvents().CountAsync()).ShouldBe(events);
    }

    [Fact]
    public async Task a_json_array_reports_refusals_by_index()
    {
        var items = new object?[] { Historic(0, [ClinicId]), new { rating = "five" }, null, Historic(0, [ClinicId]), Historic(1, [ClinicId]) };

        var summary = (await Import(JsonSerializer.Serialize(items, Json), "application/json")).ReadAsJson<ImportSummary>()!;

        (summary.Received, summary.Accepted, summary.Duplicates, summary.Rejected).ShouldBe((5, 2, 1, 2));
        summary.RejectedItems.Select(x => x.Index).ShouldBe([1, 2]);
        summary.DuplicateItems.Single().Index.ShouldBe(3);
    }

    [Fact]
    public async Task a_broken_json_array_is_a_400_after_importing_the_items_before_the_break()
    {
        var body = "[" + JsonSerializer.Serialize(Historic(0, [ClinicId]), Json) + ", {\"rating\": ";

        var result = await Import(body, "application/json", status: 400);

        result.ShouldBeProblem(400).Detail.ShouldNotBeNull().ShouldContain("1 item(s) before this point were imported");
        await using var session = Store.QuerySession();
        (await session.Query<Review>().CountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task an_array_element_over_the_item_limit_is_refused_by_index_and_the_rest_imported()
    {
        var huge = AReview("huge", "BK-HUGE") with { Text = new string('x', 2 * 1024 * 1024) };
        var body = $"[{JsonSerializer.Serialize(Historic(0, [ClinicId]), Json)},\n{JsonSerializer.Serialize(huge, Json)},\n{JsonSerializer.Serialize(Historic(1, [ClinicId]), Json)}]";

        var summary = (await Import(body, "application/json")).ReadAsJson<ImportSummary>()!;

        (summary.Received, summary.Accepted, summary.Rejected).ShouldBe((3, 2, 1));
        summary.RejectedItems.Single().ShouldBe(new ImportIssue(null, 1, null, [$"is longer than {ImportBody.MaxItemBytes} bytes"]),
            new ImportIssueComparer());
    }

    private sealed class ImportIssueComparer : IEqualityComparer<ImportIssue>
    {
        public bool Equals(ImportIssue? a, ImportIssue? b) =>
            a is not null && b is not null && (a.Line, a.Index, a.ExternalReviewId) == (b.Line, b.Index, b.ExternalReviewId) && a.Reasons.SequenceEqual(b.Reasons);

        public int GetHashCode(ImportIssue issue) => HashCode.Combine(issue.Line, issue.Index);
    }

    [Theory]
    [InlineData("{}", "application/json", 400)]
    [InlineData("null", "application/json", 400)]
    [InlineData("\"reviews\"", "application/json", 400)]
    [InlineData("true", "application/json", 400)]
    [InlineData("externalReviewId=1", "application/x-www-form-urlencoded", 415)]
    [InlineData("", "text/plain", 415)]
    public async Task a_body_that_is_not_reviews_is_refused(string body, string contentType, int status) =>
        (await Import(body, contentType, status)).ShouldBeProblem(status);
}
