using JasperFx;
using JasperFx.Events.Daemon;

namespace ClinicVetting.Infrastructure.Hosting;

/// <summary>
/// Hands a projection shard that Marten's daemon stopped for good back to the daemon's coordinator, which restarts it
/// from its committed progress on whichever node holds the shard's lock.
/// <para>
/// Why: after PostgreSQL restarts, every shard's advisory lock is gone with its connection. For a moment two nodes can
/// run the same shard: the one that held it (its agent still running, the loss not yet noticed) and the one that took
/// the lock when the server came back. The second commit then fails the daemon's progress check
/// (ProgressionProgressOutOfOrderException, nothing half-written) and the daemon stops that agent. Marten's coordinator
/// restarts a paused agent after a while but never a stopped one, so the shard stayed behind for the life of the process
/// (issue 15: ReviewFairnessOverallDay stuck after a restart). Once the stale node has stopped its own copy (it loses the
/// lock), removing the stopped agent lets the lock holder start it again; if the other copy still runs, the restarted
/// agent is stopped again by the same check and retried a cycle later.
/// </para>
/// </summary>
public sealed class StoppedShardRecovery(Marten.Events.Daemon.Coordination.IProjectionCoordinator coordinator, ILogger<StoppedShardRecovery> logger)
    : BackgroundService
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);

    /// <summary>Time for the node that lost the shard's lock to notice and stop its own copy.</summary>
    public static readonly TimeSpan StoppedAtLeast = TimeSpan.FromSeconds(3);

    /// <summary>A shard stopped because another process moved its progress underneath it, long enough ago to try again.</summary>
    public static bool ShouldRestart(AgentStatus status, ShardFailure? failure, DateTimeOffset now) =>
        status == AgentStatus.Stopped
        && failure is { Category: ShardFailureCategory.ProgressionOutOfOrder }
        && now - failure.OccurredAt >= StoppedAtLeast;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(CheckEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    await HandBackStoppedShards();
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Could not check the projection daemon for stopped shards; trying again in {Seconds} s", CheckEvery.TotalSeconds);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task HandBackStoppedShards()
    {
        // The daemon's agents are judged on the system clock: Marten stamps their failures with it, not the domain's clock.
        var now = TimeProvider.System.GetUtcNow();
        foreach (var daemon in await coordinator.AllDaemonsAsync())
        {
            foreach (var agent in daemon.CurrentAgents().Where(x => ShouldRestart(x.Status, x.Failure, now)))
            {
                logger.LogWarning("Projection shard {Shard} was stopped at {StoppedAt} ({Failure}); handing it back to the coordinator to restart from its committed progress",
                    agent.Name.Identity, agent.Failure!.OccurredAt, agent.Failure.Message);
                daemon.EjectPausedShard(agent.Name.Identity);
            }
        }
    }
}
