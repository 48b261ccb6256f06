namespace ClinicVetting.Vetting.Cases;

public sealed record WaiveCheck(Guid CaseId, CheckKind Check, string Reason);

public static class WaiveCheckEndpoint
{
    public static ProblemDetails Validate(ReasonBody body) => body.Validate().ToProblem();

    /// <summary>An approver waives a check with a written reason (for example a check that does not apply to this clinic).</summary>
    [WolverinePost("/api/vetting/cases/{caseId}/checks/{check}/waiver", OperationId = "WaiveCheck"), Authorize(Policy = Policies.Approver)]
    [Tags("Vetting")]
    public static Task<CaseVersion> Post(Guid caseId, string check, ReasonBody body, IMessageBus bus) =>
        bus.InvokeAsync<CaseVersion>(new WaiveCheck(caseId, CheckRoute.Parse(check), body.Reason));
}

public static class WaiveCheckHandler
{
    public static async Task<CaseVersion> Handle(WaiveCheck command, IDocumentSession session, IMessageContext context, TimeProvider clock,
        CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<VettingCase>(command.CaseId, cancellation);
        var vettingCase = stream.Aggregate ?? throw new NotFound("Vetting case", command.CaseId);
        stream.AppendOne(VettingDecisions.Waive(vettingCase, command.Check, command.Reason, Actor.Of(context), clock.GetUtcNow()));
        return new CaseVersion(vettingCase.Id, vettingCase.Version + 1);
    }
}
