using ClinicVetting.Clinics;
using ClinicVetting.Shared;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using JasperFx.Events;

namespace ClinicVetting.Notifications;

/// <summary>
/// A notice a clinic must get, heard from the event behind it. <see cref="NoticeId"/> is the notice's identity (and its
/// Message-ID's), derived from what the event says (<see cref="NoticeIdentity"/>), never from the wrapper that carried it, so
/// the event heard again in any wrapper is one notice. <see cref="EventId"/> is the carrying wrapper's id, kept only to
/// recognise a notice stored before the identity came from the event's content (it was keyed by that id).
/// </summary>
public sealed record NoticeDue(Guid NoticeId, NoticeKind Kind, Guid ClinicId, Guid? CaseId, string What, DateTimeOffset At, Guid? EventId = null)
{
    public static NoticeDue Of(IEvent<VettingDecisionNoticeSent> e) =>
        new(NoticeIdentity.ForDecision(e.Data.CaseId), NoticeKind.VettingDecision, e.Data.ClinicId, e.Data.CaseId, "", e.Data.SentAt, e.Id);

    public static NoticeDue Of(IEvent<CredentialExpiryReminderIssued> e) => new(NoticeIdentity.ForReminder(e.Data), NoticeKind.ExpiryReminder,
        e.Data.ClinicId, null,
        $"Your {e.Data.Kind.ToString().ToLowerInvariant()} {e.Data.Credential} expires on {e.Data.ValidUntil:yyyy-MM-dd}, in {e.Data.DaysBefore} days.",
        e.Data.IssuedAt, e.Id);

    public static NoticeDue Of(IEvent<ClinicSuspended> e) =>
        new(NoticeIdentity.ForSuspension(e.Data), NoticeKind.Suspension, e.Data.ClinicId, null, e.Data.Reason, e.Data.SuspendedAt, e.Id);

    public static NoticeDue Of(IEvent<ClinicReinstated> e) =>
        new(NoticeIdentity.ForReinstatement(e.Data), NoticeKind.Reinstatement, e.Data.ClinicId, null, e.Data.Reason, e.Data.ReinstatedAt, e.Id);
}

/// <summary>
/// Where a notice's identity comes from: the facts that make it that notice, never the event wrapper that carried it to us
/// nor anything made while handling it. However often the fact is heard (the subscription re-reading the log from an older
/// mark after a restart, the durable inbox replaying a message handled before a crash, two nodes, an event wrapper that does
/// not carry the stored event's id), it is the same notice with the same Message-ID, and the receiver drops a second copy.
/// <list type="bullet">
/// <item>A decision: its case (a case is decided once, approved or rejected, never both, never again).</item>
/// <item>An expiry reminder: the credential (its claim), the expiry date it warns of and how many days before it (the
/// same reminder issued twice is one reminder; a renewed credential has another date, so its reminders are new ones).</item>
/// <item>A suspension or reinstatement: the clinic, the cause and the instant it took effect (a clinic suspended,
/// reinstated and suspended again gets three notices: each took effect at its own instant).</item>
/// </list>
/// </summary>
public static class NoticeIdentity
{
    // The namespace decision notices have always used: their ids must not change.
    private static readonly Guid Notices = new("3d0f6c1e-8b52-4f7a-9c2d-5e4b1a7f0c93");

    public static Guid ForDecision(Guid caseId) => DeterministicGuid.Create(Notices, $"vetting-decision:{caseId}");

    public static Guid ForReminder(CredentialExpiryReminderIssued reminder) =>
        DeterministicGuid.Create(Notices, $"expiry-reminder:{reminder.ClinicId}:{reminder.ClaimId}:{reminder.ValidUntil:yyyy-MM-dd}:{reminder.DaysBefore}");

    public static Guid ForSuspension(ClinicSuspended suspended) => DeterministicGuid.Create(Notices, $"suspension:{StandingKey.Of(suspended)}");

    public static Guid ForReinstatement(ClinicReinstated reinstated) => DeterministicGuid.Create(Notices, $"reinstatement:{StandingKey.Of(reinstated)}");

    /// <summary>The notice a message is about: for a decision, its case's one decision notice, whatever id the message names.</summary>
    public static Guid Of(NoticeDue due) => due is { Kind: NoticeKind.VettingDecision, CaseId: { } caseId } ? ForDecision(caseId) : due.NoticeId;
}

/// <summary>
/// What makes a suspension or reinstatement that one (for its notice's and its webhook deliveries' ids): the clinic, the
/// cause and the instant it took effect. Suspended, reinstated and suspended again is three facts, each at its own instant.
/// </summary>
public static class StandingKey
{
    public static string Of(ClinicSuspended suspended) => $"{suspended.ClinicId}:{suspended.Cause}:{suspended.SuspendedAt.UtcTicks}";

    public static string Of(ClinicReinstated reinstated) => $"{reinstated.ClinicId}:{reinstated.Cause}:{reinstated.ReinstatedAt.UtcTicks}";
}

/// <summary>Try (again) to e-mail one notice; durable, so a crash or an unreachable server only delays it.</summary>
public sealed record SendNoticeEmail(Guid NoticeId);

public static class NoticeDueHandler
{
    /// <summary>Two handlings of one notice at once (two nodes, a replay beside the original) insert the same id: the loser runs again and finds it.</summary>
    [ClinicVetting.Infrastructure.Messaging.RetryLostRace]
    public static async Task<OutgoingMessages> Handle(NoticeDue due, IDocumentSession session, NotificationOptions options, TimeProvider clock,
        CancellationToken cancellation)
    {
        // One notice per decision: keyed by the decision, never by the message or the event wrapper that brought it.
        due = due with { NoticeId = NoticeIdentity.Of(due) };
        // A notice made before its id came from the event's content was keyed by the id of the event that carried it: the
        // same notice. (A message stored before this change names that id as its NoticeId and has no EventId: the same.)
        Guid[] ids = due.EventId is { } eventId && eventId != due.NoticeId ? [due.NoticeId, eventId] : [due.NoticeId];
        if ((await session.LoadManyAsync<NoticeDelivery>(cancellation, ids)).Count > 0)
        {
            return [];
        }

        // A decision notice made before its id came from the case was keyed by its event's id: it is the same notice. Looked
        // for among the clinic's own notices (the clinic id is indexed), not by a scan of every notice ever made.
        if (due is { Kind: NoticeKind.VettingDecision, CaseId: { } decided }
            && await session.Query<NoticeDelivery>()
                .AnyAsync(x => x.ClinicId == due.ClinicId && x.Kind == NoticeKind.VettingDecision && x.CaseId == decided, cancellation))
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
