namespace ClinicVetting.Clinics.Claims;

public sealed record AccreditationInput(
    [property: FieldLimit(MaxLength = 200)] string Issuer,
    [property: FieldLimit(MaxLength = 100)] string CertificateId,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    [property: FieldLimit(MaxItems = 20, EntryMaxLength = 100)] IReadOnlyList<string>? Scopes = null) : IClaimChange, IHasExample<AccreditationInput>
{
    public static AccreditationInput Example => new("Joint Commission International", "JCI-TH-2291", new DateOnly(2025, 6, 1), new DateOnly(2028, 5, 31), ["surgical"]);

    public FieldErrors Validate() => new FieldErrors()
        .WithinLimits(this)
        .Present("issuer", Issuer)
        .Present("certificateId", CertificateId)
        .When(ValidFrom == default, "validFrom", "is required")
        .When(ValidUntil == default, "validUntil", "is required")
        .When(ValidUntil < ValidFrom, "validUntil", "must not be before validFrom")
        .When(Scopes?.Any(x => x is null || x.Length > 100) == true, "scopes", "at most 20 scopes of 1 to 100 characters");

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
