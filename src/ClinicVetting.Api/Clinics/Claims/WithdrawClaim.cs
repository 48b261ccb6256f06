namespace ClinicVetting.Clinics.Claims;

public sealed record WithdrawalInput(string Reason);

public sealed record WithdrawClaim(Guid ClinicId, Guid ClaimId, string Reason);

public static class WithdrawClaimEndpoint
{
    public static ProblemDetails Validate(WithdrawalInput withdrawal) => new FieldErrors().Required("reason", withdrawal.Reason, 2000).ToProblem();

    /// <summary>Withdraw a claim that no longer holds (the clinic dropped a therapy, a team member left), with the reason.</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/{claimId}/withdrawal", OperationId = "WithdrawClaim"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, Guid claimId, WithdrawalInput withdrawal, IMessageBus bus) =>
        bus.InvokeAsync<ClaimOnFile>(new WithdrawClaim(clinicId, claimId, withdrawal.Reason));
}

public static class WithdrawClaimHandler
{
    public static Task<(ClaimOnFile, OutgoingMessages)> Handle(WithdrawClaim command, IDocumentSession session, CancellationToken cancellation) =>
        ClaimRecording.Append(session, command.ClinicId, claims => ClaimDecisions.Withdraw(claims, command.ClaimId, command.Reason), cancellation);
}
