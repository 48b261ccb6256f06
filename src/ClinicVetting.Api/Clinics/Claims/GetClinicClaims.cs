namespace ClinicVetting.Clinics.Claims;

public static class GetClinicClaimsEndpoint
{
    /// <summary>Everything the clinic claims: licenses, accreditations, therapies, team, protocols, evaluation, aftercare, marketing.</summary>
    [WolverineGet("/api/clinics/{clinicId}/claims", OperationId = "GetClinicClaims"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Claims")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static Task<ClinicClaims?> Get(Guid clinicId, IQuerySession session, CancellationToken cancellation) =>
        session.LoadAsync<ClinicClaims>(clinicId, cancellation);
}
