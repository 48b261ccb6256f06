using ClinicVetting.Clinics;

namespace ClinicVetting.Ranking;

public sealed record FollowUpCompletionInput(
    [property: FieldLimit(Minimum = 1, Maximum = 1_000_000)] int PatientsDue,
    int FollowUpsCompleted,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    [property: FieldLimit(MaxLength = 2000)] string? Reference = null) : IHasExample<FollowUpCompletionInput>
{
    public static FollowUpCompletionInput Example => new(40, 36, new DateOnly(2025, 7, 1), new DateOnly(2025, 12, 31),
        "Follow-up log of the knee programme, second half of 2025");

    public FieldErrors Validate() => new FieldErrors()
        .WithinLimits(this)
        .When(FollowUpsCompleted < 0 || FollowUpsCompleted > PatientsDue, "followUpsCompleted", "must be between 0 and patientsDue")
        .When(PeriodEnd < PeriodStart || PeriodStart == default, "periodEnd", "the period must have a start and end after it");
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
