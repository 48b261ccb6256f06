namespace ClinicVetting.Clinics.Claims;

/// <summary>
/// Both flags and the list are required: a body that leaves them out is refused, not read as "no screening, no
/// health history". The list holds codes of the vetting rules (their labels are accepted too).
/// </summary>
public sealed record MedicalEvaluationInput(
    [property: FieldLimit(MaxItems = 50, EntryMaxLength = 100)] IReadOnlyList<string> ContraindicationsScreened,
    bool RequiresHealthHistory,
    bool ApprovesBeforeReview,
    [property: FieldLimit(MaxLength = 4000)] string? Description = null) : IClaimChange, IHasExample<MedicalEvaluationInput>
{
    public static MedicalEvaluationInput Example => new(["active-infection", "cancer", "pregnancy-breastfeeding", "allergies"], true, true,
        "A physician reviews the full health history and recent imaging before a treatment plan is offered.");

    public FieldErrors Validate() => new FieldErrors()
        .WithinLimits(this)
        .Items("contraindicationsScreened", ContraindicationsScreened, 50, 100);

    bool IClaimChange.ReadsContraindications => true;

    /// <summary>
    /// The contraindications are codes of the vetting rules in force (their labels are accepted and stored as codes): a
    /// screening written in other words would later count as missing, so it is refused here with the codes allowed. The same
    /// description again records nothing.
    /// </summary>
    public object Decide(ClinicClaims claims, ClaimContext context)
    {
        var errors = new FieldErrors();
        var screened = new List<string>();
        for (var i = 0; i < ContraindicationsScreened.Count; i++)
        {
            var given = ContraindicationsScreened[i];
            var rule = context.Contraindications.FirstOrDefault(x => x.Code == given.Trim().ToLowerInvariant() || Conditions.Slug(x.Label) == Conditions.Slug(given));
            if (rule is null)
            {
                errors.Add($"contraindicationsScreened[{i}]",
                    $"'{given}' is not a contraindication of the vetting rules: {FieldErrors.OneOf(context.Contraindications.Select(x => x.Code))}");
            }
            else if (!screened.Contains(rule.Code))
            {
                screened.Add(rule.Code);
            }
        }

        errors.ThrowIfAny();
        var next = new MedicalEvaluationClaim(screened, RequiresHealthHistory, ApprovesBeforeReview, Description?.Trim());
        return Unchanged.Is(claims.MedicalEvaluation, next) ? new NothingToRecord(null) : new MedicalEvaluationDescribed(claims.Id, next);
    }
}

public static class DescribeMedicalEvaluationEndpoint
{
    public static ProblemDetails Validate(MedicalEvaluationInput evaluation) => evaluation.Validate().ToProblem();

    /// <summary>
    /// Describe the pre-treatment evaluation: the contraindications it screens (codes of the vetting rules, such as
    /// "active-infection" or "pregnancy-breastfeeding"), whether it requires the health history and whether the
    /// clinic approves a patient before the review. The same description again writes nothing.
    /// </summary>
    [WolverinePut("/api/clinics/{clinicId}/claims/medical-evaluation", OperationId = "DescribeMedicalEvaluation"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Put(Guid clinicId, MedicalEvaluationInput evaluation, IMessageBus bus) => ChangeClaim.Send(bus, clinicId, evaluation);
}

/// <summary>A contraindication an evaluation can screen for: its code and its label.</summary>
public sealed record Contraindication(string Code, string Label);

/// <summary>
/// The contraindications in force, as the vetting rules name them. Vetting provides it: the registry records what a clinic
/// claims in the rules' words without depending on Vetting.
/// </summary>
[Published]
public interface IContraindicationCatalog
{
    Task<IReadOnlyList<Contraindication>> InForce(IQuerySession session, CancellationToken cancellation);
}
