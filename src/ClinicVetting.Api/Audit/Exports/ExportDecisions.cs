using System.Runtime.CompilerServices;
using ClinicVetting.Ranking;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using JasperFx.Events;
using Marten.Events;

namespace ClinicVetting.Audit.Exports;

public static class ExportDecisionsEndpoint
{
    public static readonly string[] Header =
    [
        "sequence", "recorded_at", "decision", "stream_id", "clinic_id", "decided_by", "decided_at", "reason", "prepared_by", "detail",
        "correlation_id",
    ];

    /// <summary>The OpenAPI document's example of the answer.</summary>
    public static string ExampleAnswer => Csv.Line(Header) + Csv.Line([
        1042, "2026-03-02T09:30:00Z", "case-approved", "0195f1c3-12aa-7d02-8e44-6a7b9c0d1e02", "0195f1c2-7a4e-7c31-9d2b-3f5e8a1b2c01", "bob", "2026-03-02T09:30:00Z", "", "alice", "",
        "4bf92f3577b34da6a3ce929d0e0e4736"]);

    private static readonly Type[] Decisions =
    [
        typeof(VettingCaseApproved), typeof(VettingCaseRejected), typeof(CheckWaived), typeof(RedFlagCleared), typeof(ClinicReinstated),
        typeof(RankingProposalApproved), typeof(RankingProposalDeclined),
    ];

    /// <summary>
    /// Every decision a person took, in log order: cases approved and rejected, checks waived, red flags cleared, clinics
    /// reinstated, ranking proposals approved (with overrides) and declined; who, when, why and who prepared it.
    /// </summary>
    [WolverineGet("/api/audit/exports/decisions.csv", OperationId = "ExportDecisions"), Authorize(Policy = Policies.Audit)]
    [Tags("Audit exports")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/csv")]
    public static IResult Get() => new CsvResult("decisions.csv", Header, Rows);

    private static async IAsyncEnumerable<object?[]> Rows(IQuerySession session, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var events = session.Events.QueryAllRawEvents().Where(x => x.EventTypesAre(Decisions)).OrderBy(x => x.Sequence).ToAsyncEnumerable(cancellation);
        await foreach (var e in events.WithCancellation(cancellation))
        {
            yield return Row(e);
        }
    }

    public static object?[] Row(IEvent e)
    {
        object?[] Line(string decision, Guid? clinic, string by, DateTimeOffset at, string? reason, IReadOnlyList<string>? preparedBy, string? detail) =>
            [e.Sequence, e.Timestamp, decision, e.StreamId, clinic, by, at, reason, preparedBy is null ? null : string.Join("; ", preparedBy), detail, e.CorrelationId];

        return e.Data switch
        {
            VettingCaseApproved x => Line("case-approved", x.ClinicId, x.DecidedBy, x.DecidedAt, null, x.PreparedBy, $"reverify by {Csv.Field(x.ReverifyBy)}"),
            VettingCaseRejected x => Line("case-rejected", x.ClinicId, x.DecidedBy, x.DecidedAt, x.Reason, x.PreparedBy, null),
            CheckWaived x => Line("check-waived", null, x.Waiver.WaivedBy, x.Waiver.WaivedAt, x.Waiver.Reason, null, $"check {Csv.Field(x.Check)}"),
            RedFlagCleared x => Line("red-flag-cleared", x.ClinicId, x.ClearedBy, x.ClearedAt, x.Reason, null, $"flag {x.FlagId}"),
            ClinicReinstated x => Line("clinic-reinstated", x.ClinicId, x.ReinstatedBy, x.ReinstatedAt, x.Reason, x.PreparedBy, $"cause {x.Cause}"),
            RankingProposalApproved x => Line("ranking-approved", null, x.ApprovedBy, x.ApprovedAt,
                x.Overrides.Count == 0 ? null : string.Join("; ", x.Overrides.Select(o => o.Reason)), null,
                $"edition {x.Edition}" + string.Concat(x.Overrides.Select(o => $"; {Csv.Field(o.Action)} {o.ClinicId}{(o.Position is { } p ? $" to {p}" : "")}"))),
            RankingProposalDeclined x => Line("ranking-declined", null, x.DeclinedBy, x.DeclinedAt, x.Reason, null, null),
            _ => Line(e.EventTypeName, null, e.UserName ?? "", e.Timestamp, null, null, null),
        };
    }
}
