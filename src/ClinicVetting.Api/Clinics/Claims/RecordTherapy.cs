namespace ClinicVetting.Clinics.Claims;

public sealed record TherapyInput(string Condition, CellType CellType, CellSource Source, AdministrationRoute Route,
    string? LabName = null, string? LabLicense = null, bool InRegisteredTrial = false, string? TrialRegistryId = null)
{
    public FieldErrors Validate() => new FieldErrors()
        .Required("condition", Condition, 100)
        .When(Condition is { Length: > 0 and <= 100 } && !Conditions.IsKnown(Condition), "condition", Conditions.NotInCatalog(Condition))
        .Optional("labName", LabName, 200)
        .Optional("labLicense", LabLicense, 100)
        .Optional("trialRegistryId", TrialRegistryId, 100);
}

public sealed record RecordTherapy(Guid ClinicId, TherapyInput Therapy);

public static class RecordTherapyEndpoint
{
    public static ProblemDetails Validate(TherapyInput therapy) => therapy.Validate().ToProblem();

    /// <summary>Record an offered therapy: condition, cell type, autologous or allogeneic, route, processing lab, trial.</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/therapies", OperationId = "RecordTherapyClaim"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, TherapyInput therapy, IMessageBus bus) =>
        bus.InvokeAsync<ClaimOnFile>(new RecordTherapy(clinicId, therapy));
}

public static class RecordTherapyHandler
{
    public static Task<(ClaimOnFile, OutgoingMessages)> Handle(RecordTherapy command, IDocumentSession session, CancellationToken cancellation)
    {
        var input = command.Therapy;
        return ClaimRecording.Append(session, command.ClinicId, claims => ClaimDecisions.RecordTherapy(claims,
            new TherapyClaim(Guid.CreateVersion7(), input.Condition.Trim(), input.CellType, input.Source, input.Route,
                input.LabName?.Trim(), input.LabLicense?.Trim(), input.InRegisteredTrial, input.TrialRegistryId?.Trim())), cancellation);
    }
}
