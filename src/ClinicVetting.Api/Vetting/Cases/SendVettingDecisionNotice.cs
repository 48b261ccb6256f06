using ClinicVetting.Vetting.Monitoring;

namespace ClinicVetting.Vetting.Cases;

/// <summary>Sent through the durable outbox with the decision, so a decided case always reaches the clinic.</summary>
public sealed record SendVettingDecisionNotice(Guid CaseId);

/// <summary>A notice to a clinic, as decided; Notifications e-mails it to the clinic's contact address.</summary>
[Published]
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
        if (stream.Aggregate is not { } vettingCase)
        {
            return;
        }

        var clinic = await session.LoadAsync<ClinicStanding>(vettingCase.ClinicId, cancellation);
        if (Decide(vettingCase, clinic?.Name, clock.GetUtcNow()) is not { } decided)
        {
            return;
        }

        var (notice, sent) = decided;
        session.Store(notice);
        stream.AppendOne(sent);
        session.Store(StaffNotification.Of(NotificationKind.DecisionNoticeSent, vettingCase.ClinicId, clinic?.Name ?? "", notice.Subject, sent.SentAt,
            caseId: vettingCase.Id));
        logger.LogInformation("Decision notice for case {CaseId} ({Decision}) sent to clinic {ClinicId}", vettingCase.Id, vettingCase.Status, vettingCase.ClinicId);
    }

    /// <summary>
    /// The notice a decided case sends its clinic, once: what was decided and, approved, when re-verification is due; rejected,
    /// why. Either way the clinic may see and correct its data. Null when the case is open or its notice was sent.
    /// </summary>
    public static (ClinicNotice Notice, VettingDecisionNoticeSent Sent)? Decide(VettingCase vettingCase, string? clinicName, DateTimeOffset now)
    {
        if (vettingCase is not { NoticeSentAt: null, Status: not CaseStatus.Open })
        {
            return null;
        }

        var approved = vettingCase.Status == CaseStatus.Approved;
        var notice = new ClinicNotice
        {
            Id = vettingCase.Id,
            ClinicId = vettingCase.ClinicId,
            CaseId = vettingCase.Id,
            Decision = vettingCase.Status,
            Subject = approved ? $"{clinicName}: vetting approved" : $"{clinicName}: vetting not approved",
            Body = approved
                ? $"Your clinic passed vetting on {vettingCase.DecidedAt:yyyy-MM-dd}. Re-verification is due by {vettingCase.ReverifyBy:yyyy-MM-dd}. You may see and correct the data we hold about you."
                : $"Your clinic did not pass vetting: {vettingCase.RejectionReason}. You may see and correct the data we hold about you.",
            SentAt = now,
        };
        return (notice, new VettingDecisionNoticeSent(vettingCase.Id, vettingCase.ClinicId, vettingCase.Status, Channel, now));
    }
}
