using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;

namespace ClinicVetting.Vetting.Monitoring;

public static class CredentialCheckDueHandler
{
    public static async Task<OutgoingMessages> Handle(CredentialCheckDue due, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        var messages = new OutgoingMessages();
        if (due.DaysBefore is null && now < CredentialMonitoring.LapsesAt(due.ValidUntil))
        {
            // Fired before its time (clock skew): come back when it is due.
            messages.Schedule(due, CredentialMonitoring.LapsesAt(due.ValidUntil));
            return messages;
        }

        var stream = await session.Events.FetchForWriting<ClinicStanding>(due.ClinicId, cancellation);
        var claims = await session.LoadAsync<ClinicClaims>(due.ClinicId, cancellation);
        if (stream.Aggregate is not { } clinic || claims is null)
        {
            return messages;
        }

        foreach (var @event in CredentialMonitoring.OnDue(due, clinic, claims, now))
        {
            stream.AppendOne(@event);
            session.Store(@event switch
            {
                CredentialExpiryReminderIssued e => StaffNotification.Of(NotificationKind.ExpiryReminder, clinic.Id, clinic.Name,
                    $"The {e.Credential} of {clinic.Name} expires on {e.ValidUntil:yyyy-MM-dd}, in {DaysLeft(e.ValidUntil, now)} days: re-verify it.", now,
                    CredentialMonitoring.LapsesAt(e.ValidUntil)),
                CredentialLapsed e => StaffNotification.Of(NotificationKind.CredentialLapsed, clinic.Id, clinic.Name,
                    $"The {e.Credential} of {clinic.Name} lapsed on {e.ValidUntil:yyyy-MM-dd}.", now),
                ClinicSuspended e => StaffNotification.Of(NotificationKind.ClinicSuspended, clinic.Id, clinic.Name,
                    $"{clinic.Name} is suspended from the ranking: {e.Reason}", now),
                _ => throw new InvalidOperationException($"Unexpected {@event.GetType().Name}"),
            });
        }

        return messages;
    }

    private static int DaysLeft(DateOnly validUntil, DateTimeOffset now) =>
        (int)Math.Ceiling((CredentialMonitoring.LapsesAt(validUntil) - now).TotalDays);
}
