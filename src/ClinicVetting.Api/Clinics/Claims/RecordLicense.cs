namespace ClinicVetting.Clinics.Claims;

public sealed record LicenseInput(
    [property: FieldLimit(MaxLength = 200)] string IssuedBy,
    [property: FieldLimit(MaxLength = 100)] string Number,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    [property: FieldLimit(Format = FieldFormat.Uri)] string? DocumentUrl = null) : IClaimChange, IHasExample<LicenseInput>
{
    public static LicenseInput Example => new("Medical Council of Thailand", "TMC-10293", new DateOnly(2025, 1, 1), new DateOnly(2027, 12, 31),
        "https://bkk-regen.example/documents/licence-tmc-10293.pdf");

    public FieldErrors Validate() => new FieldErrors()
        .WithinLimits(this)
        .Present("issuedBy", IssuedBy)
        .Present("number", Number)
        .When(ValidUntil < ValidFrom, "validUntil", "must not be before validFrom")
        .When(ValidFrom == default, "validFrom", "is required")
        .When(ValidUntil == default, "validUntil", "is required")
        .Url("documentUrl", DocumentUrl);

    /// <summary>The same authority and number again (any case, spacing) renews the license on file; exactly as on file, nothing.</summary>
    public object Decide(ClinicClaims claims, ClaimContext context)
    {
        var same = claims.Licenses.FirstOrDefault(x => Text.Key(x.IssuedBy) == Text.Key(IssuedBy) && Text.Key(x.Number) == Text.Key(Number));
        var next = new LicenseClaim(same?.ClaimId ?? context.NewClaimId, IssuedBy.Trim(), Number.Trim(), ValidFrom, ValidUntil, DocumentUrl);
        return Unchanged.Is(same, next) ? new NothingToRecord(next.ClaimId) : new LicenseClaimed(claims.Id, next);
    }
}

public static class RecordLicenseEndpoint
{
    public static ProblemDetails Validate(LicenseInput license) => license.Validate().ToProblem();

    /// <summary>Record the clinic's license (authority, number, validity). The same authority and number again renews it.</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/licenses", OperationId = "RecordLicenseClaim"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, LicenseInput license, IMessageBus bus) => ChangeClaim.Send(bus, clinicId, license);
}
