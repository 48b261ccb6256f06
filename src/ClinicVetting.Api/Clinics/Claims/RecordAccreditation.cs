namespace ClinicVetting.Clinics.Claims;

public sealed record AccreditationInput(string Issuer, string CertificateId, DateOnly ValidFrom, DateOnly ValidUntil,
    IReadOnlyList<string>? Scopes = null) : IClaimChange
{
    public FieldErrors Validate() => new FieldErrors()
        .Required("issuer", Issuer, 200)
        .Required("certificateId", CertificateId, 100)
        .When(ValidFrom == default, "validFrom", "is required")
        .When(ValidUntil == default, "validUntil", "is required")
        .When(ValidUntil < ValidFrom, "validUntil", "must not be before validFrom")
        .When(Scopes is { Count: > 20 } || Scopes?.Any(x => x is null || x.Length > 100) == true, "scopes", "at most 20 scopes of 1 to 100 characters");

    /// <summary>The same issuer and certificate again renews the accreditation on file; exactly as on file, nothing.</summary>
    public object Decide(ClinicClaims claims, ClaimContext context)
    {
        var same = claims.Accreditations.FirstOrDefault(x => Text.Key(x.Issuer) == Text.Key(Issuer) && Text.Key(x.CertificateId) == Text.Key(CertificateId));
        var next = new AccreditationClaim(same?.ClaimId ?? context.NewClaimId, Issuer.Trim(), CertificateId.Trim(), ValidFrom, ValidUntil,
            (Scopes ?? []).Select(x => x.Trim()).Where(x => x.Length > 0).ToList());
        return Unchanged.Is(same, next) ? new NothingToRecord(next.ClaimId) : new AccreditationClaimed(claims.Id, next);
    }
}

public static class RecordAccreditationEndpoint
{
    public static ProblemDetails Validate(AccreditationInput accreditation) => accreditation.Validate().ToProblem();

    /// <summary>Record an accreditation the clinic claims (issuer, certificate, validity, scopes such as "surgical").</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/accreditations", OperationId = "RecordAccreditationClaim"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, AccreditationInput accreditation, IMessageBus bus) => ChangeClaim.Send(bus, clinicId, accreditation);
}
