using ClinicVetting.Audit.Exports;
using ClinicVetting.Vetting.Cases;

namespace ClinicVetting.UnitTests.Audit;

public class writing_csv
{
    [Theory]
    [InlineData("=SUM(A1:A9)", "'=SUM(A1:A9)")]
    [InlineData("+33 1 23 45 67 89", "'+33 1 23 45 67 89")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("a = b", "a = b")]
    public void text_a_spreadsheet_would_run_as_a_formula_starts_with_a_quote(string text, string cell) => Csv.Field(text).ShouldBe(cell);

    [Theory]
    [InlineData("Cancún, MX", "\"Cancún, MX\"")]
    [InlineData("the \"best\" clinic", "\"the \"\"best\"\" clinic\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("=\"x\",1", "\"'=\"\"x\"\",1\"")]
    [InlineData("\rhidden", "\"'\rhidden\"")]
    public void commas_quotes_and_line_breaks_are_quoted_with_quotes_doubled(string text, string cell) => Csv.Field(text).ShouldBe(cell);

    [Fact]
    public void numbers_dates_ids_and_kinds_are_written_plainly_and_the_line_ends_in_crlf()
    {
        var id = Guid.Parse("0193a1b2-0000-7000-8000-000000000001");
        Csv.Line([-1.5m, -3, id, new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), new DateOnly(2030, 1, 2), CaseStatus.Approved, true, null, ""])
            .ShouldBe("-1.5,-3,0193a1b2-0000-7000-8000-000000000001,2030-01-02T01:04:05.0000000Z,2030-01-02,approved,true,,\r\n");
    }
}
