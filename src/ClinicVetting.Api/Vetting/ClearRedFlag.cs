using ClinicVetting.Clinics;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Shared;
using ClinicVetting.Vetting.Cases;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClinicVetting.Vetting;

public sealed record ClearRedFlag(Guid ClinicId, Guid FlagId, string Reason);

public static class ClearRedFlagEndpoint
{
    public static ProblemDetails Validate(ReasonBody body) => body.Validate().ToProblem();

    /// <summary>Clear a red flag with the reason (what changed, what was checked). A suspension it caused ends with it.</summary>
    [WolverinePost("/api/clinics/{clinicId}/red-flags/{flagId}/clearance", OperationId = "ClearRedFlag"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Vetting")]
    public static Task<RedFlagRecorded> Post(Guid clinicId, Guid flagId, ReasonBody body, IMessageBus bus) =>
        bus.InvokeAsync<RedFlagRecorded>(new ClearRedFlag(clinicId, flagId, body.Reason));
}

public static class ClearRedFlagHandler
{
    public static async Task<RedFlagRecorded> Handle(ClearRedFlag command, IDocumentSession session, IMessageContext context, TimeProvider clock,
        CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<ClinicProfile>(command.ClinicId, cancellation);
        var clinic = stream.Aggregate ?? throw new NotFound("Clinic", command.ClinicId);

        var (cleared, reinstated) = VettingDecisions.ClearRedFlag(clinic, command.FlagId, command.Reason, Actor.Of(context), clock.GetUtcNow());
        stream.AppendOne(cleared);
        if (reinstated is not null)
        {
            stream.AppendOne(reinstated);
        }

        var stillSuspended = clinic.Suspensions.Any(x => x.Cause != reinstated?.Cause);
        return new RedFlagRecorded(clinic.Id, command.FlagId,
            clinic.Status == ClinicStatus.Suspended && !stillSuspended ? ClinicStatus.Approved : clinic.Status);
    }
}
