namespace ClinicVetting.Clinics;

public sealed record UpdateClinicProfile(Guid ClinicId, long? ExpectedVersion, ClinicDetails Details);

public static class UpdateClinicProfileEndpoint
{
    public static ProblemDetails Validate(ClinicDetails details) => details.Validate().ToProblem();

    /// <summary>Replace a clinic's profile. Send If-Match with the ETag you read: a stale one is a 409.</summary>
    [WolverinePut("/api/clinics/{clinicId}", OperationId = "UpdateClinicProfile"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Clinics")]
    public static async Task<ClinicVersion> Put(Guid clinicId, ClinicDetails details, IMessageBus bus, HttpRequest request, HttpResponse response)
    {
        var result = await bus.InvokeAsync<ClinicVersion>(new UpdateClinicProfile(clinicId, ETags.ExpectedVersion(request), details));
        response.Headers.ETag = ETags.Of(result.Version);
        return result;
    }
}

public static class UpdateClinicProfileHandler
{
    public static async Task<ClinicVersion> Handle(UpdateClinicProfile command, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        var (stream, clinic) = await session.Events.FetchExisting<ClinicProfile>(command.ClinicId, "Clinic", cancellation);
        Conflict.ThrowIfStale("clinic", clinic.Version, command.ExpectedVersion);

        var details = command.Details.Normalized();
        var sameIdentity = await session.Query<ClinicProfile>()
            .Where(x => x.IdentityKey == details.IdentityKey && x.Id != clinic.Id)
            .Select(x => x.Id)
            .ToListAsync(cancellation);

        var updated = Decide(clinic, details, sameIdentity.Count > 0 ? sameIdentity[0] : null, clock.GetUtcNow());
        if (updated is null)
        {
            return new ClinicVersion(clinic.Id, clinic.Version);
        }

        stream.AppendOne(updated);
        // The stream may hold claims since the profile last changed: the profile's next version is the stream's.
        return new ClinicVersion(clinic.Id, (stream.StartingVersion ?? clinic.Version) + 1);
    }

    /// <summary>Null when nothing changed: an update that changes nothing writes nothing.</summary>
    public static ClinicProfileUpdated? Decide(ClinicProfile current, ClinicDetails details, Guid? otherClinicWithSameIdentity, DateTimeOffset now)
    {
        var next = details.Normalized();
        if (otherClinicWithSameIdentity is { } other && other != current.Id)
        {
            throw new Conflict($"Another clinic is already registered as '{next.Name}' in {next.City}.") { Extensions = { ["clinicId"] = other } };
        }

        var changed = ClinicDetails.ChangedFields(current.ToDetails(), next);
        return changed.Count == 0 ? null : new ClinicProfileUpdated(current.Id, next, changed, now);
    }
}
