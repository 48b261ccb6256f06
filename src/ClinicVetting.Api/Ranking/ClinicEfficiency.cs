using ClinicVetting.Clinics;

namespace ClinicVetting.Ranking;

public enum MeasurementSource
{
    Staff,
    BookingSystem,
}

// Efficiency facts on the clinic's stream: what was measured, by whom, when.
public sealed record InquiryResponseMeasured(Guid ClinicId, Guid MeasurementId, decimal ResponseHours, MeasurementSource Source, string? Reference,
    DateTimeOffset MeasuredAt);

public sealed record FollowUpCompletionMeasured(Guid ClinicId, Guid MeasurementId, int PatientsDue, int FollowUpsCompleted, DateOnly PeriodStart,
    DateOnly PeriodEnd, string? Reference, DateTimeOffset MeasuredAt);

public sealed record InquiryResponse(decimal Hours, MeasurementSource Source, DateTimeOffset MeasuredAt);

public sealed record FollowUpCompletion(int PatientsDue, int Completed, DateOnly PeriodEnd, DateTimeOffset MeasuredAt);

/// <summary>The efficiency measurements of a clinic, from its stream (kept inline).</summary>
[Published]
public sealed partial class ClinicEfficiency
{
    public Guid Id { get; set; }
    public long Version { get; set; }
    public List<InquiryResponse> InquiryResponses { get; set; } = [];
    public List<FollowUpCompletion> FollowUps { get; set; } = [];

    public void Apply(ClinicRegistered registered) => Id = registered.ClinicId;

    public void Apply(InquiryResponseMeasured measured) =>
        InquiryResponses.Add(new InquiryResponse(measured.ResponseHours, measured.Source, measured.MeasuredAt));

    public void Apply(FollowUpCompletionMeasured measured) =>
        FollowUps.Add(new FollowUpCompletion(measured.PatientsDue, measured.FollowUpsCompleted, measured.PeriodEnd, measured.MeasuredAt));
}
