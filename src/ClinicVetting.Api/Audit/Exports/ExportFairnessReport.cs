using System.Runtime.CompilerServices;
using ClinicVetting.Reviews;

namespace ClinicVetting.Audit.Exports;

public static class ExportFairnessReportEndpoint
{
    public static readonly string[] Header =
        ["from", "to", "clinic_id", "clinic_name", "rating_group", "submitted", "held", "published", "rejected", "restored"];

    /// <summary>The OpenAPI document's example of the answer.</summary>
    public static string ExampleAnswer => Csv.Line(Header)
        + Csv.Line(["2026-02-01", "2026-03-02", "", "", "low", 14, 6, 7, 1, 0])
        + Csv.Line(["2026-02-01", "2026-03-02", "0195f1c2-7a4e-7c31-9d2b-3f5e8a1b2c01", "Bangkok Regenerative Medicine Centre", "high", 40, 3, 38, 2, 1]);

    public static ProblemDetails Validate(DateOnly? from, DateOnly? to) => new FieldErrors()
        .When(from > to, "from", "must not be after to")
        .ToProblem();

    /// <summary>
    /// The review fairness report as CSV: for all clinics, then each clinic, how many low (1-2 stars), neutral (3) and high
    /// (4-5) reviews were submitted, held, published, rejected and restored from <c>from</c> to <c>to</c> (whole UTC days;
    /// the last 30 days by default). The same numbers as GET /api/reviews/fairness-report.
    /// </summary>
    [WolverineGet("/api/audit/exports/fairness-report.csv", OperationId = "ExportFairnessReport"), Authorize(Policy = Policies.Audit)]
    [Tags("Audit exports")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/csv")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static IResult Get(DateOnly? from, DateOnly? to, TimeProvider clock) =>
        new CsvResult("review-fairness-report.csv", Header, (session, cancellation) => Rows(session, from, to, clock, cancellation));

    private static async IAsyncEnumerable<object?[]> Rows(IQuerySession session, DateOnly? from, DateOnly? to, TimeProvider clock,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var report = await FairnessReports.Read(session, from, to, clock, cancellation);
        var groups = new[] { report.Overall }.Select(x => ((Guid?)null, (string?)"(all clinics)", x))
            .Concat(report.Clinics.Select(x => ((Guid?)x.ClinicId, x.ClinicName, x.Ratings)));
        foreach (var (clinicId, name, ratings) in groups)
        {
            foreach (var (group, counts) in new[] { ("low", ratings.Low), ("neutral", ratings.Neutral), ("high", ratings.High) })
            {
                yield return [report.From, report.To, clinicId, name, group, counts.Submitted, counts.Held, counts.Published, counts.Rejected, counts.Restored];
            }
        }
    }
}
