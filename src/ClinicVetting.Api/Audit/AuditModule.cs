using ClinicVetting.Audit.Integrity;

namespace ClinicVetting.Audit;

/// <summary>Audit: reading the log, replaying editions and clinic files, and the tamper-evident log. It reads; it writes no event.</summary>
public static class AuditModule
{
    public static void AddAudit(this WebApplicationBuilder builder)
    {
        // The replay finds the clinics, reviews and regulators by event type instead of reading the whole log.
        builder.Services.ConfigureMarten(opts => opts.Events.EnableEventTypeIndex = true);
        builder.Services.AddSingleton<LogReplayer>();
        builder.Services.AddSingleton<EditionReplayer>();
        builder.AddLogIntegrity();
    }
}
