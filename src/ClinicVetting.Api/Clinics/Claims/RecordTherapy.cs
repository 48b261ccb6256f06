namespace ClinicVetting.Clinics.Claims;

public sealed record TherapyInput(
    [property: FieldLimit(MaxLength = 100)] string Condition,
    CellType CellType,
    CellSource Source,
    AdministrationRoute Route,
    [property: FieldLimit(MaxLength = 200)] string? LabName = null,
    [property: FieldLimit(MaxLength = 100)] string? LabLicense = null,
    bool InRegisteredTrial = false,
    [property: FieldLimit(MaxLength = 100)] string? TrialRegistryId = null) : IClaimChange, IHasExample<TherapyInput>
{
    public static TherapyInput Example => new("orthopedics", CellType.Mesenchymal, CellSource.Autologous, AdministrationRoute.LocalInjection,
        "Siam Cell Laboratory", "FDA-TH-LAB-0412", true, "TCTR20250114003");

    public FieldErrors Validate() => new FieldErrors()
        .WithinLimits(this)
        .Present("condition", Condition)
        .When(Condition is { Length: > 0 and <= 100 } && !Conditions.IsKnown(Condition), "condition", Conditions.NotInCatalog(Condition));

    /// <summary>The condition as its catalog code; a therapy exactly as one on file records nothing.</summary>
    public object Decide(ClinicClaims claims, ClaimContext context)
    {
        var therapy = new TherapyClaim(context.NewClaimId, Conditions.CodeOf(Condition.Trim()), CellType, Source, Route, LabName?.Trim(),
            LabLicense?.Trim(), InRegisteredTrial, TrialRegistryId?.Trim());
        var same = claims.Therapies.FirstOrDefault(x => x with { ClaimId = therapy.ClaimId } == therapy);
        return same is not null ? new NothingToRecord(same.ClaimId) : new TherapyClaimed(claims.Id, therapy);
    }
}

public static class RecordTherapyEndpoint
{
    public static ProblemDetails Validate(TherapyInput therapy) => therapy.Validate().ToProblem();

    /// <summary>Record an offered therapy: condition, cell type, autologous or allogeneic, route, processing lab, trial.</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/therapies", OperationId = "RecordTherapyClaim"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, TherapyInput therapy, IMessageBus bus) => ChangeClaim.Send(bus, clinicId, therapy);
}
