using System.Text;
using System.Text.Json;
using Alba;
using ClinicVetting.IntegrationTests.Ranking;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Reviews;
using ClinicVetting.Shared;
using ClinicVetting.Vetting.Cases;

namespace ClinicVetting.IntegrationTests.Audit;

public class exporting_csv_for_auditors(AppFixture fixture) : IntegrationContext(fixture)
{
    /// <summary>What a spreadsheet would run if the cell reached it as written, with a quote, a comma and a line break to escape.</summary>
    private const string Formula = "=HYPERLINK(\"https://evil.example\",\"Open the evidence\"), then \"this\",\r\nand that";

    private async Task<(IScenarioResult Result, List<Dictionary<string, string>> Rows)> Export(string url, string? token = null)
    {
        var result = await Call(token ?? Auditor, s => s.Get.Url(url));
        result.Context.Response.StatusCode.ShouldBe(200);
        return (result, CsvRows(result.ReadAsText()));
    }

    [Fact]
    public async Task a_rejection_reason_that_is_a_formula_comes_back_as_text_in_the_cases_and_the_decisions()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        await Host.PostJson(Approver, $"/api/vetting/cases/{caseId}/rejection", new ReasonBody(Formula));

        var (result, cases) = await Export("/api/audit/exports/cases.csv");
        result.Context.Response.ContentType.ShouldBe("text/csv; charset=utf-8; header=present");
        result.Context.Response.Headers.ContentDisposition.ToString().ShouldBe("attachment; filename=\"vetting-cases.csv\"");
        result.Context.Response.Headers.CacheControl.ToString().ShouldBe("no-store");
        var row = cases.ShouldHaveSingleItem();
        row["case_id"].ShouldBe(caseId.ToString());
        row["clinic_name"].ShouldBe("Clínica Esperanza");
        row["status"].ShouldBe("rejected");
        row["decided_by"].ShouldBe("arthur-approver");
        row["rejection_reason"].ShouldBe("'" + Formula);
        row["checks_pending"].ShouldBe("9");

