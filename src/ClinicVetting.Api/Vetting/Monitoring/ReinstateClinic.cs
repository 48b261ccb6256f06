using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting.Monitoring;

public sealed record ReinstatementInput(string EvidenceReference)
{
    public FieldErrors Validate() => new FieldErrors().Required("evidenceReference", EvidenceReference, 2000);
}

public sealed record ReinstateClinic(Guid ClinicId, string EvidenceReference);

public sealed record ApproveReinstatement(Guid ClinicId);

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

public static class ReinstateClinicHandler
{
    public static async Task<ClinicReinstatement> Handle(ReinstateClinic command, IDocumentSession session, IMessageContext context,
        TimeProvider clock, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<ClinicStanding>(command.ClinicId, cancellation);
        var clinic = stream.Aggregate ?? throw new NotFound("Clinic", command.ClinicId);
        var claims = await session.LoadAsync<ClinicClaims>(command.ClinicId, cancellation) ?? throw new NotFound("Clinic", command.ClinicId);
        var rules = await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, cancellation) ?? new CurrentVettingRules();

        var reverified = VettingDecisions.ReverifyLapses(clinic, claims, rules.Rules, command.EvidenceReference, Actor.Of(context), clock.GetUtcNow());
        foreach (var @event in reverified)
        {
            stream.AppendOne(@event);
        }

        return new ClinicReinstatement(clinic.Id, clinic.Status, [], clinic.Suspensions.Select(x => x.Cause).ToList());
    }

    public static async Task<ClinicReinstatement> Handle(ApproveReinstatement command, IDocumentSession session, IMessageContext context,
        TimeProvider clock, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<ClinicStanding>(command.ClinicId, cancellation);
        var clinic = stream.Aggregate ?? throw new NotFound("Clinic", command.ClinicId);
        var claims = await session.LoadAsync<ClinicClaims>(command.ClinicId, cancellation);

        var reinstated = VettingDecisions.ApproveReinstatement(clinic, claims, Actor.Of(context), clock.GetUtcNow());
        foreach (var @event in reinstated)
        {
            stream.AppendOne(@event);
        }

        var remaining = clinic.Suspensions.Select(x => x.Cause).Where(cause => reinstated.All(r => r.Cause != cause)).ToList();
        return new ClinicReinstatement(clinic.Id, remaining.Count == 0 && clinic.ApprovedCaseId is not null ? ClinicStatus.Approved : clinic.Status,
            reinstated.Select(x => x.Cause).ToList(), remaining);
    }
}
