namespace ClinicVetting.Vetting.Cases;

public sealed record EvidenceBody(
    EvidenceOutcome Outcome,
    EvidenceSource Source,
    [property: FieldLimit(MaxLength = 2000)] string Reference,
    DateTimeOffset ObtainedAt,
    [property: FieldLimit(MaxLength = 4000)] string? Note = null) : IHasExample<EvidenceBody>
{
    public static EvidenceBody Example => new(EvidenceOutcome.Passed, EvidenceSource.RegistryPage, "https://www.tmc.or.th/check_prc.php?num=10293",
        new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero), "Licence TMC-10293 is on the register, valid until 2027-12-31");

    public FieldErrors Validate() => new FieldErrors()
        .WithinLimits(this)
        .Present("reference", Reference)
        .When(ObtainedAt == default, "obtainedAt", "is required");
}

public sealed record EvidenceInput(EvidenceOutcome Outcome, EvidenceSource Source, string Reference, DateTimeOffset ObtainedAt, string? Note);

public sealed record RecordEvidence(Guid CaseId, CheckKind Check, EvidenceInput Evidence);

public sealed record CaseVersion(Guid CaseId, long Version)
{
    /// <summary>Appends what <paramref name="decide"/> makes of the case (404 when there is none); the case's version after.</summary>
    public static async Task<CaseVersion> Append(IDocumentSession session, Guid caseId, Func<VettingCase, object> decide, CancellationToken cancellation)
    {
        var (stream, vettingCase) = await session.Events.FetchExisting<VettingCase>(caseId, "Vetting case", cancellation);
        stream.AppendOne(decide(vettingCase));
        return new CaseVersion(vettingCase.Id, stream.CurrentVersion ?? 0);
    }
}

public static class RecordEvidenceEndpoint
{
    public static ProblemDetails Validate(EvidenceBody evidence) => evidence.Validate().ToProblem();

    /// <summary>
    /// Record evidence on one of the nine checks (license, therapy-approval, accreditations, cell-source, medical-team,
    /// treatment-protocol, medical-evaluation, post-treatment-support, claims-and-communication): the outcome, what was
    /// looked at, its reference, when it was obtained. A check cannot pass while the automatic rules find a problem.
    /// </summary>
    [WolverinePost("/api/vetting/cases/{caseId}/checks/{check}/evidence", OperationId = "RecordEvidence"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Vetting")]
    public static Task<CaseVersion> Post(Guid caseId, string check, EvidenceBody evidence, IMessageBus bus) =>
        bus.InvokeAsync<CaseVersion>(new RecordEvidence(caseId, CheckRoute.Parse(check),
            new EvidenceInput(evidence.Outcome, evidence.Source, evidence.Reference, evidence.ObtainedAt, evidence.Note)));
}

public static class RecordEvidenceHandler
{
    public static async Task<CaseVersion> Handle(RecordEvidence command, IDocumentSession session, IMessageContext context, TimeProvider clock,
        CancellationToken cancellation)
    {
        return await CaseVersion.Append(session, command.CaseId,
            x => Decide(x, command.Check, command.Evidence, Actor.Of(context), clock.GetUtcNow()), cancellation);
    }

    /// <summary>
    /// On an open case, never obtained in the future; a check passes only without blocking findings and, for the license and
    /// the therapy approval, only on primary-source evidence.
    /// </summary>
    public static EvidenceRecorded Decide(VettingCase vettingCase, CheckKind kind, EvidenceInput input, string recordedBy, DateTimeOffset now)
    {
        vettingCase.EnsureOpen();
        if (input.ObtainedAt > now.AddMinutes(5))
        {
            throw new RuleViolation("Evidence cannot be obtained in the future.", [$"obtainedAt {input.ObtainedAt:O} is after now ({now:O})"]);
        }

        var check = vettingCase[kind];
        if (input.Outcome == EvidenceOutcome.Passed && check.HasBlockingFindings)
        {
            throw new RuleViolation($"The {Check.Label(kind)} check cannot pass while the automatic rules find problems.",
                check.Findings.Where(x => x.Blocking).Select(x => x.Message).ToList());
        }

        if (input.Outcome == EvidenceOutcome.Passed && Check.NeedsPrimarySource(kind) && !Check.IsPrimarySource(input.Source))
        {
            throw new RuleViolation($"The {Check.Label(kind)} check passes only on primary-source evidence: {Check.PrimarySourceWords}.",
                [$"A {input.Source} is not a primary source for the {Check.Label(kind)} check."])
            {
                Extensions = { ["rule"] = Check.PrimarySourceRule, ["whoMayAct"] = "staff who confirmed it with the regulator itself" },
            };
        }

        return new EvidenceRecorded(vettingCase.Id, kind, new Evidence(Guid.CreateVersion7(), input.Outcome, input.Source,
            input.Reference.Trim(), input.ObtainedAt, input.Note?.Trim(), recordedBy, now));
    }
}
