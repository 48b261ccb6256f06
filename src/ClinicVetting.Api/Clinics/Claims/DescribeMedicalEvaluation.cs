using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Http;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClinicVetting.Clinics.Claims;

public sealed record MedicalEvaluationInput(IReadOnlyList<string>? ContraindicationsScreened, bool RequiresHealthHistory,
    bool ApprovesBeforeReview = false, string? Description = null)
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
    /// "active-infection" or "pregnancy-breastfeeding"), whether it requires the health history.
    /// </summary>
    [WolverinePut("/api/clinics/{clinicId}/claims/medical-evaluation", OperationId = "DescribeMedicalEvaluation"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimRecorded> Put(Guid clinicId, MedicalEvaluationInput evaluation, IMessageBus bus) =>
        bus.InvokeAsync<ClaimRecorded>(new DescribeMedicalEvaluation(clinicId, evaluation));
}

public static class DescribeMedicalEvaluationHandler
{
    public static Task<(ClaimRecorded, OutgoingMessages)> Handle(DescribeMedicalEvaluation command, IDocumentSession session, CancellationToken cancellation)
    {
        var input = command.Evaluation;
        var screened = (input.ContraindicationsScreened ?? []).Select(x => x.Trim().ToLowerInvariant()).Distinct().ToList();
        return ClaimRecording.Append(session, command.ClinicId, claims => new MedicalEvaluationDescribed(claims.Id,
            new MedicalEvaluationClaim(screened, input.RequiresHealthHistory, input.ApprovesBeforeReview, input.Description?.Trim())), cancellation);
    }
}
