using ClinicVetting.Clinics;
using ClinicVetting.Vetting.Monitoring;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting.Cases;

public sealed record ApproveVettingCase(Guid CaseId);

public sealed record RejectVettingCase(Guid CaseId, string Reason);

/// <summary>The decision and everyone who prepared the case (opened it, recorded evidence, waived a check, cleared a red flag).</summary>
public sealed record CaseDecision(Guid CaseId, Guid ClinicId, CaseStatus Decision, string DecidedBy, DateTimeOffset DecidedAt, DateTimeOffset? ReverifyBy,
    IReadOnlyList<string> PreparedBy);

public static class ApproveVettingCaseEndpoint
{
    /// <summary>
    /// Approve a case: only an approver who did not prepare it (open it, record evidence, waive a check, clear a red flag), only when every check passed or was waived, no red flag
    /// is open and the evidence is fresh. Otherwise a 422 lists exactly what is missing. Two deciders at once: one wins, one 409.
    /// </summary>
    [WolverinePost("/api/vetting/cases/{caseId}/approval", OperationId = "ApproveVettingCase"), Authorize(Policy = Policies.Approver)]
    [Tags("Vetting")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public static Task<CaseDecision> Post(Guid caseId, IMessageBus bus) => bus.InvokeAsync<CaseDecision>(new ApproveVettingCase(caseId));
}

public static class RejectVettingCaseEndpoint
{
    public static ProblemDetails Validate(ReasonBody body) => body.Validate().ToProblem();

    /// <summary>Reject a case with the reason the clinic will read (four eyes apply).</summary>
    [WolverinePost("/api/vetting/cases/{caseId}/rejection", OperationId = "RejectVettingCase"), Authorize(Policy = Policies.Approver)]
    [Tags("Vetting")]
    public static Task<CaseDecision> Post(Guid caseId, ReasonBody body, IMessageBus bus) =>
        bus.InvokeAsync<CaseDecision>(new RejectVettingCase(caseId, body.Reason));
}

public static class DecideVettingCaseHandler
{
    public static async Task<(CaseDecision, OutgoingMessages)> Handle(ApproveVettingCase command, IDocumentSession session, IMessageContext context,
        TimeProvider clock, CancellationToken cancellation)
    {
        var (caseStream, clinicStream) = await Load(session, command.CaseId, cancellation);
        var rules = await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, cancellation) ?? new CurrentVettingRules();
        var referenceData = await ReferenceDataChanges(session, rules, cancellation);

        var (approved, clinicApproved) = VettingDecisions.Approve(caseStream.Aggregate!, clinicStream.Aggregate!, rules.Rules, Actor.Of(context),
            clock.GetUtcNow(), referenceData);
        caseStream.AppendOne(approved);
        clinicStream.AppendOne(clinicApproved);

        var messages = new OutgoingMessages { new SendVettingDecisionNotice(approved.CaseId) };
        messages.Schedule(new ReverificationDue(approved.ClinicId, approved.CaseId), approved.ReverifyBy);
        return (new CaseDecision(approved.CaseId, approved.ClinicId, CaseStatus.Approved, approved.DecidedBy, approved.DecidedAt, approved.ReverifyBy,
            approved.PreparedBy ?? []), messages);
    }

    public static async Task<(CaseDecision, OutgoingMessages)> Handle(RejectVettingCase command, IDocumentSession session, IMessageContext context,
        TimeProvider clock, CancellationToken cancellation)
    {
        var (caseStream, clinicStream) = await Load(session, command.CaseId, cancellation);
        var rules = await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, cancellation) ?? new CurrentVettingRules();
        var referenceData = await ReferenceDataChanges(session, rules, cancellation);

        var (rejected, clinicRejected) = VettingDecisions.Reject(caseStream.Aggregate!, clinicStream.Aggregate!, command.Reason, Actor.Of(context),
            clock.GetUtcNow(), referenceData);
        caseStream.AppendOne(rejected);
        clinicStream.AppendOne(clinicRejected);

        return (new CaseDecision(rejected.CaseId, rejected.ClinicId, CaseStatus.Rejected, rejected.DecidedBy, rejected.DecidedAt, null,
                rejected.PreparedBy ?? []),
            [new SendVettingDecisionNotice(rejected.CaseId)]);
    }

    /// <summary>Who changed the rules and regulators, and when: four eyes looks at those since the clinic's last decision.</summary>
    public static async Task<IReadOnlyList<ReferenceDataChange>> ReferenceDataChanges(IQuerySession session, CurrentVettingRules rules,
        CancellationToken cancellation)
    {
        var regulators = await session.LoadAsync<RegulatorDirectory>(RegulatorDirectory.StreamId, cancellation) ?? new RegulatorDirectory();
        return [.. rules.Changes, .. regulators.Changes];
    }

    private static async Task<(JasperFx.Events.IEventStream<VettingCase>, JasperFx.Events.IEventStream<ClinicStanding>)> Load(IDocumentSession session,
        Guid caseId, CancellationToken cancellation)
    {
        var caseStream = await session.Events.FetchForWriting<VettingCase>(caseId, cancellation);
        var vettingCase = caseStream.Aggregate ?? throw new NotFound("Vetting case", caseId);
        var clinicStream = await session.Events.FetchForWriting<ClinicStanding>(vettingCase.ClinicId, cancellation);
        return (caseStream, clinicStream);
    }
}
