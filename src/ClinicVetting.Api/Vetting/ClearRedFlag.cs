using System.Security.Claims;

namespace ClinicVetting.Vetting;

public sealed record ClearRedFlag(Guid ClinicId, Guid FlagId, string Reason, bool ByApprover);

public static class ClearRedFlagEndpoint
{
    public static ProblemDetails Validate(ReasonBody body) => body.Validate().ToProblem();

    /// <summary>
    /// Clear a red flag with the reason (what changed, what was checked). A flag the rules raised needs an approver (403
    /// otherwise). Whoever clears a flag has prepared the clinic's case; a suspension the flag caused stays until another
    /// approver approves the reinstatement.
    /// </summary>
    [WolverinePost("/api/clinics/{clinicId}/red-flags/{flagId}/clearance", OperationId = "ClearRedFlag"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Vetting")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    public static Task<RedFlagOnFile> Post(Guid clinicId, Guid flagId, ReasonBody body, ClaimsPrincipal user, IMessageBus bus) =>
        bus.InvokeAsync<RedFlagOnFile>(new ClearRedFlag(clinicId, flagId, body.Reason, user.IsInRole(Roles.Approver)));
}

public static class ClearRedFlagHandler
{
    public static async Task<RedFlagOnFile> Handle(ClearRedFlag command, IDocumentSession session, IMessageContext context, TimeProvider clock,
        CancellationToken cancellation)
    {
        var (stream, clinic) = await session.Events.FetchExisting<ClinicStanding>(command.ClinicId, "Clinic", cancellation);

        var cleared = Decide(clinic, command.FlagId, command.Reason, Actor.Of(context), command.ByApprover, clock.GetUtcNow());
        stream.AppendOne(cleared);
        return new RedFlagOnFile(clinic.Id, command.FlagId, clinic.Status);
    }

    /// <summary>
    /// Clear a red flag with the reason. A flag the rules raised needs an approver (who then prepared the clinic's case). A
    /// suspension the flag caused stays until another approver approves the reinstatement.
    /// </summary>
    public static RedFlagCleared Decide(ClinicStanding clinic, Guid flagId, string reason, string clearedBy, bool byApprover, DateTimeOffset now)
    {
        var flag = clinic.RedFlags.FirstOrDefault(x => x.Flag.FlagId == flagId) ?? throw new NotFound("Red flag", flagId);
        if (!flag.IsOpen)
        {
            throw new Conflict($"The red flag was already cleared by {flag.ClearedBy} on {flag.ClearedAt:yyyy-MM-dd}.");
        }

        if (flag.Flag.Automatic && !byApprover)
        {
            throw new Forbidden($"The vetting rules raised this red flag (\"{flag.Flag.Description}\"): only an approver may clear it, with the reason.",
                "rule-raised-red-flag-needs-an-approver", "an approver, who then may not decide the clinic's case");
        }

        return new RedFlagCleared(clinic.Id, flagId, reason.Trim(), clearedBy, now);
    }
}
