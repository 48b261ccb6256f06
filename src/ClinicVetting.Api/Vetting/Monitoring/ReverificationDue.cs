namespace ClinicVetting.Vetting.Monitoring;

/// <summary>Scheduled at approval: the approval's 36 months (the rules' number) are over.</summary>
public sealed record ReverificationDue(Guid ClinicId, Guid CaseId);

public static class ReverificationDueHandler
{
    public static async Task Handle(ReverificationDue due, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<ClinicStanding>(due.ClinicId, cancellation);
        if (stream.Aggregate is not { } clinic || Decide(clinic, due, clock.GetUtcNow()) is not { } decided)
        {
            return;
        }

        var (fellDue, suspended) = decided;

        stream.AppendOne(fellDue);
        stream.AppendOne(suspended);
        session.Store(StaffNotification.Of(NotificationKind.ReverificationDue, clinic.Id, clinic.Name,
            $"{clinic.Name} is due for re-verification (approved {clinic.ApprovedAt:yyyy-MM-dd}) and is suspended until a new case is approved.",
            suspended.SuspendedAt, fellDue.DueAt));
    }

    /// <summary>
    /// The approval that scheduled it is still the clinic's: it falls due and the clinic leaves the ranking until a new case is
    /// approved. Null when a newer approval (re-verified in time) or a rejection made it moot.
    /// </summary>
    public static (ReverificationFellDue FellDue, ClinicSuspended Suspended)? Decide(ClinicStanding clinic, ReverificationDue due, DateTimeOffset now) =>
        clinic.ApprovedCaseId != due.CaseId || clinic.ReverifyBy is not { } dueAt
            ? null
            : (new ReverificationFellDue(clinic.Id, due.CaseId, dueAt),
                new ClinicSuspended(clinic.Id, SuspensionCauses.Reverification,
                    $"Re-verification was due on {dueAt:yyyy-MM-dd}: a new vetting case must be approved.", now));
}
