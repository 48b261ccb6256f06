using ClinicVetting.Clinics;

namespace ClinicVetting.Reviews;

/// <summary>How many reviews of one rating group reached each step in the period.</summary>
public sealed class StepCounts
{
    public int Submitted { get; set; }
    public int Held { get; set; }
    public int Published { get; set; }
    public int Rejected { get; set; }
    public int Restored { get; set; }
}

/// <summary>Low (1 and 2 stars), neutral (3) and high (4 and 5) reviews side by side.</summary>
public sealed class RatingGroups
{
    public StepCounts Low { get; init; } = new();
    public StepCounts Neutral { get; init; } = new();
    public StepCounts High { get; init; } = new();

    public StepCounts For(int rating) => rating <= 2 ? Low : rating == 3 ? Neutral : High;
}

/// <summary>The clinic and rating of one step, as the report reads them from an event.</summary>
public sealed record RatedStep(Guid ClinicId, int Rating);

public sealed record ClinicFairness(Guid ClinicId, string? ClinicName, RatingGroups Ratings);

public sealed record FairnessReport(DateOnly From, DateOnly To, RatingGroups Overall, IReadOnlyList<ClinicFairness> Clinics);

public static class GetFairnessReportEndpoint
{
    public static ProblemDetails Validate(DateOnly? from, DateOnly? to) => new FieldErrors()
        .When(from > to, "from", "must not be after to")
        .ToProblem();

    /// <summary>
    /// Whether low and high ratings are treated alike: per clinic and overall, how many reviews of each rating group
    /// were submitted, held, published, rejected and restored from <c>from</c> to <c>to</c> (whole UTC days; the
    /// last 30 days by default). Read from the events themselves.
    /// </summary>
    [WolverineGet("/api/reviews/fairness-report", OperationId = "GetReviewFairnessReport"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Reviews")]
    public static Task<FairnessReport> Get(DateOnly? from, DateOnly? to, IQuerySession session, TimeProvider clock, CancellationToken cancellation)
        => FairnessReports.Read(session, from, to, clock, cancellation);
}

/// <summary>The fairness report, read from the events themselves: served here and exported for auditors.</summary>
[Published]
public static class FairnessReports
{
    /// <summary>The report from <c>from</c> to <c>to</c> (whole UTC days; the last 30 days by default).</summary>
    public static async Task<FairnessReport> Read(IQuerySession session, DateOnly? from, DateOnly? to, TimeProvider clock, CancellationToken cancellation)
    {
        var lastDay = to ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var firstDay = from ?? lastDay.AddDays(-29);
        var start = new DateTimeOffset(firstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

        var overall = new RatingGroups();
        var byClinic = new Dictionary<Guid, RatingGroups>();
        async Task Tally(IQueryable<RatedStep> steps, Action<StepCounts> count)
        {
            foreach (var step in await steps.ToListAsync(cancellation))
            {
                if (!byClinic.TryGetValue(step.ClinicId, out var groups)) byClinic[step.ClinicId] = groups = new RatingGroups();
                count(groups.For(step.Rating));
                count(overall.For(step.Rating));
            }
        }

        var events = session.Events;
        await Tally(events.QueryRawEventDataOnly<ReviewSubmitted>().Where(x => x.SubmittedAt >= start && x.SubmittedAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Submitted++);
        await Tally(events.QueryRawEventDataOnly<ReviewHeldForModeration>().Where(x => x.HeldAt >= start && x.HeldAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Held++);
        await Tally(events.QueryRawEventDataOnly<ReviewPublished>().Where(x => x.PublishedAt >= start && x.PublishedAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Published++);
        await Tally(events.QueryRawEventDataOnly<ReviewRejected>().Where(x => x.RejectedAt >= start && x.RejectedAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Rejected++);
        await Tally(events.QueryRawEventDataOnly<ReviewRestored>().Where(x => x.RestoredAt >= start && x.RestoredAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Restored++);

        var names = (await session.LoadManyAsync<ClinicProfile>(cancellation, byClinic.Keys)).ToDictionary(x => x.Id, x => x.Name);
        var clinics = byClinic
            .Select(x => new ClinicFairness(x.Key, names.GetValueOrDefault(x.Key), x.Value))
            .OrderBy(x => x.ClinicName ?? "").ThenBy(x => x.ClinicId)
            .ToList();
        return new FairnessReport(firstDay, lastDay, overall, clinics);
    }
}
