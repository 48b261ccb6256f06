using ClinicVetting.Infrastructure.Hosting;

namespace ClinicVetting.Audit.Integrity;

/// <summary>The tamper-evident event log: the hash chain written by PostgreSQL, signed seals, and their verification.</summary>
public static class IntegrityModule
{
    public static void AddLogIntegrity(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(opts =>
        {
            opts.Storage.Add<HashChainSchema>();
            // The feature's index on mt_streams: Marten's migration of its own table would otherwise drop it.
            opts.Events.IgnoreIndex(StreamTimestampIndex.Name);
            opts.Schema.For<SealVerdict>();
            opts.Schema.For<DocumentVerdict>();
            opts.Schema.For<DocumentAttachmentMark>();
            opts.Schema.For<LogReverification>();
        });
        var options = AuditOptions.From(builder.Configuration);
        builder.Services.AddSingleton(options);
        // Resolved on first use, so commands such as db-apply run without a key; serving resolves it at start.
        builder.Services.AddSingleton(services => SealKey.Resolve(options, AppOptions.From(builder.Configuration),
            services.GetRequiredService<IHostEnvironment>()));
        builder.Services.AddSingleton<AuditSealer>();
        builder.Services.AddSingleton<DocumentCheck>();
        builder.Services.AddSingleton<IntegrityVerifier>();
        builder.Services.AddHostedService<HashChainInstaller>();
        builder.Services.AddHostedService<LogSealingService>();
        builder.Services.AddSingleton<LogReverificationRunner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LogReverificationRunner>());
    }
}

/// <summary>
/// Installs the hash chain on start where Marten creates its own tables (development, tests); with AutoCreate None,
/// db-apply does it. Runs before anything appends: the demo loader and the HTTP server start after it.
/// </summary>
internal sealed class HashChainInstaller(IDocumentStore store) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellation) =>
        await store.Storage.Database.EnsureStorageExistsAsync(typeof(HashChainSchema), cancellation);

    public Task StopAsync(CancellationToken cancellation) => Task.CompletedTask;
}
