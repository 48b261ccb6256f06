using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.Cases;

namespace ClinicVetting.Vetting.Monitoring;

public sealed record ApproveReinstatement(Guid ClinicId);

/// <summary>A cause of a suspension that someone resolved, and what they did: it awaits another approver's approval.</summary>
public sealed record ResolvedSuspension(string Cause, string Reason, Preparation By);

public static class ApproveReinstatementEndpoint
{
    /// <summary>
    /// An approver puts a suspended clinic back in the ranking for each cause someone else resolved (a red flag cleared, a
    /// lapsed credential re-verified). 422 when nothing is resolved yet, or when the approver resolved it (four eyes).
    /// </summary>
    [WolverinePost("/api/clinics/{clinicId}/reinstatement/approval", OperationId = "ApproveReinstatement"), Authorize(Policy = Policies.Approver)]
    [Tags("Vetting")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public static Task<ClinicReinstatement> Post(Guid clinicId, IMessageBus bus) =>
        bus.InvokeAsync<ClinicReinstatement>(new ApproveReinstatement(clinicId));
}

public static class ApproveReinstatementHandler
{
    public static async Task<ClinicReinstatement> Handle(ApproveReinstatement command, IDocumentSession session, IMessageContext context,
        TimeProvider clock, CancellationToken cancellation)
    {
        var (stream, clinic) = await session.Events.FetchExisting<ClinicStanding>(command.ClinicId, "Clinic", cancellation);
        var claims = await session.LoadAsync<ClinicClaims>(command.ClinicId, cancellation);

        var reinstated = Decide(clinic, claims, Actor.Of(context), clock.GetUtcNow());
        foreach (var @event in reinstated)
        {
            stream.AppendOne(@event);
        }

        var remaining = clinic.Suspensions.Select(x => x.Cause).Where(cause => reinstated.All(r => r.Cause != cause)).ToList();
        return new ClinicReinstatement(clinic.Id, remaining.Count == 0 && clinic.ApprovedCaseId is not null ? ClinicStatus.Approved : clinic.Status,
            reinstated.Select(x => x.Cause).ToList(), remaining);
    }

    /// <summary>
    /// An approver puts a suspended clinic back for every cause someone else resolved: a red flag cleared, a lapsed credential
    /// re-verified and valid again. Four eyes: never for a cause the approver resolved themselves.
    /// </summary>
    public static IReadOnlyList<ClinicReinstated> Decide(ClinicStanding clinic, ClinicClaims? claims, string approver, DateTimeOffset now)
    {
        if (clinic.Suspensions.Count == 0)
        {
            throw new Conflict($"{clinic.Name} is not suspended.");
        }

        var (ready, waiting) = Resolution(clinic, claims, DateOnly.FromDateTime(now.UtcDateTime));
        if (ready.Count == 0)
        {
            throw new RuleViolation($"Nothing resolved yet: {clinic.Name} stays suspended.", waiting);
        }

        Preparation.EnsureNotBy(ready.Select(x => x.By).ToList(), approver,
            "Four eyes: you resolved what suspended this clinic, so another approver must approve its reinstatement.");
        return ready
            .Select(x => new ClinicReinstated(clinic.Id, x.Cause, x.Reason, approver, now, [x.By.By]))
            .ToList();
    }

    /// <summary>
    /// Each cause suspending the clinic, resolved (and by whom: they may not approve its reinstatement) or still waiting (and
    /// for what). The approval and the work queue read it.
    /// </summary>
    public static (IReadOnlyList<ResolvedSuspension> Ready, IReadOnlyList<string> Waiting) Resolution(ClinicStanding clinic, ClinicClaims? claims,
        DateOnly today)
    {
        var ready = new List<ResolvedSuspension>();
        var waiting = new List<string>();
        foreach (var suspension in clinic.Suspensions)
        {
            var flag = clinic.RedFlags.FirstOrDefault(x => SuspensionCauses.RedFlag(x.Flag.FlagId) == suspension.Cause);
            var lapse = clinic.Lapses.FirstOrDefault(x => SuspensionCauses.Credential(x.ClaimId) == suspension.Cause);
            if (flag is { IsOpen: false })
            {
                ready.Add(new ResolvedSuspension(suspension.Cause, $"Red flag cleared by {flag.ClearedBy}: {flag.ClearReason}",
                    new Preparation(flag.ClearedBy!, $"cleared the red flag \"{flag.Flag.Description}\"")));
            }
            else if (flag is not null)
            {
                waiting.Add($"The red flag \"{flag.Flag.Description}\" is still open: clear it first, with the reason.");
            }
            else if (lapse is { ReverifiedBy: { } reverifiedBy }
                     && claims?.Credential(lapse.ClaimId) is { } current && current.ValidUntil >= today)
            {
                ready.Add(new ResolvedSuspension(suspension.Cause,
                    $"The {lapse.Credential} was renewed and re-verified by {reverifiedBy} ({lapse.ReverificationReference}).",
                    new Preparation(reverifiedBy, $"re-verified the {lapse.Credential}")));
            }
            else if (lapse is not null)
            {
                waiting.Add(lapse.ReverifiedBy is null
                    ? $"The {lapse.Credential} lapsed: staff re-verify the renewed credential first."
                    : $"The {lapse.Credential} is not valid on {today:yyyy-MM-dd}: record the renewed credential.");
            }
            else
            {
                waiting.Add($"{suspension.Reason}: only a new vetting case, approved, reinstates the clinic.");
            }
        }

        return (ready, waiting);
    }
}
