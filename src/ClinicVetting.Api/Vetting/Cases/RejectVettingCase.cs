using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting.Cases;

public sealed record RejectVettingCase(Guid CaseId, string Reason);

public static class RejectVettingCaseEndpoint
{
    public static ProblemDetails Validate(ReasonBody body) => body.Validate().ToProblem();

    /// <summary>Reject a case with the reason the clinic will read (four eyes apply).</summary>
    [WolverinePost("/api/vetting/cases/{caseId}/rejection", OperationId = "RejectVettingCase"), Authorize(Policy = Policies.Approver)]
    [Tags("Vetting")]
    public static Task<CaseDecision> Post(Guid caseId, ReasonBody body, IMessageBus bus) =>
        bus.InvokeAsync<CaseDecision>(new RejectVettingCase(caseId, body.Reason));
}

public static class RejectVettingCaseHandler
{
    public static async Task<(CaseDecision, OutgoingMessages)> Handle(RejectVettingCase command, IDocumentSession session, IMessageContext context,
        TimeProvider clock, CancellationToken cancellation)
    {
        var (rejected, _) = await CaseToDecide.Record(session, command.CaseId,
            x => Decide(x.Case.Aggregate!, x.Clinic.Aggregate!, command.Reason, Actor.Of(context), clock.GetUtcNow(), x.ReferenceData,
                x.ClaimsChanged), cancellation);

        return (new CaseDecision(rejected.CaseId, rejected.ClinicId, CaseStatus.Rejected, rejected.DecidedBy, rejected.DecidedAt, null,
                rejected.PreparedBy ?? []),
            [new SendVettingDecisionNotice(rejected.CaseId)]);
    }

    /// <summary>Four eyes apply; the reason is what the clinic reads.</summary>
    public static (VettingCaseRejected Case, ClinicVettingRejected Clinic) Decide(VettingCase vettingCase, ClinicStanding clinic, string reason,
        string approver, DateTimeOffset now, IEnumerable<ReferenceDataChange>? referenceData = null, IEnumerable<Preparation>? claimChanges = null)
    {
        var preparedBy = vettingCase.EnsureDecidableBy(approver, clinic, referenceData, claimChanges);
        return (new VettingCaseRejected(vettingCase.Id, vettingCase.ClinicId, approver, reason.Trim(), now, preparedBy),
            new ClinicVettingRejected(vettingCase.ClinicId, vettingCase.Id, reason.Trim(), now));
    }
}
