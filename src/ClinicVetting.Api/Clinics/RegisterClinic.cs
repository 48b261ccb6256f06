namespace ClinicVetting.Clinics;

public sealed record RegisterClinic(Guid ClinicId, ClinicDetails Details);

public sealed record ClinicVersion(Guid ClinicId, long Version);

public sealed record NewClinic(Guid Id, long Version) : CreationResponse($"/api/clinics/{Id}");

public static class RegisterClinicEndpoint
{
    public static ProblemDetails Validate(ClinicDetails details) => details.Validate().ToProblem();

    /// <summary>Register a clinic: one event stream per clinic. The same name and city twice is a 409.</summary>
    [WolverinePost("/api/clinics", OperationId = "RegisterClinic"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Clinics")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<NewClinic> Post(ClinicDetails details, IMessageBus bus, HttpResponse response)
    {
        var result = await bus.InvokeAsync<ClinicVersion>(new RegisterClinic(Guid.CreateVersion7(), details));
        response.Headers.ETag = ETags.Of(result.Version);
        return new NewClinic(result.ClinicId, result.Version);
    }
}

public static class RegisterClinicHandler
{
    public static async Task<ClinicVersion> Handle(RegisterClinic command, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        var details = command.Details.Normalized();
        var sameClinic = await session.Query<ClinicProfile>()
            .Where(x => x.IdentityKey == details.IdentityKey)
            .Select(x => x.Id)
            .ToListAsync(cancellation);

        var registered = Decide(command.ClinicId, details, sameClinic.Count > 0 ? sameClinic[0] : null, clock.GetUtcNow());
        session.Events.StartStream<ClinicProfile>(command.ClinicId, registered);
        return new ClinicVersion(command.ClinicId, 1);
    }

    /// <summary>The same normalized name and city twice is one clinic: a conflict naming the one registered.</summary>
    public static ClinicRegistered Decide(Guid clinicId, ClinicDetails details, Guid? sameClinicAlready, DateTimeOffset now)
    {
        if (sameClinicAlready is { } existing)
        {
            throw new Conflict($"'{details.Name}' in {details.City} is already registered.") { Extensions = { ["clinicId"] = existing } };
        }

        return new ClinicRegistered(clinicId, details.Normalized(), now);
    }
}
