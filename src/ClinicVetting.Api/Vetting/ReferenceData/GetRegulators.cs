namespace ClinicVetting.Vetting.ReferenceData;

public static class GetRegulatorsEndpoint
{
    /// <summary>The regulators on file, per country, with the reference data's version.</summary>
    [WolverineGet("/api/reference/regulators", OperationId = "GetRegulators"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Reference data")]
    public static async Task<RegulatorDirectory> Get(IQuerySession session, long? version, CancellationToken cancellation) =>
        await session.LoadVersionAsync<RegulatorDirectory>(RegulatorDirectory.StreamId, version, "Regulators version", cancellation);
}
