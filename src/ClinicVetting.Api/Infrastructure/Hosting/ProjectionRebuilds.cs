using System.Diagnostics;
using JasperFx.Core;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Descriptors;
using JasperFx.Events.Projections;

namespace ClinicVetting.Infrastructure.Hosting;

/// <summary>
/// A capability's own rebuild of one of its projections from scratch, faster than Marten's daemon rebuild and with the same
/// documents and the same progression mark at the end (so the daemon goes on after it as after Marten's).
/// </summary>
public interface IProjectionRebuild
{
    /// <summary>The projection's name, as Marten's daemon knows it.</summary>
    string Projection { get; }

    /// <summary>Rebuilds it; <paramref name="daemon"/> is the daemon the caller rebuilds the other projections with (its high-water mark is the rebuild's).</summary>
    Task Rebuild(IProjectionDaemon daemon, CancellationToken cancellation);
}

/// <summary>
/// A projection whose reads rely on index-only scans of its documents (<see cref="DocumentType"/>): a rebuild rewrites every
/// one of them, and until the table is vacuumed (its visibility map set) and analyzed, those reads visit the table as well,
/// most of it (the fairness report's page: 295 ms right after a rebuild against 59 ms once vacuumed, at 10,000 clinics).
/// So <see cref="ProjectionRebuilds"/> vacuums and analyzes its table right after rebuilding it.
/// </summary>
public sealed record VacuumedAfterRebuild(string Projection, Type DocumentType);

/// <summary>
/// The one way to rebuild a projection here: by its capability's own rebuild when it has one (<see cref="IProjectionRebuild"/>,
/// e.g. ClinicReviewStats), otherwise by Marten's daemon; then the tables of <see cref="VacuumedAfterRebuild"/> are
/// vacuumed. The command line (<c>projections rebuild</c>), the benchmarks and the tests all come through here.
/// </summary>
public static class ProjectionRebuilds
{
    public static async Task Rebuild(IServiceProvider services, IProjectionDaemon daemon, string projection, TimeSpan timeout, CancellationToken cancellation)
    {
        if (services.GetServices<IProjectionRebuild>().FirstOrDefault(x => x.Projection == projection) is { } own)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            limit.CancelAfter(timeout);
            await own.Rebuild(daemon, limit.Token);
        }
        else
        {
            await daemon.RebuildProjectionAsync(projection, timeout, cancellation);
        }

        foreach (var vacuumed in services.GetServices<VacuumedAfterRebuild>().Where(x => x.Projection == projection))
        {
            await Vacuum(services.GetRequiredService<IDocumentStore>(), vacuumed.DocumentType, cancellation);
        }
    }

    private static async Task Vacuum(IDocumentStore store, Type documentType, CancellationToken cancellation)
    {
        var table = store.Options.FindOrResolveDocumentType(documentType).TableName.QualifiedName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        // VACUUM runs outside a transaction, one statement per command; it takes no lock that blocks reads or writes.
        await using var command = new Npgsql.NpgsqlCommand($"vacuum (analyze) {table}", connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellation);
    }
}

/// <summary>
/// <c>projections rebuild [-p Name] [--shard-timeout 5m]</c>, run through <see cref="ProjectionRebuilds"/>, so that a
/// projection with a rebuild of its own gets it. JasperFx's command of the same name would run Marten's rebuild for every
/// projection, and commands of the extension assemblies replace the application's own of the same name, so Program.cs
/// hands these arguments here before JasperFx sees them. Any other flag (a store, a database, a tenant, <c>--advance</c>,
/// <c>--max-concurrent</c>, interactive mode) goes to JasperFx's command unchanged: Marten's rebuild, slower, same result.
/// </summary>
public static class ProjectionRebuildCommand
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static bool Handles(string[] args) => Parse(args) is not null;

    public static async Task<int> Run(IHost app, string[] args)
    {
        var (projection, timeout) = Parse(args)!.Value;
        var services = app.Services;
        var store = services.GetRequiredService<IDocumentStore>();
        var usage = await ((IEventStore)store).TryCreateUsage(CancellationToken.None);
        // What JasperFx's rebuild selects: every projection but live ones and subscriptions.
        var names = usage?.Subscriptions.Where(x => x.Lifecycle != ProjectionLifecycle.Live && x.SubscriptionType != SubscriptionType.Subscription)
            .Select(x => x.Name).ToArray() ?? [];
        if (projection is not null)
        {
            names = names.Where(x => string.Equals(x, projection, StringComparison.OrdinalIgnoreCase)).ToArray();
        }

        if (names.Length == 0)
        {
            Console.WriteLine(projection is null ? "No projections to rebuild" : $"No projection named {projection}");
            return projection is null ? 0 : 1;
        }

        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.PrepareForRebuildsAsync();
        if (daemon.Tracker.HighWaterMark == 0)
        {
            Console.WriteLine("No events in the store: nothing to rebuild");
            return 0;
        }

        var failed = 0;
        var all = Stopwatch.StartNew();
        foreach (var name in names)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                await ProjectionRebuilds.Rebuild(services, daemon, name, timeout, CancellationToken.None);
                Console.WriteLine($"Finished rebuilding {name} in {watch.ElapsedMilliseconds} ms");
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"Error while rebuilding projection {name}: {e}");
                failed++;
            }
        }

        await daemon.StopAllAsync();
        Console.WriteLine(failed == 0 ? $"Finished rebuild in {all.ElapsedMilliseconds} ms" : $"Errors detected: {failed} of {names.Length} projections not rebuilt");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>The projection (null: all) and the timeout, or null when the arguments are not a plain rebuild.</summary>
    private static (string? Projection, TimeSpan Timeout)? Parse(string[] args)
    {
        if (args.Length < 2 || args[0] != "projections" || args[1] != "rebuild") return null;

        string? projection = null;
        var timeout = DefaultTimeout;
        for (var i = 2; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-p" or "--projection" when i + 1 < args.Length:
                    projection = args[++i];
                    break;
                case "--shard-timeout" when i + 1 < args.Length:
                    timeout = args[++i].ToTime();
                    break;
                default:
                    return null;
            }
        }

        return (projection, timeout);
    }
}
