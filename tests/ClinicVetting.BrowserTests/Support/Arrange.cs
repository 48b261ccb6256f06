using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using ClinicVetting.Testing;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.BrowserTests.Support;

/// <summary>
/// What a page test starts from, set up through the API as its clients do, by people other than the ones the test signs in
/// as (so four eyes is the test's own business): "arranger-staff" prepares.
/// </summary>
public sealed class Arrange(LiveApp app)
{
    public const string Staff = "arranger-staff";
    public const string Approver = "arranger-approver";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly HttpClient _staff = app.CreateClient(app.TokenFor(Staff, "staff"));

    public static string Unique(string name) => $"{name} {Guid.NewGuid().ToString("N")[..6]}";

    public DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>A clinic whose claims satisfy every rule (as the integration tests' clean clinic): every check can pass.</summary>
    public async Task<Guid> ACleanClinic(string name)
    {
        var clinic = await Post<NewClinic>("api/clinics", new ClinicDetails(name, "Cancún", "MX", YearsOfExperience: 12, PatientsPerYear: 300,
            CostRange: new CostRange(4000, 9000, "USD"), AccreditationsClaimed: ["Joint Commission International"]));
        var claims = $"api/clinics/{clinic.Id}/claims";
        var today = Today;
        await Post<JsonElement>($"{claims}/licenses", new LicenseInput("COFEPRIS", "LIC-2024-0042", today.AddYears(-1), today.AddYears(2)));
        await Post<JsonElement>($"{claims}/accreditations",
            new AccreditationInput("Joint Commission International", "JCI-7781", today.AddYears(-1), today.AddYears(2), ["hospital"]));
        await Post<JsonElement>($"{claims}/therapies", new TherapyInput("Orthopedic conditions", CellType.Mesenchymal, CellSource.Autologous,
            AdministrationRoute.LocalInjection, "CellLab Cancún", "COFEPRIS-LAB-99"));
        await Post<JsonElement>($"{claims}/team-members", new TeamMemberInput("Dr. Ana Ruiz", "Orthopedic surgery", 14, ["Board certified"]));
        await Post<JsonElement>($"{claims}/protocols", new ProtocolInput("Knee program", ["Evaluation", "Harvest", "Injection", "Follow-up"]));
        await Put($"{claims}/medical-evaluation", new MedicalEvaluationInput(
            VettingRuleSet.Default.Contraindications.Select(x => x.Code).ToList(), RequiresHealthHistory: true, ApprovesBeforeReview: false));
        await Put($"{claims}/aftercare", new AftercareInput("Calls at 1, 3 and 6 months", "24/7 physician line, partner hospital", 6));
        await Post<JsonElement>($"{claims}/marketing-texts", new MarketingTextInput("https://clinic.example", "Regenerative care with realistic expectations."));
        return clinic.Id;
    }

    /// <summary>A case opened by arranger-staff, once its automatic steps (rules, license look-up) have run.</summary>
    public async Task<Guid> OpenCase(Guid clinicId)
    {
        var opened = await Post<NewVettingCase>("api/vetting/cases", new OpenCaseInput(clinicId));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var view = await Case(opened.Id);
            if (view.RulesVersion is not null && (view.LookupTasks.Count > 0 || view.Checks[0].Evidence.Count > 0))
            {
                return opened.Id;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The automatic steps of case {opened.Id} did not run within 30 s.");
    }

    /// <summary>Passing evidence on every check but <paramref name="except"/>, obtained <paramref name="daysAgo"/> days ago, by arranger-staff.</summary>
    public async Task RecordEvidence(Guid caseId, int daysAgo = 2, params string[] except)
    {
        foreach (var check in (await Case(caseId)).Checks.Where(x => !except.Contains(x.Route)))
        {
            var source = check.Route is "license" or "therapy-approval" ? EvidenceSource.RegistryPage : EvidenceSource.Document;
            await Post<JsonElement>($"api/vetting/cases/{caseId}/checks/{check.Route}/evidence",
                new EvidenceBody(EvidenceOutcome.Passed, source, $"https://evidence.example/{check.Route}", DateTimeOffset.UtcNow.AddDays(-daysAgo),
                    "Checked with the issuer"));
        }
    }

    /// <summary>A clinic approved by arranger-approver after arranger-staff prepared its case.</summary>
    public async Task<Guid> AnApprovedClinic(string name)
    {
        var clinicId = await ACleanClinic(name);
        var caseId = await OpenCase(clinicId);
        await RecordEvidence(caseId);
        await Post<JsonElement>($"api/vetting/cases/{caseId}/approval", new { }, ClientAs(Approver, "approver"));
        return clinicId;
    }

    /// <summary>A ranking proposed by arranger-staff, not yet decided.</summary>
    public Task<NewRankingProposal> AProposal() => Post<NewRankingProposal>("api/ranking/proposals", new { });

    /// <summary>A new edition: proposed by arranger-staff, approved by arranger-approver.</summary>
    public async Task<NewEdition> AnEdition()
    {
        var proposal = await AProposal();
        return await Post<NewEdition>($"api/ranking/proposals/{proposal.Id}/approval", new ApprovalInput(), ClientAs(Approver, "approver"));
    }

    /// <summary>A review the booking system could not verify: screening holds it for a moderator. Returns its id once held.</summary>
    public async Task<Guid> AHeldReview(Guid clinicId, string text)
    {
        var id = Guid.NewGuid().ToString("N");
        var receipt = await Post<ReviewReceipt>("api/reviews", new ReviewSubmission(id, $"BK-{id}", clinicId, 5, text, "Knee program",
            Today.AddDays(-40), DateTimeOffset.UtcNow.AddDays(-3), false, "Pat Doe", "pat@mail.example"), ClientAs("arranger-booking", "booking"));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var review = await _staff.GetFromJsonAsync<JsonElement>($"api/reviews/{receipt.Id}", Json);
            if (review.GetProperty("review").GetProperty("status").GetString() == "held")
            {
                return receipt.Id;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Review {receipt.Id} was not held within 30 s.");
    }

    public async Task<VettingCaseView> Case(Guid caseId) => (await _staff.GetFromJsonAsync<VettingCaseView>($"api/vetting/cases/{caseId}", Json))!;

    public async Task<T> Post<T>(string url, object body, HttpClient? client = null)
    {
        using var response = await (client ?? _staff).PostAsJsonAsync(url, body, Json);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public async Task Put(string url, object body)
    {
        using var response = await _staff.PutAsJsonAsync(url, body, Json);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public HttpClient ClientAs(string user, string role) => app.CreateClient(app.TokenFor(user, role));
}
