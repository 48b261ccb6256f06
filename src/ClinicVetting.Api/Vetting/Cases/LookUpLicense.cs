using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.Monitoring;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Vetting.Cases;

/// <summary>Check the license of the clinic's open case at its primary source, the regulator (adapters: LicenseRegistries.cs).</summary>
public sealed record LookUpLicense(Guid ClinicId);

public static class LookUpLicenseHandler
{
    public const string RegistryUser = "system:license-registry";

    public static async Task Handle(LookUpLicense command, IDocumentSession session, LicenseRegistries registries, TimeProvider clock,
        CancellationToken cancellation)
    {
        var clinic = await session.LoadAsync<ClinicStanding>(command.ClinicId, cancellation);
        if (clinic?.OpenCaseId is not { } caseId)
        {
            return;
        }

        var claims = await session.LoadAsync<ClinicClaims>(clinic.Id, cancellation);
        var regulators = await session.LoadAsync<RegulatorDirectory>(RegulatorDirectory.StreamId, cancellation);
        var caseStream = await session.Events.FetchForWriting<VettingCase>(caseId, cancellation);
        if (regulators?.For(clinic.Country) is not { } regulator || claims is null || caseStream.Aggregate is not { Status: CaseStatus.Open } vettingCase
            || LicenseToLookUp(claims, regulator) is not { } license)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var outcome = await registries.For(regulator).LookUp(regulator, license, clinic.Name, now, cancellation);
        switch (Decide(vettingCase, regulator, outcome, now))
        {
            case EvidenceRecorded recorded:
                caseStream.AppendOne(recorded);
                break;
            case LicenseLookupRequested requested:
                caseStream.AppendOne(requested);
                session.Store(StaffNotification.Of(NotificationKind.LicenseLookupNeeded, clinic.Id, clinic.Name, requested.Task.Instructions, now,
                    caseId: caseId));
                break;
        }
    }

    /// <summary>Of the licenses issued by the country's regulator, the one valid longest: the one its registry is asked about.</summary>
    public static LicenseClaim? LicenseToLookUp(ClinicClaims claims, Regulator regulator) =>
        claims.Licenses.Where(x => regulator.Issued(x.IssuedBy)).MaxBy(x => x.ValidUntil);

    /// <summary>
    /// What the regulator's answer records on the case: its evidence, under the registry's user; or a look-up for staff, unless
    /// the same one already waits (the rules run again on every claim and would ask again). Null: nothing to record.
    /// </summary>
    public static object? Decide(VettingCase vettingCase, Regulator regulator, LicenseLookupOutcome outcome, DateTimeOffset now) => outcome switch
    {
        LicenseEvidenceFromSource confirmed => new EvidenceRecorded(vettingCase.Id, CheckKind.License, new Evidence(Guid.CreateVersion7(),
            confirmed.Evidence.Outcome, confirmed.Evidence.Source, confirmed.Evidence.Reference, confirmed.Evidence.ObtainedAt,
            confirmed.Evidence.Note, RegistryUser, now)),
        LicenseLookupForStaff task when !vettingCase.LookupTasks.Any(x => x.Instructions == task.Instructions) =>
            new LicenseLookupRequested(vettingCase.Id,
                new LicenseLookupTask(Guid.CreateVersion7(), regulator.Authority, regulator.RegistryUrl, task.Instructions, now)),
        _ => null,
    };
}
