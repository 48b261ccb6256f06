
namespace ClinicVetting.Clinics.Claims;

/// <summary>
/// Both flags and the list are required: a body that leaves them out is refused, not read as "no screening, no
/// health history". The list holds codes of the vetting rules (their labels are accepted too).
/// </summary>
public sealed record MedicalEvaluationInput(IReadOnlyList<string> ContraindicationsScreened, bool RequiresHealthHistory,
    bool ApprovesBeforeReview, string? Description = null)
{
    public FieldErrors Validate() => new FieldErrors()
        .Items("contraindicationsScreened", ContraindicationsScreened, 50, 100)
        .Optional("description", Description, 4000);
}

public sealed record DescribeMedicalEvaluation(Guid ClinicId, MedicalEvaluationInput Evaluation);

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
    public static Task<ClaimOnFile> Put(Guid clinicId, MedicalEvaluationInput evaluation, IMessageBus bus) =>
        bus.InvokeAsync<ClaimOnFile>(new DescribeMedicalEvaluation(clinicId, evaluation));
}

public static class DescribeMedicalEvaluationHandler
{
    public static async Task<(ClaimOnFile, OutgoingMessages)> Handle(DescribeMedicalEvaluation command, IDocumentSession session, IContraindicationCatalog catalog,
        CancellationToken cancellation)
    {
        var contraindications = await catalog.InForce(session, cancellation);
        return await ClaimRecording.Append(session, command.ClinicId,
            claims => ClaimDecisions.DescribeMedicalEvaluation(claims, command.Evaluation, contraindications), cancellation);
    }
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
