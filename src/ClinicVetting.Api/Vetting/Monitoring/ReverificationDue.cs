using ClinicVetting.Clinics;

namespace ClinicVetting.Vetting.Monitoring;

/// <summary>Scheduled at approval: the approval's 36 months (the rules' number) are over.</summary>
public sealed record ReverificationDue(Guid ClinicId, Guid CaseId);

public static class ReverificationDueHandler
{
    public static async Task Handle(ReverificationDue due, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<ClinicStanding>(due.ClinicId, cancellation);
        // A newer approval (re-verified in time) or a rejection makes this one moot.
        if (stream.Aggregate is not { } clinic || clinic.ApprovedCaseId != due.CaseId || clinic.ReverifyBy is not { } dueAt)
        {
            return;
        }

        var now = clock.GetUtcNow();
        stream.AppendOne(new ReverificationFellDue(clinic.Id, due.CaseId, dueAt));
        stream.AppendOne(new ClinicSuspended(clinic.Id, SuspensionCauses.Reverification,
            $"Re-verification was due on {dueAt:yyyy-MM-dd}: a new vetting case must be approved.", now));
        session.Store(StaffNotification.Of(NotificationKind.ReverificationDue, clinic.Id, clinic.Name,
            $"{clinic.Name} is due for re-verification (approved {clinic.ApprovedAt:yyyy-MM-dd}) and is suspended until a new case is approved.", now, dueAt));
    }
}
