using ClinicVetting.Clinics;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using JasperFx.Events;

namespace ClinicVetting.Notifications;

/// <summary>A notice a clinic must get, heard from the event behind it; <see cref="NoticeId"/> is that event's id, so a replay is one notice.</summary>
public sealed record NoticeDue(Guid NoticeId, NoticeKind Kind, Guid ClinicId, Guid? CaseId, string What, DateTimeOffset At)
{
    public static NoticeDue Of(IEvent<VettingDecisionNoticeSent> e) =>
        new(e.Id, NoticeKind.VettingDecision, e.Data.ClinicId, e.Data.CaseId, "", e.Data.SentAt);

    public static NoticeDue Of(IEvent<CredentialExpiryReminderIssued> e) => new(e.Id, NoticeKind.ExpiryReminder, e.Data.ClinicId, null,
        $"Your {e.Data.Kind.ToString().ToLowerInvariant()} {e.Data.Credential} expires on {e.Data.ValidUntil:yyyy-MM-dd}, in {e.Data.DaysBefore} days.",
        e.Data.IssuedAt);

    public static NoticeDue Of(IEvent<ClinicSuspended> e) =>
        new(e.Id, NoticeKind.Suspension, e.Data.ClinicId, null, e.Data.Reason, e.Data.SuspendedAt);

    public static NoticeDue Of(IEvent<ClinicReinstated> e) =>
        new(e.Id, NoticeKind.Reinstatement, e.Data.ClinicId, null, e.Data.Reason, e.Data.ReinstatedAt);
}

/// <summary>Try (again) to e-mail one notice; durable, so a crash or an unreachable server only delays it.</summary>
public sealed record SendNoticeEmail(Guid NoticeId);

public static class NoticeDueHandler
{
    public static async Task<OutgoingMessages> Handle(NoticeDue due, IDocumentSession session, NotificationOptions options, TimeProvider clock,
        CancellationToken cancellation)
    {
        if (await session.LoadAsync<NoticeDelivery>(due.NoticeId, cancellation) is not null)
        {
            return [];
        }

        var profile = await session.LoadAsync<ClinicProfile>(due.ClinicId, cancellation);
        var decision = due.CaseId is { } caseId ? await session.LoadAsync<ClinicNotice>(caseId, cancellation) : null;
        var delivery = Compose(due, profile?.Name ?? "Your clinic", profile?.ContactEmail, decision, options.Smtp, clock.GetUtcNow());
        session.Insert(delivery);
        return delivery.Status == DeliveryStatus.Pending ? [new SendNoticeEmail(delivery.Id)] : [];
    }

    /// <summary>The notice in English, plain text; without a contact address it is kept, marked as having nowhere to go.</summary>
    public static NoticeDelivery Compose(NoticeDue due, string clinicName, string? to, ClinicNotice? decision, SmtpSettings smtp, DateTimeOffset now)
    {
        var (subject, body) = due.Kind switch
        {
            NoticeKind.VettingDecision when decision is not null => (decision.Subject, decision.Body),
            NoticeKind.VettingDecision => ($"{clinicName}: vetting decided", "Your clinic's vetting case was decided."),
            NoticeKind.ExpiryReminder => ($"{clinicName}: a credential expires soon",
                $"{due.What} Send us the renewed document before then, or your clinic is suspended from the published ranking when it lapses."),
            NoticeKind.Suspension => ($"{clinicName}: suspended from the published ranking",
                $"Your clinic is suspended from the published ranking as of {due.At:yyyy-MM-dd}: {due.What} Send us current evidence to be reinstated."),
            NoticeKind.Reinstatement => ($"{clinicName}: reinstated in the published ranking",
                $"Your clinic is reinstated as of {due.At:yyyy-MM-dd}: {due.What}"),
            _ => throw new ArgumentOutOfRangeException(nameof(due)),
        };

        return new NoticeDelivery
        {
            Id = due.NoticeId,
            Kind = due.Kind,
            ClinicId = due.ClinicId,
            ClinicName = clinicName,
            CaseId = due.CaseId,
            To = to,
            Subject = subject,
            Text = $"Dear {clinicName},\n\n{body}\n\nReply to this message to reach our vetting staff.\n\nClinicVetting\nNotice {due.NoticeId}\n",
            MessageId = $"{due.NoticeId}@{smtp.MessageIdDomain}",
            Status = to is null ? DeliveryStatus.NoAddress : DeliveryStatus.Pending,
            CreatedAt = now,
        };
    }
}

public static class SendNoticeEmailHandler
{
    public static async Task<OutgoingMessages> Handle(SendNoticeEmail command, IDocumentSession session, IMailSender mail, NotificationOptions options,
        TimeProvider clock, ILogger<NoticeDelivery> logger, CancellationToken cancellation)
    {
        var delivery = await session.LoadAsync<NoticeDelivery>(command.NoticeId, cancellation);
        if (delivery is not { Status: DeliveryStatus.Pending or DeliveryStatus.Retrying })
        {
            return [];
        }

        var now = clock.GetUtcNow();
        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        var messages = new OutgoingMessages();
        try
        {
            await mail.Send(delivery.ToMessage(options.Smtp), cancellation);
            delivery.Status = DeliveryStatus.Sent;
            delivery.SentAt = now;
            delivery.NextAttemptAt = null;
            delivery.LastError = null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            delivery.LastError = Describe(e);
            if (options.DelayAfter(delivery.Attempts) is { } wait)
            {
                delivery.Status = DeliveryStatus.Retrying;
                delivery.NextAttemptAt = now + wait;
                messages.Add(new SendNoticeEmail(delivery.Id).DelayedFor(wait));
            }
            else
            {
                delivery.Status = DeliveryStatus.Failed;
                delivery.NextAttemptAt = null;
            }

            logger.LogWarning("Notice {NoticeId} to clinic {ClinicId}: attempt {Attempt} failed ({Error}); now {Status}", delivery.Id, delivery.ClinicId,
                delivery.Attempts, delivery.LastError, delivery.Status);
        }

        session.Store(delivery);
        return messages;
    }

    private static string Describe(Exception e) => e switch
    {
        MailKit.Net.Smtp.SmtpCommandException refused => $"the SMTP server refused it ({(int)refused.StatusCode} {refused.StatusCode}) {refused.Message}".Trim(),
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
