namespace ClinicVetting.Vetting.ReferenceData;

public static class GetVettingRulesEndpoint
{
    /// <summary>The vetting rules in force, or an earlier version (?version=n).</summary>
    [WolverineGet("/api/reference/vetting-rules", OperationId = "GetVettingRules"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Reference data")]
    public static async Task<CurrentVettingRules> Get(IQuerySession session, long? version, CancellationToken cancellation) =>
        await session.LoadVersionAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, version, "Vetting rules version", cancellation);
}
