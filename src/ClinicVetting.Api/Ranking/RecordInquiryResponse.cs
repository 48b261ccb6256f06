using System.Security.Claims;
using ClinicVetting.Clinics;

namespace ClinicVetting.Ranking;

public sealed record InquiryResponseInput(
    [property: FieldLimit(Minimum = 0, Maximum = 24 * 365)] decimal ResponseHours,
    DateTimeOffset MeasuredAt,
    [property: FieldLimit(MaxLength = 2000)] string? Reference = null) : IHasExample<InquiryResponseInput>
{
    public static InquiryResponseInput Example => new(4.5m, new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero),
        "Mystery-shopper inquiry BK-2026-0311, answered by e-mail");

    public FieldErrors Validate(DateTimeOffset now) => new FieldErrors()
        .WithinLimits(this)
        .When(MeasuredAt == default || MeasuredAt > now.AddMinutes(5), "measuredAt", "is required and must not be in the future");
}

public sealed record RecordInquiryResponse(Guid ClinicId, InquiryResponseInput Measurement, MeasurementSource Source);

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

public static class RecordInquiryResponseHandler
{
    public static async Task<MeasurementOnFile> Handle(RecordInquiryResponse command, IDocumentSession session, CancellationToken cancellation)
    {
        var (stream, _) = await session.Events.FetchExisting<ClinicProfile>(command.ClinicId, "Clinic", cancellation);
        var id = Guid.CreateVersion7();
        stream.AppendOne(new InquiryResponseMeasured(command.ClinicId, id, command.Measurement.ResponseHours, command.Source,
            command.Measurement.Reference?.Trim(), command.Measurement.MeasuredAt));
        return new MeasurementOnFile(command.ClinicId, id);
    }
}
