using Wolverine;

namespace ClinicVetting.Infrastructure.Hosting;

/// <summary>
/// N nodes on one PostgreSQL (docs/operations.md, "Running N nodes"): Wolverine's durability agent elects a leader in
/// the message store, every node polls the store's scheduled messages under an advisory lock (each runs once), and a
/// dead node's inbox and outbox are released to the survivors once its heartbeat is stale.
/// </summary>
public static class Cluster
{
    /// <summary>How often a node that does not run the projections tries to take the daemon's lock.</summary>
    public static readonly TimeSpan LeadershipPolling = TimeSpan.FromSeconds(1);

    /// <summary>Balanced mode (the default; tests run Solo) with failure detection measured in seconds, not minutes.</summary>
    public static void Configure(DurabilitySettings durability)
    {
        // A node's heartbeat; a node silent for NodeTimeout (twice in a row) is ejected and its messages go to the others.
        durability.HealthCheckPollingTime = TimeSpan.FromSeconds(2);
        durability.StaleNodeTimeout = TimeSpan.FromSeconds(10);
        durability.ScheduledJobPollingTime = TimeSpan.FromSeconds(1);
        durability.OrphanedMessageSweepPollingTime = TimeSpan.FromSeconds(2);
    }
}
