using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicVetting.IntegrationTests.Support;

public static class ProjectionCatchUp
{
    /// <summary>How many times a catch-up is run again while a shard is still behind the last event (a gap still held).</summary>
    private const int Attempts = 20;

    /// <summary>
    /// Runs the daemon's catch-up until every async shard has applied the last event in the log; throws with the shards'
    /// errors when the catch-up reports any, and with the shards still behind when repeating it does not bring them up.
    /// </summary>
    public static async Task CatchUpProjections(this IAlbaHost host)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var behind = new List<string>();
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var errors = await Marten.Events.TestingExtensions.ForceAllMartenDaemonActivityToCatchUpAsync(host, CancellationToken.None,
                Marten.Events.CatchUpMode.AndDoNothing);
            if (errors.Count > 0 && !(attempt < Attempts && errors.All(TornDown)))
            {
                throw new AggregateException("The async projections could not catch up", errors);
            }

            behind = await ShardsBehind(store);
            if (behind.Count == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"The async projections stayed behind the last event after {Attempts} catch-ups: {string.Join(", ", behind)}");
    }

    /// <summary>
    /// An error of the catch-up's own machinery, not of a projection: a load still in flight when the agents it ran were
    /// disposed (seen right after a test rewound a subscription, which restarts its agent beside the catch-up's). The
    /// catch-up is run again, and whether every shard reached the last event is still checked.
    /// </summary>
    private static bool TornDown(Exception error) => error switch
    {
        ObjectDisposedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(TornDown),
        _ => error.InnerException is { } inner && TornDown(inner),
    };

    /// <summary>
    /// The store's async shards whose recorded progress is below the last committed event (each with its progress and that
    /// event); a shard with no progress recorded at all is behind from the first event.
    /// </summary>
    public static async Task<List<string>> ShardsBehind(IDocumentStore store)
    {
        await using var session = store.QuerySession();
        var last = await session.Events.QueryAllRawEvents().OrderByDescending(x => x.Sequence).Select(x => x.Sequence).FirstOrDefaultAsync();
        var progress = (await store.Advanced.AllProjectionProgress()).ToDictionary(x => x.ShardName, x => x.Sequence);
        return ((DocumentStore)store).Options.Projections.AllShards().Select(x => x.Name.Identity)
            .Select(shard => (Shard: shard, Sequence: progress.GetValueOrDefault(shard)))
            .Where(x => x.Sequence < last)
            .Select(x => $"{x.Shard} at {(progress.ContainsKey(x.Shard) ? x.Sequence : "no progress recorded")} of {last}")
            .ToList();
    }
}
