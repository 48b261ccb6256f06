namespace ClinicVetting.Audit;

public static class AuditModule
{
    public static void AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<LogReplayer>();
        services.AddSingleton<EditionReplayer>();
    }
}
