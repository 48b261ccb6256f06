using Alba;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Reviews;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Reviews;

/// <summary>A registered clinic to review, and helpers that submit and moderate reviews as the API's callers do.</summary>
public abstract class ReviewsContext(AppFixture fixture) : IntegrationContext(fixture)
{
    protected Guid ClinicId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ClinicId = (await Host.RegisterClinic(Staff, ClinicScenarios.AClinic() with { Website = "https://www.esperanza-clinic.example" })).Id;
    }

    protected DateTimeOffset Now => Fixture.Clock.GetUtcNow();

    protected ReviewSubmission AReview(string externalId = "bk-review-1", string bookingId = "BK-1", int rating = 5, bool verified = true,
        string? text = null, DateTimeOffset? writtenAt = null, string? email = "maria.lopez@example.com", Guid? clinicId = null) =>
        new(externalId, bookingId, clinicId ?? ClinicId, rating,
            text ?? $"Review {externalId}: the team explained every step and the follow-up calls were reassuring.",
            "Knee program", DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-40), writtenAt ?? Now.AddDays(-3), verified,
            "Maria José López", email);

    /// <summary>Sends reviews to the import as the booking system, one JSON line each, and answers what the server said.</summary>
    protected async Task<HttpResponseMessage> PostImport(IEnumerable<ReviewSubmission> reviews)
    {
        using var client = Host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Booking);
        var json = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        using var content = new StringContent(string.Concat(reviews.Select(x => System.Text.Json.JsonSerializer.Serialize(x, json) + "\n")));
        content.Headers.ContentType = new("application/x-ndjson");
        return await client.PostAsync("/api/reviews/import", content);
    }

    /// <summary>Submits as the booking system and waits until screening has decided.</summary>
    protected async Task<ReviewReceipt> Submit(ReviewSubmission review)
    {
        var (_, result) = await TrackedCall(Booking, s =>
        {
            s.Post.Json(review).ToUrl("/api/reviews");
            s.StatusCodeShouldBe(201);
        });
        return result.ReadAsJson<ReviewReceipt>().ShouldNotBeNull();
    }

    protected Task<IScenarioResult> Moderate(string token, Guid reviewId, string action, string reason, string note = "Checked against the booking.") =>
        Call(token, s =>
        {
            s.Post.Json(new { reason, note }).ToUrl($"/api/reviews/{reviewId}/{action}");
            s.IgnoreStatusCode();
        });

    protected async Task<ReviewDetails> Read(Guid reviewId)
    {
        var result = await Call(Auditor, s => s.Get.Url($"/api/reviews/{reviewId}"));
        return result.ReadAsJson<ReviewDetails>().ShouldNotBeNull();
    }
}
