using System.Diagnostics;
using System.Text.Json;
using ClinicVetting.Audit;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using Marten;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace ClinicVetting.Benchmarks;

/// <summary>P4 and P5: the application in this process (no HTTP) against a large generated log.</summary>
public sealed class LogScenarios(IServiceProvider services, string connectionString)
{
    private IDocumentStore Store => services.GetRequiredService<IDocumentStore>();

    public async Task<long> EventCount()
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents().CountAsync();
    }

    public async Task<Ratio> P4(long events)
    {
        var watch = Stopwatch.StartNew();
        TimeSpan stats;
        using (var daemon = await Store.BuildProjectionDaemonAsync())
        {
            await daemon.RebuildProjectionAsync(nameof(ClinicReviewStats), CancellationToken.None);
            stats = watch.Elapsed;
            await daemon.RebuildProjectionAsync(nameof(Ranking.PublicFeed.PublicRanking), CancellationToken.None);
        }

        var both = watch.Elapsed;
        var rebuild = events / both.TotalSeconds;

        var serializer = Store.Options.Serializer();
        watch.Restart();
        long scanned = 0;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select mt_dotnet_type, data from clinicvetting.mt_events order by seq_id", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var types = new Dictionary<string, Type>();
            while (await reader.ReadAsync())
            {
                var name = reader.GetString(0);
                if (!types.TryGetValue(name, out var type))
                {
                    types[name] = type = Type.GetType(name)!;
                }

                await using var json = await reader.GetStreamAsync(1);
                _ = serializer.FromJson(type, json);
                scanned++;
            }
        }

        var raw = scanned / watch.Elapsed.TotalSeconds;
        return new Ratio("P4", "Rebuilding the review and ranking projections",
            $"{rebuild:N0} events of the log per second to rebuild ClinicReviewStats ({stats.TotalSeconds:N1} s) then PublicRanking ({(both - stats).TotalSeconds:N1} s) from scratch ({events:N0} events)",
            $"{raw:N0} events/s for an ordered scan of the same table with JSON deserialization", rebuild / raw,
            "share of a raw scan's speed the rebuild keeps");
    }

    public async Task<(Ratio Ratio, ReplayReport Report)> P5(int clinics, long events)
    {
        var snapshots = services.GetRequiredService<RankingSnapshotReader>();
        var watch = Stopwatch.StartNew();
        var snapshot = await snapshots.Read(CancellationToken.None);
        var proposed = ProposeRankingHandler.Decide(Guid.CreateVersion7(), snapshot, "bench-staff", DateTimeOffset.UtcNow);
        var proposal = watch.Elapsed;

        var created = await Invoke<NewRankingProposal>("bench-staff", new ProposeRanking(Guid.CreateVersion7()));
        var edition = await Invoke<NewEdition>("bench-approver", new ApproveRankingProposal(created.Id, []));

        var replayer = services.GetRequiredService<EditionReplayer>();
        var published = await replayer.Published(edition.Edition, CancellationToken.None);
        watch.Restart();
        var report = await replayer.Replay(published!, CancellationToken.None);
        var replay = watch.Elapsed;

        return (new Ratio("P5", "Auditor replay against the original proposal",
            $"replay of edition {edition.Edition} in {replay.TotalSeconds:N2} s ({report.EventsRead:N0} events read; matches: {report.Matches})",
            $"the proposal in {proposal.TotalSeconds:N2} s ({clinics:N0} clinics, {proposed.Computation.Ranked.Count:N0} ranked, {events:N0} events in the log)",
            replay.TotalSeconds / proposal.TotalSeconds, "how many proposals one replay costs"), report);
    }

    private async Task<T> Invoke<T>(string user, object command)
    {
        await using var scope = services.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        ((IMessageContext)bus).UserName = user;
        return await bus.InvokeAsync<T>(command);
    }
}
