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
        return await CaseVersion.Append(session, command.CaseId,
            x => Decide(x, command.Check, command.Reason, Actor.Of(context), clock.GetUtcNow()), cancellation);
    }

    /// <summary>
    /// An approver says a check does not apply to this clinic, and why. Never the license or the therapy approval (they need
    /// primary-source evidence), never over a standing blocking finding; the approver has then prepared the case.
    /// </summary>
    public static CheckWaived Decide(VettingCase vettingCase, CheckKind kind, string reason, string approver, DateTimeOffset now)
    {
        vettingCase.EnsureOpen();
        if (Check.NeedsPrimarySource(kind))
        {
            throw new RuleViolation($"The {Check.Label(kind)} check cannot be waived: it needs primary-source evidence ({Check.PrimarySourceWords}).",
                [$"{Check.Label(kind)}: record the evidence of the look-up with the regulator instead of a waiver."])
            {
                Extensions = { ["rule"] = Check.PrimarySourceRule, ["whoMayAct"] = "nobody may waive it; staff record primary-source evidence" },
            };
        }

        var check = vettingCase[kind];
        if (check.Waiver is not null)
        {
            throw new Conflict($"The {Check.Label(kind)} check was already waived by {check.Waiver.WaivedBy}.");
        }

        if (check.HasBlockingFindings)
        {
            throw new RuleViolation($"The {Check.Label(kind)} check cannot be waived while the automatic rules find problems: a waiver says a check does not apply, not that a problem is acceptable.",
                check.Findings.Where(x => x.Blocking).Select(x => $"{Check.Label(kind)}: {x.Message}").ToList())
            {
                Extensions = { ["rule"] = "no-waiver-over-findings", ["whoMayAct"] = "staff correct the clinic's claims; the rules then run again" },
            };
        }

        return new CheckWaived(vettingCase.Id, kind, new Waiver(reason.Trim(), approver, now));
    }
}
