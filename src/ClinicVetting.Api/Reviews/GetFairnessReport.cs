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

    public void Add(StepCounts other)
    {
        Submitted += other.Submitted;
        Held += other.Held;
        Published += other.Published;
        Rejected += other.Rejected;
        Restored += other.Restored;
    }
}

/// <summary>Low (1 and 2 stars), neutral (3) and high (4 and 5) reviews side by side.</summary>
public sealed class RatingGroups
{
    public StepCounts Low { get; init; } = new();
    public StepCounts Neutral { get; init; } = new();
    public StepCounts High { get; init; } = new();

    public StepCounts For(int rating) => rating <= 2 ? Low : rating == 3 ? Neutral : High;

    public void Add(RatingGroups other)
    {
        Low.Add(other.Low);
        Neutral.Add(other.Neutral);
        High.Add(other.High);
    }
}

public sealed record ClinicFairness(Guid ClinicId, string? ClinicName, RatingGroups Ratings);

/// <summary>
/// The period's counts overall, and one page of its clinics (by name, then id): <c>totalClinics</c> had a review take a
/// step in the period.
/// </summary>
public sealed record FairnessReport(DateOnly From, DateOnly To, RatingGroups Overall, IReadOnlyList<ClinicFairness> Clinics)
{
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = Paging.DefaultSize;
    public long TotalClinics { get; init; }
    public bool HasMore => (long)Page * PageSize < TotalClinics;
}

/// <summary>One clinic's counts over the period, added up in PostgreSQL from its days.</summary>
public sealed record ClinicPeriodCounts(Guid ClinicId, RatingGroups Ratings);

public sealed record ClinicName(Guid Id, string Name);

public static class GetFairnessReportEndpoint
{
    public static ProblemDetails Validate(DateOnly? from, DateOnly? to) => new FieldErrors()
        .When(from > to, "from", "must not be after to")
        .ToProblem();

    /// <summary>
    /// Whether low and high ratings are treated alike: overall and per clinic, how many reviews of each rating group
    /// were submitted, held, published, rejected and restored from <c>from</c> to <c>to</c> (whole UTC days; the
    /// last 30 days by default). The clinics are paged (<c>page</c>, <c>pageSize</c>), by name. Counted from the review
    /// events by clinic and day as they are appended (an asynchronous projection: seconds behind the log).
    /// </summary>
    [WolverineGet("/api/reviews/fairness-report", OperationId = "GetReviewFairnessReport"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Reviews")]
    public static async Task<FairnessReport> Get(DateOnly? from, DateOnly? to, int? page, int? pageSize, IQuerySession session, TimeProvider clock,
        CancellationToken cancellation)
    {
        var lastDay = to ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var firstDay = from ?? lastDay.AddDays(-29);
        var (number, size) = Paging.Normalize(page, pageSize);

        var clinics = await session.AdvancedSql.QueryAsync<ClinicPeriodCounts>(PeriodSql(session.DocumentStore.Options.DatabaseSchemaName),
            cancellation, firstDay, lastDay);
        var overall = new RatingGroups();
        foreach (var clinic in clinics)
        {
            overall.Add(clinic.Ratings);
        }

        var ids = clinics.Select(x => x.ClinicId).ToArray();
        var names = (await session.Query<ClinicProfile>().Where(x => x.Id.IsOneOf(ids)).Select(x => new ClinicName(x.Id, x.Name))
            .ToListAsync(cancellation)).ToDictionary(x => x.Id, x => x.Name);
        var listed = clinics
            .Select(x => new ClinicFairness(x.ClinicId, names.GetValueOrDefault(x.ClinicId), x.Ratings))
            .OrderBy(x => x.ClinicName ?? "").ThenBy(x => x.ClinicId)
            .Skip((number - 1) * size).Take(size)
            .ToList();
        return new FairnessReport(firstDay, lastDay, overall, listed) { Page = number, PageSize = size, TotalClinics = clinics.Count };
    }

    private static readonly string[] Groups = ["low", "neutral", "high"];
    private static readonly string[] Steps = ["submitted", "held", "published", "rejected", "restored"];

    /// <summary>Each clinic's days of the period added up, one JSON row per clinic in the shape of <see cref="ClinicPeriodCounts"/>.</summary>
    private static string PeriodSql(string schema)
    {
        var groups = string.Join(", ", Groups.Select(group => $"'{group}', json_build_object(" +
            string.Join(", ", Steps.Select(step => $"'{step}', sum((d.data #>> '{{ratings,{group},{step}}}')::int)")) + ")"));
        return $"""
            select json_build_object('clinicId', d.clinic_id, 'ratings', json_build_object({groups}))
            from {schema}.mt_doc_reviewfairnessday d
            where d.day >= ? and d.day <= ?
            group by d.clinic_id
            """;
    }
}
