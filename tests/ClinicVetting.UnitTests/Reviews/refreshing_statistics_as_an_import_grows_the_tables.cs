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
}
