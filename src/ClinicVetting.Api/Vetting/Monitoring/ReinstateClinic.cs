using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting.Monitoring;

public sealed record ReinstatementInput([property: FieldLimit(MaxLength = 2000)] string EvidenceReference) : IHasExample<ReinstatementInput>
{
    public static ReinstatementInput Example => new("https://www.tmc.or.th/check_prc.php?num=10293 (renewed until 2029-12-31, checked 2026-03-02)");

    public FieldErrors Validate() => new FieldErrors().WithinLimits(this).Present("evidenceReference", EvidenceReference);
}

public sealed record ReinstateClinic(Guid ClinicId, string EvidenceReference);

/// <summary>Where a suspended clinic stands: the causes just resolved, and those still suspending it.</summary>
public sealed record ClinicReinstatement(Guid ClinicId, ClinicStatus Status, IReadOnlyList<string> CausesResolved, IReadOnlyList<string> StillSuspendedBy);

public static class ReinstateClinicEndpoint
{
    public static ProblemDetails Validate(ReinstatementInput input) => input.Validate().ToProblem();

    /// <summary>
    /// After a lapse: staff re-verified the renewed license or accreditation (the reference says where). The clinic stays
    /// suspended until another approver approves the reinstatement. A lapse longer than the grace period (30 days) needs a
    /// new full case: 422.
    /// </summary>
    [WolverinePost("/api/clinics/{clinicId}/reinstatement", OperationId = "ReinstateClinic"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Vetting")]
    public static Task<ClinicReinstatement> Post(Guid clinicId, ReinstatementInput input, IMessageBus bus) =>
        bus.InvokeAsync<ClinicReinstatement>(new ReinstateClinic(clinicId, input.EvidenceReference));
}

public static class ReinstateClinicHandler
{
    public static async Task<ClinicReinstatement> Handle(ReinstateClinic command, IDocumentSession session, IMessageContext context,
        TimeProvider clock, CancellationToken cancellation)
    {
        var (stream, clinic) = await session.Events.FetchExisting<ClinicStanding>(command.ClinicId, "Clinic", cancellation);
        var claims = await session.LoadAsync<ClinicClaims>(command.ClinicId, cancellation) ?? throw new NotFound("Clinic", command.ClinicId);
        var rules = await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, cancellation) ?? new CurrentVettingRules();

        var reverified = Decide(clinic, claims, rules.Rules, command.EvidenceReference, Actor.Of(context), clock.GetUtcNow());
        foreach (var @event in reverified)
        {
            stream.AppendOne(@event);
        }

        return new ClinicReinstatement(clinic.Id, clinic.Status, [], clinic.Suspensions.Select(x => x.Cause).ToList());
    }

    /// <summary>
    /// After a lapse, staff re-verify the renewed credential (only within the grace period; a longer lapse needs a new full
    /// case). The clinic stays suspended until an approver who did not re-verify it approves the reinstatement.
    /// </summary>
    public static IReadOnlyList<LapsedCredentialReverified> Decide(ClinicStanding clinic, ClinicClaims claims, VettingRuleSet rules,
        string evidenceReference, string by, DateTimeOffset now)
    {
        if (clinic.Lapses.Count == 0)
        {
            throw new Conflict($"{clinic.Name} has no lapsed credential to re-verify.");
        }

        var waiting = clinic.Lapses.Where(x => x.ReverifiedBy is null).ToList();
        if (waiting.Count == 0)
        {
            throw new Conflict($"Every lapsed credential of {clinic.Name} is already re-verified ({string.Join(", ", clinic.Lapses.Select(x => x.ReverifiedBy).Distinct())}): an approver who did not re-verify it approves the reinstatement.");
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var reasons = new List<string>();
        foreach (var lapse in waiting)
        {
            if (now - lapse.LapsedAt > TimeSpan.FromDays(rules.LapseGraceDays))
            {
                reasons.Add($"The {lapse.Credential} lapsed on {lapse.LapsedAt:yyyy-MM-dd}, more than {rules.LapseGraceDays} days ago: a new full vetting case is needed.");
            }
            else if (claims.Credential(lapse.ClaimId) is not { } current || current.ValidUntil < today)
            {
                reasons.Add($"The {lapse.Credential} is still not valid: record the renewed credential first.");
            }
        }

        if (reasons.Count > 0)
        {
            throw new RuleViolation("The clinic cannot be reinstated.", reasons);
        }

        return waiting
            .Select(lapse => new LapsedCredentialReverified(clinic.Id, lapse.ClaimId, lapse.Credential, evidenceReference.Trim(), by, now))
            .ToList();
    }
}
