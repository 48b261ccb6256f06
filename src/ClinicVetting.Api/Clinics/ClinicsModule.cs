using JasperFx.Events.Projections;
using Marten;
using Weasel.Postgresql.Tables;

namespace ClinicVetting.Clinics;

public static class ClinicsModule
{
    public static void Configure(StoreOptions opts)
    {
        opts.Projections.Snapshot<ClinicProfile>(SnapshotLifecycle.Inline);
        opts.Schema.For<ClinicProfile>()
            .UniqueIndex(x => x.IdentityKey)
            .Index(x => x.Country)
            .Index(x => x.Status)
            .GinIndexJsonData();
    }
}
