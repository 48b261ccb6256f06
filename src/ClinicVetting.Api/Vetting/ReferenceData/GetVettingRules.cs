namespace ClinicVetting.Vetting.ReferenceData;

public static class GetVettingRulesEndpoint
{
    /// <summary>The vetting rules in force, or an earlier version (?version=n).</summary>
    [WolverineGet("/api/reference/vetting-rules", OperationId = "GetVettingRules"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Reference data")]
    public static async Task<CurrentVettingRules> Get(IQuerySession session, long? version, CancellationToken cancellation) =>
        version is { } wanted
            ? await session.Events.AggregateStreamAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, version: wanted, token: cancellation)
              ?? throw new NotFound("Vetting rules version", wanted)
            : await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, cancellation) ?? new CurrentVettingRules();
}
