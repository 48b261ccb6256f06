using Marten;

namespace ClinicVetting.Audit;

public static class AuditModule
{
    public static void Configure(StoreOptions opts) => opts.Events.AddEventTypes(LogReplayer.Relevant);

    public static void AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<LogReplayer>();
        services.AddSingleton<EditionReplayer>();
    }
}
