using System.Security.Claims;
using ClinicVetting.Clinics;

namespace ClinicVetting.Ranking;

public sealed record InquiryResponseInput(decimal ResponseHours, DateTimeOffset MeasuredAt, string? Reference = null)
{
    public FieldErrors Validate(DateTimeOffset now) => new FieldErrors()
        .Range("responseHours", ResponseHours, 0, 24 * 365)
        .When(MeasuredAt == default || MeasuredAt > now.AddMinutes(5), "measuredAt", "is required and must not be in the future")
        .Optional("reference", Reference, 2000);
}

public sealed record FollowUpCompletionInput(int PatientsDue, int FollowUpsCompleted, DateOnly PeriodStart, DateOnly PeriodEnd, string? Reference = null)
{
    public FieldErrors Validate() => new FieldErrors()
        .Range("patientsDue", PatientsDue, 1, 1_000_000)
        .When(FollowUpsCompleted < 0 || FollowUpsCompleted > PatientsDue, "followUpsCompleted", "must be between 0 and patientsDue")
        .When(PeriodEnd < PeriodStart || PeriodStart == default, "periodEnd", "the period must have a start and end after it")
        .Optional("reference", Reference, 2000);
}

public sealed record RecordInquiryResponse(Guid ClinicId, InquiryResponseInput Measurement, MeasurementSource Source);

public sealed record RecordFollowUpCompletion(Guid ClinicId, FollowUpCompletionInput Measurement);

public sealed record MeasurementOnFile(Guid ClinicId, Guid MeasurementId);

public static class RecordInquiryResponseEndpoint
{
    public static ProblemDetails Validate(InquiryResponseInput measurement, TimeProvider clock) => measurement.Validate(clock.GetUtcNow()).ToProblem();

    /// <summary>How fast the clinic answered a patient inquiry, measured by staff or the booking system (an efficiency fact).</summary>
    [WolverinePost("/api/clinics/{clinicId}/efficiency/inquiry-responses", OperationId = "RecordInquiryResponse"), Authorize(Policy = Policies.EfficiencyFacts)]
    [Tags("Ranking")]
    public static Task<MeasurementOnFile> Post(Guid clinicId, InquiryResponseInput measurement, ClaimsPrincipal user, IMessageBus bus) =>
        bus.InvokeAsync<MeasurementOnFile>(new RecordInquiryResponse(clinicId, measurement,
            user.IsInRole(Roles.Booking) ? MeasurementSource.BookingSystem : MeasurementSource.Staff));
}

public static class RecordFollowUpCompletionEndpoint
{
    public static ProblemDetails Validate(FollowUpCompletionInput measurement) => measurement.Validate().ToProblem();

    /// <summary>How many of the follow-ups due in a period the clinic completed (an efficiency fact).</summary>
    [WolverinePost("/api/clinics/{clinicId}/efficiency/follow-ups", OperationId = "RecordFollowUpCompletion"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Ranking")]
    public static Task<MeasurementOnFile> Post(Guid clinicId, FollowUpCompletionInput measurement, IMessageBus bus) =>
        bus.InvokeAsync<MeasurementOnFile>(new RecordFollowUpCompletion(clinicId, measurement));
}

public static class RecordEfficiencyHandler
{
    public static async Task<MeasurementOnFile> Handle(RecordInquiryResponse command, IDocumentSession session, CancellationToken cancellation)
    {
        var stream = await FetchClinic(session, command.ClinicId, cancellation);
        var id = Guid.CreateVersion7();
        stream.AppendOne(new InquiryResponseMeasured(command.ClinicId, id, command.Measurement.ResponseHours, command.Source,
            command.Measurement.Reference?.Trim(), command.Measurement.MeasuredAt));
        return new MeasurementOnFile(command.ClinicId, id);
    }

    public static async Task<MeasurementOnFile> Handle(RecordFollowUpCompletion command, IDocumentSession session, TimeProvider clock,
        CancellationToken cancellation)
    {
        var stream = await FetchClinic(session, command.ClinicId, cancellation);
        var id = Guid.CreateVersion7();
        var m = command.Measurement;
        stream.AppendOne(new FollowUpCompletionMeasured(command.ClinicId, id, m.PatientsDue, m.FollowUpsCompleted, m.PeriodStart, m.PeriodEnd,
            m.Reference?.Trim(), clock.GetUtcNow()));
        return new MeasurementOnFile(command.ClinicId, id);
    }

    private static async Task<JasperFx.Events.IEventStream<ClinicProfile>> FetchClinic(IDocumentSession session, Guid clinicId, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<ClinicProfile>(clinicId, cancellation);
        return stream.Aggregate is null ? throw new NotFound("Clinic", clinicId) : stream;
    }
}
