using System.Text.Json;
using Alba;
using Wolverine.Tracking;
using ClinicVetting.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;

namespace ClinicVetting.IntegrationTests.Ranking;

public static class RankingScenarios
{
    /// <summary>A clinic vetted and approved (by a second approver), with published verified reviews of these ratings.</summary>
    public static async Task<Guid> AnApprovedClinic(this IAlbaHost host, AppFixture fixture, string name, int[] ratings, string country = "MX",
        string issuer = "COFEPRIS")
    {
        var staff = fixture.TokenFor("stella-staff", "staff");
        var clinicId = await host.ACleanClinic(staff, fixture.Clock.Today, name, country, issuer);
        var caseId = await host.OpenCase(staff, clinicId);
        await host.RecordAllEvidence(staff, caseId, fixture.Clock.Now);
        var (_, approval) = await host.Approve(fixture.TokenFor("olivia-approver", "approver"), caseId);
        approval.Context.Response.StatusCode.ShouldBe(200);
        await host.Reviews(fixture, clinicId, ratings);
        return clinicId;
    }

    /// <summary>Verified reviews a few days apart (never a burst), each with its own words, published by screening.</summary>
    public static async Task Reviews(this IAlbaHost host, AppFixture fixture, Guid clinicId, int[] ratings)
    {
        var booking = fixture.TokenFor("booking-system", "booking");
        foreach (var (rating, index) in ratings.Select((x, i) => (x, i)))
        {
            var id = $"{clinicId:N}-{Guid.NewGuid():N}";
            await host.PostJson(booking, "/api/reviews", new ReviewSubmission(id, $"BK-{id}", clinicId, rating,
                    $"Review {id}: rated {rating}, treatment number {index} went as the clinic explained it would.", "Knee program",
                    fixture.Clock.Today.AddDays(-400 + index * 3), fixture.Clock.Now.AddDays(-300 + index * 3), true, "Pat Doe", $"pat{index}@mail.example"),
                201);
        }
    }

    /// <summary>Many verified reviews in one NDJSON import, four hours apart (never a burst), each in its own words; screening has published them.</summary>
    public static async Task ImportedReviews(this IAlbaHost host, AppFixture fixture, Guid clinicId, IReadOnlyList<int> ratings)
    {
        var lines = ratings.Select((rating, index) =>
        {
            var id = $"{clinicId:N}-import-{index}";
            var writtenAt = fixture.Clock.Now.AddHours(-4 * (index + 1));
            return JsonSerializer.Serialize(new ReviewSubmission(id, $"BK-{id}", clinicId, rating,
                $"Review {id}: rated {rating}, treatment number {index} went as the clinic explained it would.", "Knee program",
                DateOnly.FromDateTime(writtenAt.UtcDateTime).AddDays(-10), writtenAt, true, "Pat Doe", $"pat{index}@mail.example"), Web);
        });
        var booking = fixture.TokenFor("booking-system", "booking");
        await host.ExecuteAndWaitAsync(() => host.Scenario(s =>
        {
            s.WithRequestHeader("Authorization", $"Bearer {booking}");
            s.Post.Text(string.Join('\n', lines) + "\n").ToUrl("/api/reviews/import");
            s.WithRequestHeader("Content-Type", "application/x-ndjson");
            s.StatusCodeShouldBe(200);
        }), timeoutInMilliseconds: 120_000);
    }

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static async Task<NewRankingProposal> Propose(this IAlbaHost host, string token) =>
        (await host.Send(token, s => s.Post.Url("/api/ranking/proposals"), 201)).ReadAsJson<NewRankingProposal>()!;

    public static async Task<NewEdition> ApproveProposal(this IAlbaHost host, string token, Guid proposalId, object? body = null) =>
        (await host.Send(token, s => s.Post.Json(body ?? new ApprovalInput()).ToUrl($"/api/ranking/proposals/{proposalId}/approval"), 201))
        .ReadAsJson<NewEdition>()!;

    public static async Task<RankingProposal> GetProposal(this IAlbaHost host, string token, Guid proposalId) =>
        (await host.Send(token, s => s.Get.Url($"/api/ranking/proposals/{proposalId}"))).ReadAsJson<RankingProposal>()!;
}