        var (_, decisions) = await Export("/api/audit/exports/decisions.csv");
        var decision = decisions.ShouldHaveSingleItem();
        (decision["decision"], decision["clinic_id"], decision["decided_by"]).ShouldBe(("case-rejected", clinicId.ToString(), "arthur-approver"));
        decision["reason"].ShouldBe("'" + Formula);
        decision["prepared_by"].ShouldBe("stella-staff");
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("Plain, with a comma", "Plain, with a comma")]
    [InlineData("Says \"no\"", "Says \"no\"")]
    public async Task every_cell_a_spreadsheet_would_run_is_defused_and_the_rest_kept(string reason, string cell)
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        await Host.PostJson(Approver, $"/api/vetting/cases/{caseId}/rejection", new ReasonBody(reason));

        var (_, decisions) = await Export("/api/audit/exports/decisions.csv");
        decisions.ShouldHaveSingleItem()["reason"].ShouldBe(cell);
    }

    [Fact]
    public async Task editions_are_exported_a_row_per_place_with_factor_shares_and_who_approved()
    {
        var first = await Host.AnApprovedClinic(Fixture, "Clínica Alta", [5, 5, 5, 4, 5, 5]);
        await Host.AnApprovedClinic(Fixture, "Clínica Baja", [2, 3, 3, 4, 3], "TR", "Turkish Ministry of Health");
        var proposal = await Host.Propose(Staff);
        var edition = await Host.ApproveProposal(Approver, proposal.Id);

        var (_, rows) = await Export("/api/audit/exports/editions.csv");
        var overall = rows.Where(x => x["list"] == "overall").ToList();
        overall.Select(x => x["rank"]).ShouldBe(["1", "2"]);
        overall[0]["clinic_id"].ShouldBe(first.ToString());
        overall[0]["edition"].ShouldBe(edition.Edition.ToString());
        overall[0]["approved_by"].ShouldBe("arthur-approver");
        overall[0]["proposed_by"].ShouldBe("stella-staff");
        decimal.Parse(overall[0]["score"], System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        rows.ShouldContain(x => x["list"] == "country:TR" && x["clinic_name"] == "Clínica Baja" && x["rank"] == "1");
        rows.ShouldContain(x => x["list"].StartsWith("condition:"));
    }

    [Fact]
    public async Task an_event_log_range_holds_exactly_its_events_with_their_data()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var (_, all) = await Export("/api/audit/exports/events.csv");
        var sequences = all.Select(x => long.Parse(x["sequence"])).ToList();
        sequences.ShouldBeInOrder();
        var from = sequences[2];
        var to = sequences[5];

        var (result, range) = await Export($"/api/audit/exports/events.csv?fromSequence={from}&toSequence={to}");
        result.Context.Response.Headers.ContentDisposition.ToString().ShouldBe($"attachment; filename=\"event-log-{from}-{to}.csv\"");
        range.Select(x => long.Parse(x["sequence"])).ShouldBe(sequences.Where(x => x >= from && x <= to));

        var registered = all.Single(x => x["type"] == "clinic_registered");
        registered["stream_id"].ShouldBe(clinicId.ToString());
        registered["user"].ShouldBe("stella-staff");
        JsonDocument.Parse(registered["data"]).RootElement.GetProperty("clinicId").GetGuid().ShouldBe(clinicId);
    }

    [Fact]
    public async Task the_fairness_report_exports_the_numbers_the_api_serves()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        await Host.Reviews(Fixture, clinicId, [1, 5, 5, 3]);
        await CatchUpProjections(); // the report counts by clinic and day in an asynchronous projection
        var report = (await Call(Auditor, s => s.Get.Url("/api/reviews/fairness-report"))).ReadAsJson<FairnessReport>()!;

        var (_, rows) = await Export("/api/audit/exports/fairness-report.csv");
        rows.Count.ShouldBe(6);
        var all = rows.Where(x => x["clinic_name"] == "(all clinics)").ToDictionary(x => x["rating_group"]);
        all["high"]["submitted"].ShouldBe(report.Overall.High.Submitted.ToString());
        all["high"]["submitted"].ShouldBe("2");
        all["low"]["published"].ShouldBe(report.Overall.Low.Published.ToString());
        rows.Where(x => x["clinic_id"] == clinicId.ToString()).Select(x => x["rating_group"]).ShouldBe(["low", "neutral", "high"]);
        rows[0]["to"].ShouldBe(report.To.ToString("yyyy-MM-dd"));

        (await Call(Auditor, s => { s.Get.Url("/api/audit/exports/fairness-report.csv?from=2030-01-02&to=2030-01-01"); s.StatusCodeShouldBe(400); }))
            .ShouldBeProblem(400);
    }

    [Fact]
    public async Task only_auditors_and_approvers_may_export_and_bad_ranges_are_a_400()
    {
        await Call(Staff, s => { s.Get.Url("/api/audit/exports/cases.csv"); s.StatusCodeShouldBe(403); });
        await Call(Booking, s => { s.Get.Url("/api/audit/exports/events.csv"); s.StatusCodeShouldBe(403); });
        await Call(null, s => { s.Get.Url("/api/audit/exports/decisions.csv"); s.StatusCodeShouldBe(401); });
        await Export("/api/audit/exports/editions.csv", Approver);

        (await Call(Auditor, s => { s.Get.Url("/api/audit/exports/events.csv?fromSequence=9&toSequence=3"); s.StatusCodeShouldBe(400); })).ShouldBeProblem(400);
        (await Call(Auditor, s => { s.Get.Url("/api/audit/exports/events.csv?fromSequence=0"); s.StatusCodeShouldBe(400); })).ShouldBeProblem(400);
    }

    /// <summary>An RFC 4180 reader, written apart from the exporter: quoted fields, doubled quotes, CRLF between records.</summary>
    public static List<Dictionary<string, string>> CsvRows(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"' && field.Length == 0) quoted = true;
            else if (c == ',') { record.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
                i++;
            }
            else
            {
                c.ShouldNotBe('\n', "a bare line feed outside quotes");
                field.Append(c);
            }
        }

        (field.Length + record.Count).ShouldBe(0, "the export ends with CRLF");
        var header = records[0];
        records.Skip(1).ShouldAllBe(x => x.Count == header.Count);
        return records.Skip(1).Select(x => header.Zip(x).ToDictionary(p => p.First, p => p.Second)).ToList();
    }
}
