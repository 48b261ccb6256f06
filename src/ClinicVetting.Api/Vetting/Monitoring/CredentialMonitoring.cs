using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;

namespace ClinicVetting.Vetting.Monitoring;

/// <summary>A reminder (DaysBefore set) or the lapse (DaysBefore null) of one credential's validity.</summary>
public sealed record CredentialCheckDue(Guid ClinicId, Guid ClaimId, DateOnly ValidUntil, int? DaysBefore);

/// <summary>
/// Expiry monitoring as durable scheduled messages: reminders ahead of a license's or accreditation's expiry and,
/// when it lapses, the clinic's suspension. Pure: plans and decisions; handlers do the I/O.
/// </summary>
public static class CredentialMonitoring
{
    /// <summary>The first instant a credential valid until <paramref name="validUntil"/> is no longer valid (UTC).</summary>
    public static DateTimeOffset LapsesAt(DateOnly validUntil) => new(validUntil.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>
    /// Reminders still ahead are scheduled; of those already behind, only the nearest one is sent now (staff hear once,
    /// late, rather than never); a lapse already behind is handled now.
    /// </summary>
    public static IReadOnlyList<(CredentialCheckDue Message, DateTimeOffset? At)> Plan(Guid clinicId, Guid claimId, DateOnly validUntil,
        IReadOnlyList<int> reminderDays, DateTimeOffset now)
    {
        var lapse = LapsesAt(validUntil);
        var plan = new List<(CredentialCheckDue, DateTimeOffset?)>();
        if (lapse <= now)
        {
            plan.Add((new CredentialCheckDue(clinicId, claimId, validUntil, null), null));
            return plan;
        }

        var days = reminderDays.Where(x => x > 0).Distinct().OrderByDescending(x => x).ToList();
        foreach (var day in days.Where(day => lapse.AddDays(-day) > now))
        {
            plan.Add((new CredentialCheckDue(clinicId, claimId, validUntil, day), lapse.AddDays(-day)));
        }

        var missed = days.Where(day => lapse.AddDays(-day) <= now).DefaultIfEmpty().Min();
        if (missed > 0)
        {
            plan.Add((new CredentialCheckDue(clinicId, claimId, validUntil, missed), null));
        }

        plan.Add((new CredentialCheckDue(clinicId, claimId, validUntil, null), lapse));
        return plan;
    }

    public static void AddTo(OutgoingMessages messages, IEnumerable<(CredentialCheckDue Message, DateTimeOffset? At)> plan)
    {
        foreach (var (message, at) in plan)
        {
            if (at is { } time)
            {
                messages.Schedule(message, time);
            }
            else
            {
                messages.Add(message);
            }
        }
    }

    /// <summary>What a due check means now: nothing when the credential was renewed or withdrawn, or it was already handled.</summary>
    public static IReadOnlyList<object> OnDue(CredentialCheckDue due, ClinicStanding clinic, ClinicClaims claims, DateTimeOffset now)
    {
        if (claims.Credential(due.ClaimId) is not { } credential || credential.ValidUntil != due.ValidUntil)
        {
            return [];
        }

        if (due.DaysBefore is { } days)
        {
            return clinic.RemindersIssued.Contains(ClinicStanding.ReminderKey(due.ClaimId, due.ValidUntil, days))
                ? []
                : [new CredentialExpiryReminderIssued(clinic.Id, due.ClaimId, credential.Kind, credential.Label, due.ValidUntil, days, now)];
        }

        if (now < LapsesAt(due.ValidUntil) || clinic.Lapses.Any(x => x.ClaimId == due.ClaimId && x.ValidUntil == due.ValidUntil))
        {
            return [];
        }

        var events = new List<object> { new CredentialLapsed(clinic.Id, due.ClaimId, credential.Kind, credential.Label, due.ValidUntil, now) };
        if (clinic.ApprovedCaseId is not null)
        {
            events.Add(new ClinicSuspended(clinic.Id, SuspensionCauses.Credential(due.ClaimId),
                $"The {credential.Label} lapsed on {due.ValidUntil:yyyy-MM-dd}.", now));
        }

        return events;
    }
}
