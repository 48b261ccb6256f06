using ClinicVetting.Vetting;
using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Vetting;

/// <summary>The vetting workflow through HTTP, as staff would drive it; each call waits for the messages it sets off.</summary>
public static class VettingScenarios
{
    public static readonly string[] AllChecks =
    [
        "license", "therapy-approval", "accreditations", "cell-source", "medical-team", "treatment-protocol", "medical-evaluation",
        "post-treatment-support", "claims-and-communication",
    ];

    public static async Task<IScenarioResult> Send(this IAlbaHost host, string token, Action<Scenario> configure, int status = 200)
    {
        IScenarioResult result = null!;
        await host.ExecuteAndWaitAsync(async () => result = await host.Scenario(s =>
        {
            s.WithRequestHeader("Authorization", $"Bearer {token}");
            configure(s);
            s.StatusCodeShouldBe(status);
        }));
        return result;
    }

    public static async Task<(ITrackedSession Tracked, IScenarioResult Result)> SendTracked(this IAlbaHost host, string token, Action<Scenario> configure)
    {
        IScenarioResult result = null!;
        var tracked = await host.ExecuteAndWaitAsync(async () => result = await host.Scenario(s =>
        {
            s.WithRequestHeader("Authorization", $"Bearer {token}");
            configure(s);
            s.IgnoreStatusCode();
        }));
        return (tracked, result);
    }

    /// <param name="status">Expected; by default 200, and for a claim either 201 (a new claim) or 200 (renewed, or already on file).</param>
    public static async Task<IScenarioResult> PostJson(this IAlbaHost host, string token, string url, object body, int? status = null)
    {
        if (status is not null || !url.Contains("/claims/", StringComparison.Ordinal))
        {
            return await host.Send(token, s => s.Post.Json(body).ToUrl(url), status ?? 200);
        }

        IScenarioResult result = null!;
        await host.ExecuteAndWaitAsync(async () => result = await host.Scenario(s =>
        {
            s.WithRequestHeader("Authorization", $"Bearer {token}");
            s.Post.Json(body).ToUrl(url);
            s.IgnoreStatusCode();
        }));
        result.Context.Response.StatusCode.ShouldBeOneOf([200, 201], result.ReadAsText());
        return result;
    }

    public static Task<IScenarioResult> PutJson(this IAlbaHost host, string token, string url, object body, int status = 200) =>
        host.Send(token, s => s.Put.Json(body).ToUrl(url), status);

    /// <summary>A clinic whose claims satisfy every rule: license, JCI, MSC by injection with its lab, team, protocol, evaluation, aftercare.</summary>
    public static async Task<Guid> ACleanClinic(this IAlbaHost host, string token, DateOnly today, string name = "Clínica Esperanza",
        string country = "MX", string licenseIssuer = "COFEPRIS")
    {
        var clinic = await host.RegisterClinic(token, ClinicScenarios.AClinic(name, country: country));
        var claims = $"/api/clinics/{clinic.Id}/claims";
        await host.PostJson(token, $"{claims}/licenses", new LicenseInput(licenseIssuer, "LIC-2024-0042", today.AddYears(-1), today.AddYears(2)));
        await host.PostJson(token, $"{claims}/accreditations",
            new AccreditationInput("Joint Commission International", "JCI-7781", today.AddYears(-1), today.AddYears(2), ["hospital"]));
        await host.PostJson(token, $"{claims}/therapies", new TherapyInput("Orthopedic conditions", CellType.Mesenchymal, CellSource.Autologous,
            AdministrationRoute.LocalInjection, "CellLab Cancún", "COFEPRIS-LAB-99"));
        await host.PostJson(token, $"{claims}/team-members", new TeamMemberInput("Dr. Ana Ruiz", "Orthopedic surgery", 14, ["Board certified"]));
        await host.PostJson(token, $"{claims}/protocols", new ProtocolInput("Knee program", ["Evaluation", "Harvest", "Injection", "Follow-up"]));
        await host.PutJson(token, $"{claims}/medical-evaluation", new MedicalEvaluationInput(
            VettingRuleSet.Default.Contraindications.Select(x => x.Code).ToList(), RequiresHealthHistory: true, ApprovesBeforeReview: false));
        await host.PutJson(token, $"{claims}/aftercare", new AftercareInput("Calls at 1, 3 and 6 months", "24/7 physician line, partner hospital", 6));
        await host.PostJson(token, $"{claims}/marketing-texts", new MarketingTextInput("https://esperanza.example", "Regenerative care with realistic expectations."));
        return clinic.Id;
    }

    public static async Task<Guid> OpenCase(this IAlbaHost host, string token, Guid clinicId)
    {
        var result = await host.PostJson(token, "/api/vetting/cases", new OpenCaseInput(clinicId), 201);
        return result.ReadAsJson<NewVettingCase>()!.Id;
    }

    public static Task<IScenarioResult> RecordEvidence(this IAlbaHost host, string token, Guid caseId, string check, DateTimeOffset obtainedAt,
        EvidenceOutcome outcome = EvidenceOutcome.Passed, int status = 200) =>
        host.PostJson(token, $"/api/vetting/cases/{caseId}/checks/{check}/evidence",
            new EvidenceBody(outcome, EvidenceSource.Document, $"https://evidence.example/{check}", obtainedAt, "Checked with the issuer"), status);

    public static async Task RecordAllEvidence(this IAlbaHost host, string token, Guid caseId, DateTimeOffset obtainedAt)
    {
        foreach (var check in AllChecks)
        {
            await host.RecordEvidence(token, caseId, check, obtainedAt);
        }
    }

    /// <summary>Passing evidence on every check the rules allow to pass, failing evidence on the others.</summary>
    public static async Task RecordAllEvidenceThatCanPass(this IAlbaHost host, string token, Guid caseId, DateTimeOffset obtainedAt)
    {
        var view = await host.GetCase(token, caseId);
        foreach (var check in view.Checks)
        {
            var blocked = check.Findings.Any(x => x.Blocking);
            await host.RecordEvidence(token, caseId, check.Route, obtainedAt, blocked ? EvidenceOutcome.Failed : EvidenceOutcome.Passed);
        }
    }

    public static async Task<VettingCaseView> GetCase(this IAlbaHost host, string token, Guid caseId) =>
        (await host.Send(token, s => s.Get.Url($"/api/vetting/cases/{caseId}"))).ReadAsJson<VettingCaseView>()!;

    public static async Task<ClinicOverview> GetClinic(this IAlbaHost host, string token, Guid clinicId) =>
        (await host.Send(token, s => s.Get.Url($"/api/clinics/{clinicId}"))).ReadAsJson<ClinicOverview>()!;

    /// <summary>An extension member of a problem details answer ("rule", "whoMayAct"), as text.</summary>
    public static string? ProblemExtension(this IScenarioResult result, string name) =>
        System.Text.Json.JsonDocument.Parse(result.ReadAsText()).RootElement.TryGetProperty(name, out var value)
            ? value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    public static Task<(ITrackedSession Tracked, IScenarioResult Result)> Approve(this IAlbaHost host, string token, Guid caseId) =>
        host.SendTracked(token, s => s.Post.Url($"/api/vetting/cases/{caseId}/approval"));
}
