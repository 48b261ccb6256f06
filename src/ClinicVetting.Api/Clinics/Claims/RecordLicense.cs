
namespace ClinicVetting.Clinics.Claims;

public sealed record LicenseInput(string IssuedBy, string Number, DateOnly ValidFrom, DateOnly ValidUntil, string? DocumentUrl = null)
{
    public FieldErrors Validate() => new FieldErrors()
        .Required("issuedBy", IssuedBy, 200)
        .Required("number", Number, 100)
        .When(ValidUntil < ValidFrom, "validUntil", "must not be before validFrom")
        .When(ValidFrom == default, "validFrom", "is required")
        .When(ValidUntil == default, "validUntil", "is required")
        .Url("documentUrl", DocumentUrl);
}

public sealed record RecordLicense(Guid ClinicId, LicenseInput License);

public static class RecordLicenseEndpoint
{
    public static ProblemDetails Validate(LicenseInput license) => license.Validate().ToProblem();

    /// <summary>Record the clinic's license (authority, number, validity). The same authority and number again renews it.</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/licenses", OperationId = "RecordLicenseClaim"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, LicenseInput license, IMessageBus bus) =>
        bus.InvokeAsync<ClaimOnFile>(new RecordLicense(clinicId, license));
}

public static class RecordLicenseHandler
{
    public static Task<(ClaimOnFile, OutgoingMessages)> Handle(RecordLicense command, IDocumentSession session, CancellationToken cancellation)
    {
        var input = command.License;
        return ClaimRecording.Append(session, command.ClinicId, claims => ClaimDecisions.RecordLicense(claims,
            new LicenseClaim(Guid.CreateVersion7(), input.IssuedBy, input.Number, input.ValidFrom, input.ValidUntil, input.DocumentUrl)), cancellation);
    }
}
