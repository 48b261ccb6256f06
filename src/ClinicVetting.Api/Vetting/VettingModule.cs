using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Monitoring;
using ClinicVetting.Vetting.ReferenceData;
using JasperFx.Events.Projections;
using Marten;

namespace ClinicVetting.Vetting;

public static class VettingModule
{
    public static void Configure(StoreOptions opts)
    {
        opts.Projections.Snapshot<ClinicClaims>(SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<VettingCase>(SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<RegulatorDirectory>(SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<CurrentVettingRules>(SnapshotLifecycle.Inline);

        opts.Schema.For<VettingCase>().Index(x => x.ClinicId).Index(x => x.Status);
        opts.Schema.For<StaffNotification>().Index(x => x.ClinicId).Index(x => x.CreatedAt);
        opts.Schema.For<ClinicNotice>().Index(x => x.ClinicId);
    }

    public static void Configure(Wolverine.WolverineOptions opts) =>
        // One clinic's rules at a time: the claims recorded in a burst re-run them, and they would race on the case.
        opts.LocalQueueFor<ApplyVettingRules>().Sequential();

    public static void AddVetting(this IServiceCollection services)
    {
        services.AddHttpClient(HttpLicenseRegistry.ClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<HttpLicenseRegistry>();
        services.AddSingleton<StaffLicenseLookup>();
        services.AddSingleton<LicenseRegistries>();
    }
}
