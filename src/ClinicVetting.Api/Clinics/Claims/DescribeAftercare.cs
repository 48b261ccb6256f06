namespace ClinicVetting.Clinics.Claims;

public sealed record AftercareInput(string FollowUp, string ComplicationHandling, int? FollowUpMonths = null) : IClaimChange
{
    public FieldErrors Validate() => new FieldErrors()
        .Required("followUp", FollowUp, 4000)
        .Required("complicationHandling", ComplicationHandling, 4000)
        .Range("followUpMonths", FollowUpMonths, 0, 120);

    /// <summary>Replaces the description on file; the same description again records nothing.</summary>
    public object Decide(ClinicClaims claims, ClaimContext context)
    {
        var next = new AftercareClaim(FollowUp.Trim(), ComplicationHandling.Trim(), FollowUpMonths);
        return Unchanged.Is(claims.Aftercare, next) ? new NothingToRecord(null) : new AftercareDescribed(claims.Id, next);
    }
}

public static class DescribeAftercareEndpoint
{
    public static ProblemDetails Validate(AftercareInput aftercare) => aftercare.Validate().ToProblem();

    /// <summary>Describe post-treatment support: follow-up care and how complications are handled.</summary>
    [WolverinePut("/api/clinics/{clinicId}/claims/aftercare", OperationId = "DescribeAftercare"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Put(Guid clinicId, AftercareInput aftercare, IMessageBus bus) => ChangeClaim.Send(bus, clinicId, aftercare);
}
