using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.Shared;
using ClinicVetting.Vetting.ReferenceData;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClinicVetting.Vetting.Monitoring;

public sealed record ReinstatementInput(string EvidenceReference)
{
    public FieldErrors Validate() => new FieldErrors().Required("evidenceReference", EvidenceReference, 2000);
}

public sealed record ReinstateClinic(Guid ClinicId, string EvidenceReference);

public sealed record ClinicReinstatement(Guid ClinicId, ClinicStatus Status, IReadOnlyList<string> CausesResolved);

public static class ReinstateClinicEndpoint
{
    public static ProblemDetails Validate(ReinstatementInput input) => input.Validate().ToProblem();

    /// <summary>
    /// After a lapse: once the renewed license or accreditation is recorded and re-verified (the reference says where),
    /// the clinic returns to the ranking. A lapse longer than the grace period (30 days) needs a new full case: 422.
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
        var stream = await session.Events.FetchForWriting<ClinicProfile>(command.ClinicId, cancellation);
        var clinic = stream.Aggregate ?? throw new NotFound("Clinic", command.ClinicId);
        var claims = await session.LoadAsync<ClinicClaims>(command.ClinicId, cancellation) ?? throw new NotFound("Clinic", command.ClinicId);
        var rules = await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, cancellation) ?? new CurrentVettingRules();

        var reinstated = VettingDecisions.ReinstateAfterLapse(clinic, claims, rules.Rules, command.EvidenceReference, Actor.Of(context), clock.GetUtcNow());
        foreach (var @event in reinstated)
        {
            stream.AppendOne(@event);
        }

        var remaining = clinic.Suspensions.Count(x => reinstated.All(r => r.Cause != x.Cause));
        return new ClinicReinstatement(clinic.Id, remaining == 0 && clinic.ApprovedCaseId is not null ? ClinicStatus.Approved : clinic.Status,
            reinstated.Select(x => x.Cause).ToList());
    }
}
