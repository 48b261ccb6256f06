using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting.Cases;

/// <summary>
/// Run the automatic checks of the clinic's open case (after it opens, and whenever claims, rules or regulators change),
/// then, when asked, look the license up at the regulator: one after the other, so they never race on the case.
/// </summary>
public sealed record ApplyVettingRules(Guid ClinicId, bool ThenLookUpLicense = false);

public static class ApplyVettingRulesHandler
{
    public static async Task<OutgoingMessages> Handle(ApplyVettingRules command, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        var messages = new OutgoingMessages();
        var clinicStream = await session.Events.FetchForWriting<ClinicStanding>(command.ClinicId, cancellation);
        if (clinicStream.Aggregate is not { OpenCaseId: { } caseId } clinic)
        {
            return messages;
        }

        var caseStream = await session.Events.FetchForWriting<VettingCase>(caseId, cancellation);
        // No claims document means nothing is claimed yet: every check then says what is missing.
        var claims = await session.LoadAsync<ClinicClaims>(clinic.Id, cancellation) ?? new ClinicClaims { Id = clinic.Id, Country = clinic.Country };
        var regulators = await session.LoadAsync<RegulatorDirectory>(RegulatorDirectory.StreamId, cancellation) ?? new RegulatorDirectory();
        var rules = await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, cancellation) ?? new CurrentVettingRules();
        if (caseStream.Aggregate is not { } vettingCase)
        {
            return messages;
        }

        var now = clock.GetUtcNow();
        var outcome = AutomaticChecks.Evaluate(claims, clinic.CountryName, regulators.For(clinic.Country), rules.Rules, now);
        var (findings, flags) = VettingDecisions.ApplyRules(vettingCase, clinic, outcome, rules.Version, regulators.Version, now);
        if (findings is not null)
        {
            caseStream.AppendOne(findings);
        }

        foreach (var raised in flags)
        {
            clinicStream.AppendOne(raised);
            if (VettingDecisions.SuspendForFlag(clinic, raised.Flag, now) is { } suspension)
            {
                clinicStream.AppendOne(suspension);
            }
        }

        if (command.ThenLookUpLicense)
        {
            messages.Add(new LookUpLicense(clinic.Id));
        }

        return messages;
    }
}
