using System.Runtime.CompilerServices;
using ClinicVetting.Ranking;

namespace ClinicVetting.Audit.Exports;

public static class ExportEditionsEndpoint
{
    public static readonly string[] Header =
    [
        "edition", "published_at", "as_of", "policy_version", "log_position", "proposed_by", "approved_by", "list", "rank", "clinic_id",
        "clinic_name", "city", "country", "score", "accreditations_share", "treatment_programs_share", "patient_reviews_share",
        "efficiency_share", "verified_reviews", "review_score", "override", "tied_with",
    ];

    /// <summary>The OpenAPI document's example of the answer.</summary>
    public static string ExampleAnswer => Csv.Line(Header) + Csv.Line([
        7, "2026-03-02T09:30:00Z", "2026-03-02T09:00:00Z", 2, 1042, "alice", "bob", "overall", 1, "0195f1c2-7a4e-7c31-9d2b-3f5e8a1b2c01",
        "Bangkok Regenerative Medicine Centre", "Bangkok", "TH", 0.82m, 0.25m, 0.16m, 0.31m, 0.10m, 48, 4.31m, "", ""]);

    /// <summary>
    /// Every published edition as it was published, a row per place in each of its lists (overall, per condition, per country):
    /// score, each factor's share, override and the clinics it was tied with and what decided between them.
    /// </summary>
    [WolverineGet("/api/audit/exports/editions.csv", OperationId = "ExportEditions"), Authorize(Policy = Policies.Audit)]
    [Tags("Audit exports")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/csv")]
    public static IResult Get() => new CsvResult("ranking-editions.csv", Header, Rows);

    private static async IAsyncEnumerable<object?[]> Rows(IQuerySession session, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var events = session.Events.QueryAllRawEvents().Where(x => x.StreamId == RankingEditionCatalog.StreamId).OrderBy(x => x.Version)
            .ToAsyncEnumerable(cancellation);
        await foreach (var e in events.WithCancellation(cancellation))
        {
            if (e.Data is not RankingEditionPublished edition) continue;
            var lists = new[] { ("overall", edition.Lists.Overall) }
                .Concat(edition.Lists.ByCondition.Select(x => ($"condition:{x.Key}", x.Value)))
                .Concat(edition.Lists.ByCountry.Select(x => ($"country:{x.Key}", x.Value)));
            foreach (var (list, entries) in lists)
            {
                foreach (var entry in entries)
                {
                    decimal? Share(RankingFactor factor) => entry.Factors.FirstOrDefault(x => x.Factor == factor)?.Share;
                    yield return
                    [
                        edition.Edition, edition.PublishedAt, edition.AsOf, edition.PolicyVersion, edition.LogPosition, edition.ProposedBy,
                        edition.ApprovedBy, list, entry.Rank, entry.ClinicId, entry.Name, entry.City, entry.Country, entry.Score,
                        Share(RankingFactor.Accreditations), Share(RankingFactor.TreatmentPrograms), Share(RankingFactor.PatientReviews),
                        Share(RankingFactor.Efficiency), entry.VerifiedReviews, entry.ReviewScore, entry.Override,
                        entry.TiedWith is null ? null : string.Join("; ", entry.TiedWith.Select(x => $"{x.Name} ({Csv.Field(x.ThisClinic)} it, by {Csv.Field(x.DecidedBy)})")),
                    ];
                }
            }
        }
    }
}
