namespace ClinicVetting.Vetting.ReferenceData;

public static class GetConditionsEndpoint
{
    /// <summary>The condition catalog: the codes "best for", therapies and rankings use, with their synonyms.</summary>
    [WolverineGet("/api/reference/conditions", OperationId = "GetConditions"), AllowAnonymous]
    [Tags("Reference data")]
    public static IReadOnlyList<Conditions.Condition> Get() => Conditions.Catalog;
}
