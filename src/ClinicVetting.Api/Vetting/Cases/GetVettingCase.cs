using ClinicVetting.Vetting.Documents;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting.Cases;

public sealed record EvidenceView(Guid EvidenceId, EvidenceOutcome Outcome, EvidenceSource Source, string Reference, DateTimeOffset ObtainedAt,
    string? Note, string RecordedBy, DateTimeOffset RecordedAt, int AgeDays, bool Fresh, IReadOnlyList<EvidenceDocumentLink> Documents);

public sealed record CheckView(CheckKind Kind, string Route, string Label, CheckStatus Status, IReadOnlyList<Finding> Findings,
    IReadOnlyList<EvidenceView> Evidence, Waiver? Waiver);

/// <summary>
/// A case as staff and approvers read it: each check with its evidence and age, who did what, what approval still needs,
/// and who prepared it (so may not decide it; once decided, as the decision recorded them).
/// </summary>
public sealed record VettingCaseView(
    Guid Id,
    long Version,
    Guid ClinicId,
    string ClinicName,
    string Country,
    CaseOpening Opening,
    CaseStatus Status,
    string OpenedBy,
    DateTimeOffset OpenedAt,
    IReadOnlyList<CheckView> Checks,
    IReadOnlyList<LicenseLookupTask> LookupTasks,
    IReadOnlyList<RedFlagState> RedFlags,
    IReadOnlyList<string> MissingForApproval,
    long? RulesVersion,
    long? RegulatorsVersion,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? RejectionReason,
    DateTimeOffset? ReverifyBy,
    DateTimeOffset? NoticeSentAt,
    IReadOnlyList<string> PreparedBy)
{
    public static VettingCaseView Of(VettingCase vettingCase, ClinicStanding clinic, VettingRuleSet rules, DateTimeOffset now,
        IEnumerable<ReferenceDataChange>? referenceData = null, IEnumerable<Preparation>? claimChanges = null) => new(
        vettingCase.Id, vettingCase.Version, clinic.Id, clinic.Name, clinic.Country, vettingCase.Opening, vettingCase.Status,
        vettingCase.OpenedBy, vettingCase.OpenedAt,
        vettingCase.Checks.Select(check => new CheckView(check.Kind, CheckRoute.NameOf(check.Kind), Check.Label(check.Kind), check.Status,
            check.Findings,
            check.Evidence.Select(e =>
            {
                var age = (int)Math.Floor((now - e.ObtainedAt).TotalDays);
                return new EvidenceView(e.EvidenceId, e.Outcome, e.Source, e.Reference, e.ObtainedAt, e.Note, e.RecordedBy, e.RecordedAt,
                    age, age <= rules.EvidenceFreshnessDays, (e.Documents ?? []).Select(x => EvidenceDocumentLink.Of(vettingCase.Id, x)).ToList());
            }).ToList(),
            check.Waiver)).ToList(),
        vettingCase.LookupTasks,
        clinic.RedFlags.Where(x => x.IsOpen || x.Flag.CaseId == vettingCase.Id).ToList(),
        vettingCase.Status == CaseStatus.Open ? vettingCase.WhatIsMissing(clinic, rules, now) : [],
        vettingCase.RulesVersion, vettingCase.RegulatorsVersion, vettingCase.DecidedBy, vettingCase.DecidedAt, vettingCase.RejectionReason,
        vettingCase.ReverifyBy, vettingCase.NoticeSentAt,
        vettingCase.Status == CaseStatus.Open
            ? Preparation.People(vettingCase.PreparationOf(clinic, referenceData, claimChanges))
            : vettingCase.PreparedBy);
}

public static class GetVettingCaseEndpoint
{
    /// <summary>A vetting case: checks, evidence and its age, red flags, decision, and what approval still needs.</summary>
    [WolverineGet("/api/vetting/cases/{caseId}", OperationId = "GetVettingCase"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Vetting")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<VettingCaseView?> Get(Guid caseId, IQuerySession session, TimeProvider clock, HttpResponse response,
        CancellationToken cancellation)
    {
        var vettingCase = await session.LoadAsync<VettingCase>(caseId, cancellation);
        if (vettingCase is null)
        {
            return null;
        }

        var clinic = await session.LoadAsync<ClinicStanding>(vettingCase.ClinicId, cancellation);
        var rules = await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, cancellation) ?? new CurrentVettingRules();
        response.Headers.ETag = ETags.Of(vettingCase.Version);
        return VettingCaseView.Of(vettingCase, clinic!, rules.Rules, clock.GetUtcNow(),
            await ReferenceDataChange.All(session, rules, cancellation),
            vettingCase.Status == CaseStatus.Open ? await ClaimChanges.During(session, vettingCase, cancellation) : []);
    }
}
