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
        var (findings, flags) = Decide(vettingCase, clinic, outcome, rules.Version, regulators.Version, now);
        if (findings is not null)
        {
            caseStream.AppendOne(findings);
        }

        foreach (var raised in flags)
        {
            clinicStream.AppendOne(raised);
            if (clinic.SuspensionFor(raised.Flag, now) is { } suspension)
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

    /// <summary>The rules' findings, only when they differ from what the case holds; and the flags not raised before.</summary>
    public static (AutomaticRulesApplied? Findings, IReadOnlyList<RedFlagRaised> Flags) Decide(VettingCase vettingCase, ClinicStanding clinic,
        AutomaticOutcome outcome, long rulesVersion, long regulatorsVersion, DateTimeOffset now)
    {
        if (vettingCase.Status != CaseStatus.Open)
        {
            return (null, []);
        }

        var changed = vettingCase.RulesVersion != rulesVersion || vettingCase.RegulatorsVersion != regulatorsVersion
            || vettingCase.Checks.Any(check => !check.Findings.SequenceEqual(outcome.Findings.GetValueOrDefault(check.Kind) ?? []));
        var findings = changed
            ? new AutomaticRulesApplied(vettingCase.Id, outcome.Findings, rulesVersion, regulatorsVersion, now)
            : null;

        var known = clinic.RedFlags.Select(x => x.Flag.Key).ToHashSet();
        var flags = outcome.RedFlags
            .Where(flag => !known.Contains(flag.Key))
            .Select(flag => new RedFlagRaised(clinic.Id, new RedFlag(Guid.CreateVersion7(), flag.Key, flag.Category, flag.Description,
                flag.Excerpt, Automatic: true, vettingCase.Id, "system:vetting-rules", now)))
            .ToList();
        return (findings, flags);
    }
}
