using System.Runtime.CompilerServices;
using ClinicVetting.Clinics;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;

namespace ClinicVetting.Audit.Exports;

public static class ExportCasesEndpoint
{
    public static readonly string[] Header =
    [
        "case_id", "clinic_id", "clinic_name", "opening", "status", "opened_by", "opened_at", "checks_passed", "checks_failed",
        "checks_pending", "checks_waived", "decided_by", "decided_at", "rejection_reason", "prepared_by", "reverify_by",
        "rules_version", "regulators_version",
    ];

    /// <summary>The OpenAPI document's example of the answer.</summary>
    public static string ExampleAnswer => Csv.Line(Header) + Csv.Line([
        "0195f1c3-12aa-7d02-8e44-6a7b9c0d1e02", "0195f1c2-7a4e-7c31-9d2b-3f5e8a1b2c01", "Bangkok Regenerative Medicine Centre", "registration", "approved", "alice", "2026-02-20T08:15:00Z",
        9, 0, 0, 0, "bob", "2026-03-02T09:30:00Z", "", "alice", "2027-03-02", 4, 2]);

    /// <summary>Every vetting case, oldest first: its clinic, how it was opened, its checks by status, who decided it, when and why.</summary>
    [WolverineGet("/api/audit/exports/cases.csv", OperationId = "ExportCases"), Authorize(Policy = Policies.Audit)]
    [Tags("Audit exports")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/csv")]
    public static IResult Get() => new CsvResult("vetting-cases.csv", Header, Rows);

    private static async IAsyncEnumerable<object?[]> Rows(IQuerySession session, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var cases = session.Query<VettingCase>().OrderBy(x => x.OpenedAt).ThenBy(x => x.Id).ToAsyncEnumerable(cancellation);
        await foreach (var batch in cases.Chunk(200).WithCancellation(cancellation))
        {
            var names = (await session.LoadManyAsync<ClinicProfile>(cancellation, batch.Select(x => x.ClinicId).Distinct()))
                .ToDictionary(x => x.Id, x => x.Name);
            foreach (var c in batch)
            {
                int Count(CheckStatus status) => c.Checks.Count(x => x.Status == status);
                yield return
                [
                    c.Id, c.ClinicId, names.GetValueOrDefault(c.ClinicId), c.Opening, c.Status, c.OpenedBy, c.OpenedAt,
                    Count(CheckStatus.Passed), Count(CheckStatus.Failed), Count(CheckStatus.Pending), Count(CheckStatus.Waived),
                    c.DecidedBy, c.DecidedAt, c.RejectionReason, string.Join("; ", c.PreparedBy), c.ReverifyBy, c.RulesVersion, c.RegulatorsVersion,
                ];
            }
        }
    }
}
