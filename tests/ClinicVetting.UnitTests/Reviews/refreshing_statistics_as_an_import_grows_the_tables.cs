using ClinicVetting.Reviews;

namespace ClinicVetting.UnitTests.Reviews;

/// <summary>
/// An import analyzes the tables it grows once it has added half as many streams again as the last analysis saw, and at
/// least a thousand: often while the tables are small (where a plan made on three rows goes wrong fastest), a handful of
/// times in an import that doubles them, never for an import that is small beside the log.
/// </summary>
public class refreshing_statistics_as_an_import_grows_the_tables
{
    [Theory]
    [InlineData(999, 0, false)]
    [InlineData(1_000, 0, true)]
    [InlineData(1_000, 1_999, true)]
    [InlineData(1_000, 2_002, false)]
    [InlineData(24_999, 50_000, false)]
    [InlineData(25_000, 50_000, true)]
    [InlineData(50_000, 1_000_000, false)]
    public void analyzes_after_half_as_many_streams_again_and_at_least_a_thousand(long grown, long analyzed, bool due) =>
        ImportStatistics.Due(grown, analyzed).ShouldBe(due);

    [Fact]
    public void an_import_of_fifty_thousand_reviews_into_a_fresh_database_analyzes_a_handful_of_times()
    {
        long analyzed = 3, grown = 0;
        var analyses = 0;
        for (var batch = 0; batch < 100; batch++)
        {
            grown += 500;
            if (ImportStatistics.Due(grown, analyzed))
            {
                (analyzed, grown) = (analyzed + grown, 0);
                analyses++;
            }
        }

        analyses.ShouldBeInRange(5, 12);
    }

    /// <summary>An import's analyses against a database whose analyses end only when the test says so.</summary>
    private sealed class HeldAnalyses
    {
        public List<(long Streams, TaskCompletionSource Done)> Started { get; } = [];

        public ImportAnalyses ForImport(long analyzedBefore = 3) => new(_ => Task.FromResult(analyzedBefore), (streams, _) =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Started.Add((streams, done));
            return done.Task;
        });
    }

    [Fact]
    public async Task a_due_analysis_runs_beside_the_next_batches_instead_of_holding_them_back()
    {
        var database = new HeldAnalyses();
        var analyses = database.ForImport();

        var first = analyses.Grew(1_000, CancellationToken.None);
        first.IsCompleted.ShouldBeTrue("the batch that made it due goes on at once");
        database.Started.Count.ShouldBe(1);

        for (var batch = 0; batch < 4; batch++)
        {
            var next = analyses.Grew(500, CancellationToken.None);
            next.IsCompleted.ShouldBeTrue("a batch never waits for the analysis running beside it");
        }

        database.Started.Count.ShouldBe(1, "one analysis at a time");

        database.Started[0].Done.SetResult();
        await analyses.Grew(500, CancellationToken.None);
        database.Started.Count.ShouldBe(2, "the growth while the first ran counts towards the next");
        database.Started[1].Streams.ShouldBe(3_503);
    }

    [Fact]
    public async Task the_import_ends_only_once_its_last_analysis_has()
    {
        var database = new HeldAnalyses();
        var analyses = database.ForImport();
        await analyses.Grew(1_000, CancellationToken.None);

        var ended = analyses.Ended();
        ended.IsCompleted.ShouldBeFalse();

        database.Started[0].Done.SetResult();
        await ended.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task an_import_that_fails_ends_only_once_its_analysis_has_too()
    {
        var database = new HeldAnalyses();
        async Task FailingImport()
        {
            await using var analyses = database.ForImport();
            await analyses.Grew(1_000, CancellationToken.None);
            throw new InvalidOperationException("a batch failed");
        }

        var import = FailingImport();
        import.IsCompleted.ShouldBeFalse("its analysis is still running");

        database.Started[0].Done.SetResult();
        (await Should.ThrowAsync<InvalidOperationException>(import.WaitAsync(TimeSpan.FromSeconds(10)))).Message.ShouldBe("a batch failed");
    }

    [Fact]
    public async Task a_small_import_neither_reads_the_last_analysis_nor_analyzes()
    {
        var reads = 0;
        var analyses = new ImportAnalyses(_ => Task.FromResult((long)++reads), (_, _) => throw new InvalidOperationException("analyzed"));

        await analyses.Grew(999, CancellationToken.None);
        await analyses.Ended();

        reads.ShouldBe(0);
    }

    [Fact]
    public async Task a_cancelled_import_ends_with_its_analysis_cancelled_and_not_failed_by_it()
    {
        using var cancel = new CancellationTokenSource();
        var analyses = new ImportAnalyses(_ => Task.FromResult(3L), (_, token) => Task.Delay(Timeout.Infinite, token));
        await analyses.Grew(1_000, cancel.Token);

        await cancel.CancelAsync();

        await analyses.Ended().WaitAsync(TimeSpan.FromSeconds(10));
    }
}
