using ClinicVetting.Infrastructure.Hosting;

namespace ClinicVetting.Demo;

/// <summary>
/// Loads the demo when ClinicVetting:LoadDemoData is on, before the server starts listening.
/// Each step runs once per database, whatever the number of restarts.
/// </summary>
public sealed class DemoDataLoader(IServiceProvider services, AppOptions options, TimeProvider clock, ILogger<DemoDataLoader> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellation)
    {
        if (!options.LoadDemoData)
        {
            return;
        }

        var store = services.GetRequiredService<IDocumentStore>();
        var context = new DemoContext(services, clock, logger);
        foreach (var step in DemoData.Steps)
        {
            await using var query = store.QuerySession();
            if (await query.LoadAsync<DemoDataMarker>(step.Name, cancellation) is not null)
            {
                logger.LogInformation("Demo data: {Step} already loaded", step.Name);
                continue;
            }

            logger.LogInformation("Demo data: loading {Step}", step.Name);
            await step.Run(context, cancellation);

            await using var session = store.LightweightSession();
            session.Store(new DemoDataMarker { Id = step.Name, LoadedAt = clock.GetUtcNow() });
            await session.SaveChangesAsync(cancellation);
            logger.LogInformation("Demo data: {Step} loaded", step.Name);
        }
    }

    public Task StopAsync(CancellationToken cancellation) => Task.CompletedTask;
}
