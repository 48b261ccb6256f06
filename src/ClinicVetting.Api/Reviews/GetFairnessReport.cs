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

/// <summary>
/// A clinic of the period on the page, its name, and how many clinics the period has (no <c>Id</c> member: Marten would
/// read the row as a stored document).
/// </summary>
public sealed record PagedClinic(Guid ClinicId, string? Name, long Total);

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
    public static Task<FairnessReport> Get(DateOnly? from, DateOnly? to, int? page, int? pageSize, IQuerySession session, TimeProvider clock,
        CancellationToken cancellation)
    {
        var (number, size) = Paging.Normalize(page, pageSize);
        return FairnessReports.Read(session, from, to, number, size, clock, cancellation);
    }
}

/// <summary>The fairness report, counted by clinic and day: served a page at a time here and exported whole for auditors.</summary>
[Published]
public static class FairnessReports
{
    /// <summary>The whole report from <c>from</c> to <c>to</c>, every clinic (whole UTC days; the last 30 days by default).</summary>
    public static Task<FairnessReport> Read(IQuerySession session, DateOnly? from, DateOnly? to, TimeProvider clock, CancellationToken cancellation) =>
        Read(session, from, to, 1, int.MaxValue, clock, cancellation);

    /// <summary>One page of the report's clinics (by name, then id), with the period's overall counts.</summary>
    public static async Task<FairnessReport> Read(IQuerySession session, DateOnly? from, DateOnly? to, int number, int size, TimeProvider clock,
        CancellationToken cancellation)
    {
        var lastDay = to ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var firstDay = from ?? lastDay.AddDays(-29);
        var schema = session.DocumentStore.Options.DatabaseSchemaName;
        // Read with SQL below: the tables must exist even before the daemon projected a first review (development's AutoCreate).
        await session.Database.EnsureStorageExistsAsync(typeof(ReviewFairnessDay), cancellation);
        await session.Database.EnsureStorageExistsAsync(typeof(ReviewFairnessOverallDay), cancellation);
        await session.Database.EnsureStorageExistsAsync(typeof(ClinicProfile), cancellation);
        await session.Database.EnsureStorageExistsAsync(typeof(ReviewFairnessSchema), cancellation);

        // One page of the period's clinics, sorted and paged in PostgreSQL by the order this process used to sort all of
        // them in (ClinicNameOrder: the invariant culture's ICU root collation, names it finds equal by id), with how many
        // there are: 100 rows leave the database instead of 10,000.
        var profiles = session.DocumentStore.Options.FindOrResolveDocumentType(typeof(ClinicProfile)).TableName.QualifiedName;
        var skip = (number - 1L) * size;
        var onPage = await session.AdvancedSql.QueryAsync<PagedClinic>($"""
            select json_build_object('clinicId', a.clinic_id, 'name', p.name, 'total', count(*) over ())
            from (select distinct d.clinic_id from {schema}.mt_doc_reviewfairnessday d where d.day >= ? and d.day <= ?) a
            left join {profiles} p on p.id = a.clinic_id
            order by coalesce(p.name, '') collate {schema}.{ClinicNameOrder.Name}, a.clinic_id
            limit ? offset ?
            """, cancellation, firstDay, lastDay, (long)size, skip);
        // A page past the end has no row to carry the total.
        var total = onPage.Count > 0
            ? onPage[0].Total
            : skip == 0
                ? 0
                : (await session.AdvancedSql.QueryAsync<long>(
                    $"select count(distinct d.clinic_id) from {schema}.mt_doc_reviewfairnessday d where d.day >= ? and d.day <= ?",
                    cancellation, firstDay, lastDay)).Single();

        var counted = (await session.AdvancedSql.QueryAsync<ClinicPeriodCounts>(
                SumSql($"'clinicId', d.clinic_id, 'ratings', {Sums}", "mt_doc_reviewfairnessday", schema, "and d.clinic_id = any(?) group by d.clinic_id"),
                cancellation, firstDay, lastDay, onPage.Select(x => x.ClinicId).ToArray()))
            .ToDictionary(x => x.ClinicId, x => x.Ratings);
        var overall = (await session.AdvancedSql.QueryAsync<RatingGroups>(
            $"select {Sums} from {schema}.mt_doc_reviewfairnessoverallday d where d.day >= ? and d.day <= ?",
            cancellation, firstDay, lastDay)).Single();

        var listed = onPage.Select(x => new ClinicFairness(x.ClinicId, x.Name, counted.GetValueOrDefault(x.ClinicId) ?? new RatingGroups())).ToList();
        return new FairnessReport(firstDay, lastDay, overall, listed) { Page = number, PageSize = size, TotalClinics = total };
    }

    private static readonly string[] Groups = ["low", "neutral", "high"];
    private static readonly string[] Steps = ["submitted", "held", "published", "rejected", "restored"];

    /// <summary>The period's days of <c>d</c> added up, as JSON in the shape of <see cref="RatingGroups"/>.</summary>
    private static readonly string Sums = "json_build_object(" + string.Join(", ", Groups.Select(group => $"'{group}', json_build_object(" +
        string.Join(", ", Steps.Select(step => $"'{step}', coalesce(sum((d.data #>> '{{ratings,{group},{step}}}')::int), 0)")) + ")")) + ")";

    private static string SumSql(string fields, string table, string schema, string rest) => $"""
        select json_build_object({fields})
        from {schema}.{table} d
        where d.day >= ? and d.day <= ? {rest}
        """;
}
