using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClinicVetting.Infrastructure.Hosting;

/// <summary>
/// A node told to stop (SIGTERM, a deploy) first reports itself not ready and keeps serving for
/// ClinicVetting:Cluster:DrainSeconds, so the proxy's health check sends new requests elsewhere before the node stops
/// listening; requests it already has are finished either way.
/// </summary>
public sealed class NodeDrain(IHostApplicationLifetime lifetime, IConfiguration configuration, ILogger<NodeDrain> logger) : IHealthCheck, IHostedService
{
    public const string DrainSecondsKey = "ClinicVetting:Cluster:DrainSeconds";

    private volatile bool _draining;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation = default) =>
        Task.FromResult(_draining ? HealthCheckResult.Unhealthy("This node is stopping.") : HealthCheckResult.Healthy());

    public Task StartAsync(CancellationToken cancellation)
    {
        var drain = TimeSpan.FromSeconds(configuration.GetValue(DrainSecondsKey, 0.0));
        lifetime.ApplicationStopping.Register(() =>
        {
            _draining = true;
            if (drain <= TimeSpan.Zero) return;
            logger.LogInformation("Stopping: not ready, still serving for {Seconds} s", drain.TotalSeconds);
            // Blocks the shutdown on purpose: the server keeps listening meanwhile.
            Thread.Sleep(drain);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellation) => Task.CompletedTask;
}
