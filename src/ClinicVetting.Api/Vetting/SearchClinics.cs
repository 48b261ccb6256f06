using ClinicVetting.Clinics;
namespace ClinicVetting.Vetting;

public static class SearchClinicsEndpoint
{
    public static ProblemDetails Validate(string? country, string? condition) => new FieldErrors()
        .When(country is not null && !Countries.IsKnown(country), "country", "must be an ISO 3166-1 alpha-2 code")
        .When(!string.IsNullOrWhiteSpace(condition) && !Conditions.IsKnown(condition), "condition", Conditions.NotInCatalog(condition))
        .ToProblem();

    /// <summary>List and search clinics by country, condition ("best for"), status and name; paged, by name.</summary>
    [WolverineGet("/api/clinics", OperationId = "SearchClinics"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Clinics")]
    public static async Task<Page<ClinicOverview>> Get(
        string? country, string? condition, ClinicStatus? status, string? q, int? page, int? pageSize,
        IQuerySession session, CancellationToken cancellation)
    {
        IQueryable<ClinicProfile> query = session.Query<ClinicProfile>();

        if (country is not null)
        {
            var code = Countries.Normalize(country);
            query = query.Where(x => x.Country == code);
        }

        if (!string.IsNullOrWhiteSpace(condition))
        {
            var code = Conditions.CodeOf(condition);
            query = query.Where(x => x.BestFor.Contains(code));
        }

        if (status is { } wanted)
        {
            var withStatus = await session.Query<ClinicStanding>().Where(x => x.Status == wanted).Select(x => x.Id).ToListAsync(cancellation);
            var ids = withStatus.ToArray();
            query = query.Where(x => x.Id.IsOneOf(ids));
        }

        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim();
            query = query.Where(x => x.Name.Contains(term, StringComparison.OrdinalIgnoreCase)
                                     || x.City.Contains(term, StringComparison.OrdinalIgnoreCase));
        }

        var results = await query.OrderBy(x => x.Name).ToPageAsync(page, pageSize, cancellation);
        var standings = (await session.LoadManyAsync<ClinicStanding>(cancellation, results.Items.Select(x => x.Id))).ToDictionary(x => x.Id);
        return results.Select(x => ClinicOverview.Of(x, standings.GetValueOrDefault(x.Id)));
    }
}
