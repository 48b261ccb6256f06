namespace ClinicVetting.Clinics.Claims;

public sealed record AftercareInput(
    [property: FieldLimit(MaxLength = 4000)] string FollowUp,
    [property: FieldLimit(MaxLength = 4000)] string ComplicationHandling,
    [property: FieldLimit(Minimum = 0, Maximum = 120)] int? FollowUpMonths = null) : IClaimChange, IHasExample<AftercareInput>
{
    public static AftercareInput Example => new("Video consultations at 1, 3, 6 and 12 months with the treating physician",
        "A 24-hour line to the treating physician; emergencies go to the partner hospital, Bumrungrad International", 12);

    public FieldErrors Validate() => new FieldErrors()
        .WithinLimits(this)
        .Present("followUp", FollowUp)
        .Present("complicationHandling", ComplicationHandling);

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
