namespace ClinicVetting.Vetting.Cases;

public sealed record VettingCaseSummary(Guid Id, Guid ClinicId, CaseOpening Opening, CaseStatus Status, string OpenedBy, DateTimeOffset OpenedAt,
    string? DecidedBy, DateTimeOffset? DecidedAt);

public static class ListVettingCasesEndpoint
{
    /// <summary>Vetting cases, newest first, by clinic and status.</summary>
    [WolverineGet("/api/vetting/cases", OperationId = "ListVettingCases"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Vetting")]
    public static async Task<Page<VettingCaseSummary>> Get(Guid? clinicId, CaseStatus? status, int? page, int? pageSize, IQuerySession session,
        CancellationToken cancellation)
    {
        IQueryable<VettingCase> query = session.Query<VettingCase>();
        if (clinicId is { } clinic)
        {
            query = query.Where(x => x.ClinicId == clinic);
        }

        if (status is { } wanted)
        {
            query = query.Where(x => x.Status == wanted);
        }

        return (await query.OrderByDescending(x => x.OpenedAt).ToPageAsync(page, pageSize, cancellation))
            .Select(x => new VettingCaseSummary(x.Id, x.ClinicId, x.Opening, x.Status, x.OpenedBy, x.OpenedAt, x.DecidedBy, x.DecidedAt));
    }
}
