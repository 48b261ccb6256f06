using ClinicVetting.Clinics;

namespace ClinicVetting.Ranking;

public sealed record FollowUpCompletionInput(int PatientsDue, int FollowUpsCompleted, DateOnly PeriodStart, DateOnly PeriodEnd, string? Reference = null)
{
    public FieldErrors Validate() => new FieldErrors()
        .Range("patientsDue", PatientsDue, 1, 1_000_000)
        .When(FollowUpsCompleted < 0 || FollowUpsCompleted > PatientsDue, "followUpsCompleted", "must be between 0 and patientsDue")
        .When(PeriodEnd < PeriodStart || PeriodStart == default, "periodEnd", "the period must have a start and end after it")
        .Optional("reference", Reference, 2000);
}

public sealed record RecordFollowUpCompletion(Guid ClinicId, FollowUpCompletionInput Measurement);

public static class RecordFollowUpCompletionEndpoint
{
    public static ProblemDetails Validate(FollowUpCompletionInput measurement) => measurement.Validate().ToProblem();

    /// <summary>How many of the follow-ups due in a period the clinic completed (an efficiency fact).</summary>
    [WolverinePost("/api/clinics/{clinicId}/efficiency/follow-ups", OperationId = "RecordFollowUpCompletion"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Ranking")]
    public static Task<MeasurementOnFile> Post(Guid clinicId, FollowUpCompletionInput measurement, IMessageBus bus) =>
        bus.InvokeAsync<MeasurementOnFile>(new RecordFollowUpCompletion(clinicId, measurement));
}

public static class RecordFollowUpCompletionHandler
{
    public static async Task<MeasurementOnFile> Handle(RecordFollowUpCompletion command, IDocumentSession session, TimeProvider clock,
        CancellationToken cancellation)
    {
        var (stream, _) = await session.Events.FetchExisting<ClinicProfile>(command.ClinicId, "Clinic", cancellation);
        var id = Guid.CreateVersion7();
        var m = command.Measurement;
        stream.AppendOne(new FollowUpCompletionMeasured(command.ClinicId, id, m.PatientsDue, m.FollowUpsCompleted, m.PeriodStart, m.PeriodEnd,
            m.Reference?.Trim(), clock.GetUtcNow()));
        return new MeasurementOnFile(command.ClinicId, id);
    }
}
