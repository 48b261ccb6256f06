using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Http;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClinicVetting.Clinics;

public static class GetClinicEndpoint
{
    /// <summary>One clinic's profile; the ETag is its stream version (send it back as If-Match to update).</summary>
    [WolverineGet("/api/clinics/{clinicId}", OperationId = "GetClinic"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Clinics")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<ClinicProfile?> Get(Guid clinicId, IQuerySession session, HttpResponse response, CancellationToken cancellation)
    {
        var clinic = await session.LoadAsync<ClinicProfile>(clinicId, cancellation);
        if (clinic is not null)
        {
            response.Headers.ETag = ETags.Of(clinic.Version);
        }

        return clinic;
    }
}
