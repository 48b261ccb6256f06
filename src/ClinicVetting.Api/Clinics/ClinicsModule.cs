using ClinicVetting.Clinics.Claims;
using JasperFx.Events.Projections;

namespace ClinicVetting.Clinics;

/// <summary>The clinic registry and what clinics claim: the clinic's stream, its profile and its claims.</summary>
public static class ClinicsModule
{
    /// <summary>Every event the registry writes; known to Marten from the start, so any process reads old ones before it writes one.</summary>
    public static readonly Type[] Events =
    [
        typeof(ClinicRegistered), typeof(ClinicProfileUpdated),
        typeof(LicenseClaimed), typeof(AccreditationClaimed), typeof(TherapyClaimed), typeof(TeamMemberClaimed), typeof(ProtocolClaimed),
        typeof(MedicalEvaluationDescribed), typeof(AftercareDescribed), typeof(MarketingTextCaptured), typeof(ClaimWithdrawn),
    ];

    public static void AddClinics(this WebApplicationBuilder builder) => builder.Services.AddClaimCreationToOpenApi().ConfigureMarten(opts =>
    {
        opts.Events.AddEventTypes(Events);

        opts.Projections.Snapshot<ClinicProfile>(SnapshotLifecycle.Inline);
        opts.Schema.For<ClinicProfile>()
            .UniqueIndex(x => x.IdentityKey)
            .Index(x => x.Country)
            // Lists that need only the names of many clinics (the fairness report sorts all of a period's) read this column, not each whole profile.
            .Duplicate(x => x.Name)
            .GinIndexJsonData();

        opts.Projections.Snapshot<ClinicClaims>(SnapshotLifecycle.Inline);
    });
}
