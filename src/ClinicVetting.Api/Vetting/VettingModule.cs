using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Documents;
using ClinicVetting.Vetting.Monitoring;
using ClinicVetting.Vetting.ReferenceData;
using JasperFx.Events.Projections;

namespace ClinicVetting.Vetting;

/// <summary>Vetting: cases and their checks, a clinic's standing, monitoring, and the reference data the checks use.</summary>
public static class VettingModule
{
    /// <summary>Every event vetting writes; known to Marten from the start, so any process reads old ones before it writes one.</summary>
    public static readonly Type[] Events =
    [
        typeof(RedFlagRaised), typeof(RedFlagCleared), typeof(ClinicVettingCaseOpened), typeof(ClinicVettingApproved), typeof(ClinicVettingRejected),
        typeof(CredentialExpiryReminderIssued), typeof(CredentialLapsed), typeof(ReverificationFellDue), typeof(ClinicSuspended),
        typeof(LapsedCredentialReverified), typeof(ClinicReinstated),
        typeof(VettingCaseOpened), typeof(AutomaticRulesApplied), typeof(LicenseLookupRequested), typeof(EvidenceRecorded), typeof(CheckWaived),
        typeof(EvidenceDocumentsAttached),
        typeof(VettingCaseApproved), typeof(VettingCaseRejected), typeof(VettingDecisionNoticeSent),
        typeof(RegulatorRecorded), typeof(RegulatorRemoved), typeof(VettingRulesPublished),
    ];

    public static void AddVetting(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpClient(HttpLicenseRegistry.ClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<HttpLicenseRegistry>();
        services.AddSingleton<StaffLicenseLookup>();
        services.AddSingleton<LicenseRegistries>();
        services.AddSingleton<IContraindicationCatalog, VettingRulesContraindications>();
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", openApi => openApi.AddOperationTransformer(CheckRouteInOpenApi.Describe));
        services.AddSingleton(EvidenceDocumentOptions.From(builder.Configuration));
        services.AddSingleton<IEvidenceDocumentStore, PostgresEvidenceDocumentStore>();
        services.AddHostedService<EvidenceDocumentSchemaInstaller>();

        services.ConfigureMarten(opts =>
        {
            opts.Events.AddEventTypes(Events);
            opts.Storage.Add<EvidenceDocumentSchema>();

            opts.Projections.Snapshot<ClinicStanding>(SnapshotLifecycle.Inline);
            opts.Schema.For<ClinicStanding>().Index(x => x.Status).Index(x => x.Country);
            opts.Projections.Snapshot<VettingCase>(SnapshotLifecycle.Inline);
            opts.Schema.For<VettingCase>().Index(x => x.ClinicId).Index(x => x.Status);
            opts.Projections.Snapshot<RegulatorDirectory>(SnapshotLifecycle.Inline);
            opts.Projections.Snapshot<CurrentVettingRules>(SnapshotLifecycle.Inline);

            opts.Schema.For<StaffNotification>().Index(x => x.ClinicId).Index(x => x.CreatedAt);
            opts.Schema.For<ClinicNotice>().Index(x => x.ClinicId);
        });
        services.InitializeMartenWith<ReferenceDataSeed>();
        services.InitializeMartenWith<ClinicStandingBackfill>();

        services.ConfigureWolverine(opts =>
            // One clinic's rules at a time: the claims recorded in a burst re-run them, and they would race on the case.
            opts.LocalQueueFor<ApplyVettingRules>().Sequential());
    }
}
