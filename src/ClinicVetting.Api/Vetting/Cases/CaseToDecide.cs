using ClinicVetting.Vetting.ReferenceData;
using JasperFx.Events;

namespace ClinicVetting.Vetting.Cases;

/// <summary>
/// What approving or rejecting a case reads: its stream, its clinic's stream, the rules in force, who changed the reference data,
/// who changed the clinic's claims while the case was open.
/// </summary>
public sealed record CaseToDecide(IEventStream<VettingCase> Case, IEventStream<ClinicStanding> Clinic, VettingRuleSet Rules,
    IReadOnlyList<ReferenceDataChange> ReferenceData, IReadOnlyList<Preparation> ClaimsChanged)
{
    public static async Task<CaseToDecide> Fetch(IDocumentSession session, Guid caseId, CancellationToken cancellation)
    {
        var (caseStream, vettingCase) = await session.Events.FetchExisting<VettingCase>(caseId, "Vetting case", cancellation);
        var clinicStream = await session.Events.FetchForWriting<ClinicStanding>(vettingCase.ClinicId, cancellation);
        var rules = await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, cancellation) ?? new CurrentVettingRules();
        return new CaseToDecide(caseStream, clinicStream, rules.Rules, await ReferenceDataChange.All(session, rules, cancellation),
            await ClaimChanges.During(session, vettingCase, cancellation));
    }

    /// <summary>Fetches what deciding the case reads, and appends the decision to the case and to its clinic.</summary>
    public static async Task<(TCase Case, TClinic Clinic)> Record<TCase, TClinic>(IDocumentSession session, Guid caseId,
        Func<CaseToDecide, (TCase, TClinic)> decide, CancellationToken cancellation) where TCase : notnull where TClinic : notnull
    {
        var toDecide = await Fetch(session, caseId, cancellation);
        var (caseDecided, clinicDecided) = decide(toDecide);
        toDecide.Case.AppendOne(caseDecided);
        toDecide.Clinic.AppendOne(clinicDecided);
        return (caseDecided, clinicDecided);
    }
}
