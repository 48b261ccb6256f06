using ClinicVetting.Vetting.Monitoring;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting.Cases;

public sealed record ApproveVettingCase(Guid CaseId);

/// <summary>The decision and everyone who prepared the case (opened it, recorded evidence, waived a check, changed a claim, cleared a red flag).</summary>
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

public static class ApproveVettingCaseHandler
{
    public static async Task<(CaseDecision, OutgoingMessages)> Handle(ApproveVettingCase command, IDocumentSession session, IMessageContext context,
        TimeProvider clock, CancellationToken cancellation)
    {
        var (approved, _) = await CaseToDecide.Record(session, command.CaseId,
            x => Decide(x.Case.Aggregate!, x.Clinic.Aggregate!, x.Rules, Actor.Of(context), clock.GetUtcNow(), x.ReferenceData, x.ClaimsChanged),
            cancellation);

        var messages = new OutgoingMessages { new SendVettingDecisionNotice(approved.CaseId) };
        messages.Schedule(new ReverificationDue(approved.ClinicId, approved.CaseId), approved.ReverifyBy);
        return (new CaseDecision(approved.CaseId, approved.ClinicId, CaseStatus.Approved, approved.DecidedBy, approved.DecidedAt, approved.ReverifyBy,
            approved.PreparedBy ?? []), messages);
    }

    /// <summary>Four eyes, then nothing missing (every check passed fresh or waived, no open red flag); re-verification is due after the rules' months.</summary>
    public static (VettingCaseApproved Case, ClinicVettingApproved Clinic) Decide(VettingCase vettingCase, ClinicStanding clinic,
        VettingRuleSet rules, string approver, DateTimeOffset now, IEnumerable<ReferenceDataChange>? referenceData = null,
        IEnumerable<Preparation>? claimChanges = null)
    {
        var preparedBy = vettingCase.EnsureDecidableBy(approver, clinic, referenceData, claimChanges);
        var missing = vettingCase.WhatIsMissing(clinic, rules, now);
        if (missing.Count > 0)
        {
            throw new RuleViolation($"The case cannot be approved yet: {missing.Count} thing(s) missing.", missing);
        }

        var reverifyBy = now.AddMonths(rules.ReverificationMonths);
        return (new VettingCaseApproved(vettingCase.Id, clinic.Id, approver, now, reverifyBy, preparedBy),
            new ClinicVettingApproved(clinic.Id, vettingCase.Id, now, reverifyBy));
    }
}
