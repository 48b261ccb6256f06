namespace ClinicVetting.Clinics.Claims;

public sealed record WithdrawalInput([property: FieldLimit(MaxLength = 2000)] string Reason) : IHasExample<WithdrawalInput>
{
    public static WithdrawalInput Example => new("The clinic no longer offers this therapy");
}

/// <summary>A claim on file withdrawn, with the reason; a claim the clinic does not hold is not found.</summary>
public sealed record Withdrawal(Guid ClaimId, string Reason) : IClaimChange
{
    public object Decide(ClinicClaims claims, ClaimContext context) =>
        claims.Holds(ClaimId)
            ? new ClaimWithdrawn(claims.Id, ClaimId, Reason.Trim())
            : throw new NotFound("Claim", ClaimId);
}

public static class WithdrawClaimEndpoint
{
    public static ProblemDetails Validate(WithdrawalInput withdrawal) => new FieldErrors().WithinLimits(withdrawal).Present("reason", withdrawal.Reason).ToProblem();

    /// <summary>Withdraw a claim that no longer holds (the clinic dropped a therapy, a team member left), with the reason.</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/{claimId}/withdrawal", OperationId = "WithdrawClaim"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, Guid claimId, WithdrawalInput withdrawal, IMessageBus bus) =>
        ChangeClaim.Send(bus, clinicId, new Withdrawal(claimId, withdrawal.Reason));
}
