namespace ClinicVetting.Clinics.Claims;

public sealed record AftercareInput(string FollowUp, string ComplicationHandling, int? FollowUpMonths = null)
{
    public FieldErrors Validate() => new FieldErrors()
        .Required("followUp", FollowUp, 4000)
        .Required("complicationHandling", ComplicationHandling, 4000)
        .Range("followUpMonths", FollowUpMonths, 0, 120);
}

public sealed record DescribeAftercare(Guid ClinicId, AftercareInput Aftercare);

public static class DescribeAftercareEndpoint
{
    public static ProblemDetails Validate(AftercareInput aftercare) => aftercare.Validate().ToProblem();

    /// <summary>Describe post-treatment support: follow-up care and how complications are handled.</summary>
    [WolverinePut("/api/clinics/{clinicId}/claims/aftercare", OperationId = "DescribeAftercare"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Put(Guid clinicId, AftercareInput aftercare, IMessageBus bus) =>
        bus.InvokeAsync<ClaimOnFile>(new DescribeAftercare(clinicId, aftercare));
}

public static class DescribeAftercareHandler
{
    public static Task<(ClaimOnFile, OutgoingMessages)> Handle(DescribeAftercare command, IDocumentSession session, CancellationToken cancellation)
    {
        var input = command.Aftercare;
        return ClaimRecording.Append(session, command.ClinicId, claims => ClaimDecisions.DescribeAftercare(claims,
            new AftercareClaim(input.FollowUp, input.ComplicationHandling, input.FollowUpMonths)), cancellation);
    }
}
