using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx;
using Npgsql;
using NpgsqlTypes;
using ClinicVetting.Infrastructure.Hosting;

namespace ClinicVetting.Reviews;

/// <summary>
/// Rebuilds <see cref="ClinicReviewStats"/> from scratch as one ordered streaming read of the review events, folded in
/// memory with <see cref="ClinicReviewStatsProjection"/>'s own <c>Apply</c> methods, and written with one binary COPY in
/// the same transaction as the projection's progression mark, so the async daemon goes on from exactly that event.
/// Instead of Marten's daemon rebuild, which reads the same rows in pages of 500 with a chain of round trips per page
/// (docs/performance.md, P4). Every path that rebuilds this projection comes here (<see cref="ProjectionRebuilds"/>: the command line's
/// <c>projections rebuild</c>, the benchmarks, the tests).
/// </summary>
/// <remarks>
/// <para>
/// The mark is the daemon's own high-water mark, found the way Marten's rebuild finds it: every event at or below it is
/// committed (a sequence number taken by a transaction still in flight stops it), so nothing below the mark can appear
/// after the rebuild has read past it.
/// </para>
/// <para>
/// The projection's agent in this process is stopped for the rebuild and started again after it, from the mark. A node
/// elsewhere still running it would find the progression moved under it at its next commit (Marten checks the previous
/// mark in the same transaction as its documents), so that commit fails whole and the shard starts again from the mark
/// (<c>StoppedShardRecovery</c>): the documents are never counted twice.
/// </para>
/// <para>
/// Each event is rebuilt from the few fields <see cref="ClinicReviewStatsProjection"/> reads (the clinic, the rating,
/// whether it is verified, whether screening found anything, which status it left), selected by PostgreSQL from the
/// stored <c>data</c>, with everything else left empty, and applied with the projection's own methods: one fold, not two.
/// </para>
/// </remarks>
public sealed class ClinicReviewStatsRebuild(IDocumentStore store, IServiceProvider services, ILogger<ClinicReviewStatsRebuild> logger)
    : IProjectionRebuild
{
    /// <summary>The projection's name, as Marten's daemon and the command line know it.</summary>
    public const string ProjectionName = nameof(ClinicReviewStats);

    string IProjectionRebuild.Projection => ProjectionName;

    async Task IProjectionRebuild.Rebuild(IProjectionDaemon daemon, CancellationToken cancellation) => await Rebuild(daemon, cancellation);

    /// <summary>Its one shard, the row of <c>mt_event_progression</c> that says how far it has projected.</summary>
    public static readonly string ShardName = $"{ProjectionName}:All";

    /// <summary>What one review event contributes, as selected from its stored data.</summary>
    private readonly record struct Row(Guid ClinicId, int Rating, bool Verified, bool Flagged, ReviewStatus From);

    private static readonly ClinicReviewStatsProjection Projection = new();

    /// <summary>Stands for whatever screening found: the projection only asks whether it found anything.</summary>
    private static readonly ScreeningFinding Flagged = new(default, "");

    /// <summary>Every review event type, with the projection's own method applied to the event rebuilt from its fields; a type missing here fails the rebuild's start.</summary>
    private static readonly IReadOnlyDictionary<Type, Action<Row, ClinicReviewStats>> Appliers = new Dictionary<Type, Action<Row, ClinicReviewStats>>
    {
        [typeof(ReviewSubmitted)] = (x, stats) => Projection.Apply(
            new ReviewSubmitted(default, x.ClinicId, "", "", x.Rating, "", "", default, default, x.Verified, null, null, "", default), stats),
        [typeof(ReviewSubmittedAndScreened)] = (x, stats) => Projection.Apply(
            new ReviewSubmittedAndScreened(default, x.ClinicId, "", "", x.Rating, "", "", default, default, x.Verified, null, null, "",
                x.Flagged ? [Flagged] : [], default), stats),
        [typeof(ReviewHeldForModeration)] = (x, stats) => Projection.Apply(new ReviewHeldForModeration(default, x.ClinicId, x.Rating, [], default), stats),
        [typeof(ReviewPublished)] = (x, stats) => Projection.Apply(new ReviewPublished(default, x.ClinicId, x.Rating, x.Verified, x.From, default, null, default), stats),
        [typeof(ReviewRejected)] = (x, stats) => Projection.Apply(new ReviewRejected(default, x.ClinicId, x.Rating, x.Verified, x.From, default, "", default), stats),
        [typeof(ReviewRestored)] = (x, stats) => Projection.Apply(new ReviewRestored(default, x.ClinicId, x.Rating, x.Verified, default, "", default), stats),
    };

    /// <summary>Rebuilds the projection; answers the mark it now stands at and how many clinics and events it counted.</summary>
    public async Task<RebuiltClinicReviewStats> Rebuild(CancellationToken cancellation)
    {
        using var daemon = await store.BuildProjectionDaemonAsync();
        return await Rebuild(daemon, cancellation);
    }

    /// <summary>The same, with the high-water mark of <paramref name="daemon"/> (not one running the projection: one built to rebuild, as Marten's rebuild uses).</summary>
    public async Task<RebuiltClinicReviewStats> Rebuild(IProjectionDaemon daemon, CancellationToken cancellation)
    {
        var types = StoredNames();
        var paused = await PauseLiveShards();
        try
        {
            // What Marten's rebuild does first: the high-water mark checked now, below any sequence number still in flight.
            await daemon.PrepareForRebuildsAsync();
            var mark = daemon.Tracker.HighWaterMark;

            if (mark == 0)
            {
                // As Marten's rebuild: no event yet, nothing to rebuild.
                logger.LogInformation("Not rebuilding {Projection}: the event log is empty", ProjectionName);
                return new RebuiltClinicReviewStats(0, 0, 0);
            }

            await store.Storage.Database.EnsureStorageExistsAsync(typeof(ClinicReviewStats), cancellation);
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(cancellation);
            var (clinics, events) = await Fold(connection, types, mark, cancellation);
            await Write(connection, clinics, mark, cancellation);
            logger.LogInformation("Rebuilt {Projection} up to event {Mark}: {Events} review events, {Clinics} clinics", ProjectionName, mark, events, clinics.Count);
            return new RebuiltClinicReviewStats(mark, clinics.Count, events);
        }
        finally
        {
            await Resume(paused);
        }
    }

    private Dictionary<string, Type> StoredNames()
    {
        var names = store.Options.Events.AllKnownEventTypes().Where(x => typeof(IReviewEvent).IsAssignableFrom(x.EventType))
            .ToDictionary(x => x.EventTypeName, x => x.EventType);
        var missing = names.Values.Where(x => !Appliers.ContainsKey(x)).Select(x => x.Name)
            .Concat(Appliers.Keys.Except(names.Values).Select(x => $"{x.Name} (unknown to Marten)"))
            .ToList();
        return missing.Count == 0
            ? names
            : throw new InvalidOperationException($"Review event types the streaming rebuild of {ProjectionName} cannot fold: {string.Join(", ", missing)}");
    }

    private async Task<(Dictionary<Guid, ClinicReviewStats> Clinics, long Events)> Fold(NpgsqlConnection connection, Dictionary<string, Type> types,
        long mark, CancellationToken cancellation)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        // The rows Marten's daemon would page through for this projection (its event types, not archived, up to the
        // mark), in one ordered pass; of each only what the projection reads leaves PostgreSQL.
        await using var command = new NpgsqlCommand($"""
            select type,
              (data ->> 'clinicId')::uuid,
              coalesce((data ->> 'rating')::int, 0),
              coalesce((data ->> 'bookingVerified')::boolean, (data ->> 'verified')::boolean, false),
              coalesce(jsonb_array_length(data -> 'findings'), 0) > 0,
              coalesce(data ->> 'publishedFrom', data ->> 'rejectedFrom')
            from {schema}.mt_events
            where seq_id <= @mark and type = any(@types) and is_archived = false
            order by seq_id
            """, connection);
        command.Parameters.AddWithValue("mark", mark);
        command.Parameters.AddWithValue("types", types.Keys.ToArray());
        command.CommandTimeout = 0;

        var appliers = types.ToDictionary(x => x.Key, x => Appliers[x.Value]);
        var clinics = new Dictionary<Guid, ClinicReviewStats>();
        long events = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var clinicId = reader.GetGuid(1);
            var row = new Row(clinicId, reader.GetInt32(2), reader.GetBoolean(3), reader.GetBoolean(4),
                reader.IsDBNull(5) ? default : Enum.Parse<ReviewStatus>(reader.GetString(5), ignoreCase: true));
            if (!clinics.TryGetValue(clinicId, out var stats))
            {
                clinics[clinicId] = stats = new ClinicReviewStats { Id = clinicId };
            }

            appliers[reader.GetString(0)](row, stats);
            events++;
        }

        return (clinics, events);
    }

    /// <summary>The documents replace the old ones, and the mark moves, in one transaction: the daemon sees both or neither.</summary>
    private async Task Write(NpgsqlConnection connection, Dictionary<Guid, ClinicReviewStats> clinics, long mark, CancellationToken cancellation)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        var table = store.Options.FindOrResolveDocumentType(typeof(ClinicReviewStats)).TableName.QualifiedName;
        var serializer = store.Options.Serializer();
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        await using (var delete = new NpgsqlCommand($"delete from {table}", connection, transaction))
        {
            await delete.ExecuteNonQueryAsync(cancellation);
        }

        // mt_version and mt_last_modified keep their column defaults (a fresh version per row, the transaction's time), as
        // Marten's upsert gives a projected document.
        await using (var copy = await connection.BeginBinaryImportAsync(
                         $"copy {table} (id, data, mt_dotnet_type) from stdin (format binary)", cancellation))
        {
            var dotnetType = typeof(ClinicReviewStats).FullName!;
            foreach (var stats in clinics.Values)
            {
                await copy.StartRowAsync(cancellation);
                await copy.WriteAsync(stats.Id, NpgsqlDbType.Uuid, cancellation);
                await copy.WriteAsync(serializer.ToJson(stats), NpgsqlDbType.Jsonb, cancellation);
                await copy.WriteAsync(dotnetType, NpgsqlDbType.Varchar, cancellation);
            }

            await copy.CompleteAsync(cancellation);
        }

        await using (var progression = new NpgsqlCommand($"""
                         insert into {schema}.mt_event_progression (name, last_seq_id, last_updated) values (@name, @mark, transaction_timestamp())
                         on conflict (name) do update set last_seq_id = excluded.last_seq_id, last_updated = excluded.last_updated
                         """, connection, transaction))
        {
            progression.Parameters.AddWithValue("name", ShardName);
            progression.Parameters.AddWithValue("mark", mark);
            await progression.ExecuteNonQueryAsync(cancellation);
        }

        await transaction.CommitAsync(cancellation);
    }

    /// <summary>Stops the projection's agent in every daemon of this process that runs it; answers those daemons.</summary>
    private async Task<IReadOnlyList<IProjectionDaemon>> PauseLiveShards()
    {
        if (services.GetService<Marten.Events.Daemon.Coordination.IProjectionCoordinator>() is not { } coordinator) return [];

        var paused = new List<IProjectionDaemon>();
        foreach (var daemon in await coordinator.AllDaemonsAsync())
        {
            if (daemon.CurrentAgents().Any(x => x.Name.Identity == ShardName && x.Status == AgentStatus.Running))
            {
                await daemon.StopAgentAsync(ShardName);
                paused.Add(daemon);
            }
        }

        return paused;
    }

    private async Task Resume(IReadOnlyList<IProjectionDaemon> paused)
    {
        foreach (var daemon in paused)
        {
            try
            {
                await daemon.StartAgentAsync(ShardName, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Could not start {Shard} again after its rebuild; the coordinator will", ShardName);
            }
        }
    }
}

/// <summary>What a rebuild of <see cref="ClinicReviewStats"/> did: the event it now stands at, the clinics written, the review events folded.</summary>
public sealed record RebuiltClinicReviewStats(long Mark, int Clinics, long Events);
