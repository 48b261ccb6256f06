using ClinicVetting.Clinics;
using ClinicVetting.Vetting.Monitoring;

namespace ClinicVetting.Vetting.Cases;

/// <summary>Sent through the durable outbox with the decision, so a decided case always reaches the clinic.</summary>
public sealed record SendVettingDecisionNotice(Guid CaseId);

/// <summary>A notice to a clinic, as delivered; the channel adapter (e-mail, the clinic portal) reads these.</summary>
public sealed class ClinicNotice
{
    public Guid Id { get; set; }
    public Guid ClinicId { get; set; }
    public Guid CaseId { get; set; }
    public CaseStatus Decision { get; set; }
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTimeOffset SentAt { get; set; }
}

public static class SendVettingDecisionNoticeHandler
{
    public const string Channel = "clinic-notices";

    public static async Task Handle(SendVettingDecisionNotice command, IDocumentSession session, TimeProvider clock,
        ILogger<ClinicNotice> logger, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<VettingCase>(command.CaseId, cancellation);
        if (stream.Aggregate is not { NoticeSentAt: null, Status: not CaseStatus.Open } vettingCase)
        {
            return;
        }

        var clinic = await session.LoadAsync<ClinicStanding>(vettingCase.ClinicId, cancellation);
        var now = clock.GetUtcNow();
        var notice = new ClinicNotice
        {
            Id = command.CaseId,
            ClinicId = vettingCase.ClinicId,
            CaseId = vettingCase.Id,
            Decision = vettingCase.Status,
            Subject = vettingCase.Status == CaseStatus.Approved
                ? $"{clinic?.Name}: vetting approved"
                : $"{clinic?.Name}: vetting not approved",
            Body = vettingCase.Status == CaseStatus.Approved
                ? $"Your clinic passed vetting on {vettingCase.DecidedAt:yyyy-MM-dd}. Re-verification is due by {vettingCase.ReverifyBy:yyyy-MM-dd}. You may see and correct the data we hold about you."
                : $"Your clinic did not pass vetting: {vettingCase.RejectionReason}. You may see and correct the data we hold about you.",
            SentAt = now,
        };
        session.Store(notice);
        stream.AppendOne(new VettingDecisionNoticeSent(vettingCase.Id, vettingCase.ClinicId, vettingCase.Status, Channel, now));
        session.Store(StaffNotification.Of(NotificationKind.DecisionNoticeSent, vettingCase.ClinicId, clinic?.Name ?? "", notice.Subject, now,
            caseId: vettingCase.Id));
        logger.LogInformation("Decision notice for case {CaseId} ({Decision}) sent to clinic {ClinicId}", vettingCase.Id, vettingCase.Status, vettingCase.ClinicId);
    }
}
