
namespace ClinicVetting.Clinics.Claims;

public sealed record AccreditationInput(string Issuer, string CertificateId, DateOnly ValidFrom, DateOnly ValidUntil,
    IReadOnlyList<string>? Scopes = null)
{
    public FieldErrors Validate() => new FieldErrors()
        .Required("issuer", Issuer, 200)
        .Required("certificateId", CertificateId, 100)
        .When(ValidFrom == default, "validFrom", "is required")
        .When(ValidUntil == default, "validUntil", "is required")
        .When(ValidUntil < ValidFrom, "validUntil", "must not be before validFrom")
        .When(Scopes is { Count: > 20 } || Scopes?.Any(x => x is null || x.Length > 100) == true, "scopes", "at most 20 scopes of 1 to 100 characters");
}

public sealed record RecordAccreditation(Guid ClinicId, AccreditationInput Accreditation);

public static class RecordAccreditationEndpoint
{
    public static ProblemDetails Validate(AccreditationInput accreditation) => accreditation.Validate().ToProblem();

    /// <summary>Record an accreditation the clinic claims (issuer, certificate, validity, scopes such as "surgical").</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/accreditations", OperationId = "RecordAccreditationClaim"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, AccreditationInput accreditation, IMessageBus bus) =>
        bus.InvokeAsync<ClaimOnFile>(new RecordAccreditation(clinicId, accreditation));
}

public static class RecordAccreditationHandler
{
    public static Task<(ClaimOnFile, OutgoingMessages)> Handle(RecordAccreditation command, IDocumentSession session, CancellationToken cancellation)
    {
        var input = command.Accreditation;
        return ClaimRecording.Append(session, command.ClinicId, claims => ClaimDecisions.RecordAccreditation(claims,
            new AccreditationClaim(Guid.CreateVersion7(), input.Issuer, input.CertificateId, input.ValidFrom, input.ValidUntil, input.Scopes ?? [])),
            cancellation);
    }
}
