using ClinicVetting.Clinics;
using ClinicVetting.Reviews;

namespace ClinicVetting.Demo;

/// <summary>
/// Generated patient reviews for the seed clinics, labelled as demo data (text, booking and review ids say so),
/// submitted by the demo booking system through the API's command. Per clinic: eleven verified reviews written
/// about eleven days apart (screening publishes them) and one unverified one (screening holds it for the
/// moderation queue). Ratings and names come from a fixed seed; dates count back from the day of loading.
/// </summary>
public sealed class SeedReviews : IDemoStep
{
    public const string TextPrefix = "[Demo review] ";
    public const string BookingPrefix = "DEMO-BK-";
    public const string ReviewPrefix = "demo-review-";
    public const int PerClinic = 12;

    public string Name => "seed-reviews-v1";

    private static readonly string[] Openings =
    [
        "The team at {clinic} explained every step of the {program} before we started.",
        "From the airport pickup to the last check-up, {clinic} was well organised.",
        "I compared several clinics in {city} before choosing {clinic}.",
        "The written protocol and clear pricing for the {program} made the decision easier.",
    ];

    private static readonly string[] GoodDetails =
    [
        "The doctor went through my medical history carefully and was honest about what the treatment can and cannot do.",
        "Nurses checked on me after each session and answered my questions quickly.",
        "A few months on, my mobility is noticeably better than before.",
        "Follow-up calls continued for weeks after I got home.",
    ];

    private static readonly string[] MixedDetails =
    [
        "The care itself was fine, but the waiting times were long.",
        "Results so far are modest, and the staff had been frank that they might be.",
        "The clinic was clean and professional, although the translator was not always available.",
        "Good medical care, but the paperwork for my records took weeks.",
    ];

    private static readonly string[] PoorDetails =
    [
        "Communication after I returned home was slow and I had to chase my records.",
        "The final invoice was higher than the quote I had been given.",
        "I have not noticed any improvement, and follow-up was hard to arrange.",
        "My questions about the cell source were never answered clearly.",
    ];

    private static readonly string[] FirstNames = ["Maria", "John", "Aylin", "Somchai", "Laura", "Pedro", "Emma", "Kenji", "Olga", "David"];
    private static readonly string[] LastNames = ["Garcia", "Smith", "Yilmaz", "Srisuk", "Rossi", "Herrera", "Brown", "Tanaka", "Nowak", "Cohen"];

    public async Task Run(DemoContext context, CancellationToken cancellation)
    {
        await using var session = context.Store.QuerySession();
        var clinics = (await session.Query<ClinicProfile>().ToListAsync(cancellation)).ToDictionary(x => x.IdentityKey);
        var random = new Random(20261101);
        var today = context.Clock.GetUtcNow();

        for (var c = 0; c < SeedClinics.Clinics.Count; c++)
        {
            if (!clinics.TryGetValue(SeedClinics.Clinics[c].Normalized().IdentityKey, out var clinic))
            {
                continue;
            }

            for (var n = 0; n < PerClinic; n++)
            {
                var rating = random.Next(100) switch { < 45 => 5, < 75 => 4, < 87 => 3, < 95 => 2, _ => 1 };
                var program = clinic.Programs.Count > 0 ? clinic.Programs[n % clinic.Programs.Count].Name : "Consultation";
                var writtenAt = today.AddDays(-(7 + n * 11 + c)).AddHours(-random.Next(0, 10)).AddMinutes(-random.Next(60));
                var submission = new ReviewSubmission(
                    ExternalReviewId: $"{ReviewPrefix}{c + 1:00}-{n + 1:00}",
                    BookingId: $"{BookingPrefix}{c + 1:00}-{n + 1:000}",
                    ClinicId: clinic.Id,
                    Rating: rating,
                    Text: TextPrefix + TextOf(n, rating, clinic, program),
                    Treatment: program,
                    TreatmentDate: DateOnly.FromDateTime(writtenAt.UtcDateTime).AddDays(-random.Next(10, 60)),
                    WrittenAt: writtenAt,
                    BookingVerified: n < PerClinic - 1,
                    ReviewerName: $"{FirstNames[random.Next(FirstNames.Length)]} {LastNames[random.Next(LastNames.Length)]}");
                try
                {
                    await context.Invoke<ReviewSubmissionOutcome>(DemoContext.BookingUser, new SubmitReview(submission), cancellation);
                }
                catch (Conflict)
                {
                    // Submitted by an earlier, interrupted run on another day: the review id keeps it single.
                }
            }
        }
    }

    /// <summary>Opening and detail both follow from the review's number, so no two texts of one clinic are alike.</summary>
    private static string TextOf(int n, int rating, ClinicProfile clinic, string program)
    {
        var details = rating switch { >= 4 => GoodDetails, 3 => MixedDetails, _ => PoorDetails };
        var opening = Openings[n % Openings.Length]
            .Replace("{clinic}", clinic.Name).Replace("{city}", clinic.City).Replace("{program}", program);
        return $"{opening} {details[n / Openings.Length % details.Length]} {rating} out of 5.";
    }
}
