using Npgsql;

namespace ClinicVetting.Reviews;

/// <summary>
/// An import is a bulk load, and PostgreSQL plans for the tables it grows as they were when last analyzed. A prepared
/// statement (Npgsql's automatic preparation, the foreign key checks, the daemon's page read) is planned a few times and
/// then kept, generic, for the connection's life, until the statistics of a table it reads change. Planned on a fresh
/// database (three streams), the daemon's page read joins each event to a sequential scan of <c>mt_streams</c>: nothing
/// at three rows, up to 1.7 s a page at 50,000 (the 50,000-review import of the benchmark, auto_explain); autovacuum's
/// analyze, at most once a minute, came too late for an import that takes one. So the import analyzes the tables it grows
/// of the log whenever it has added half as many streams again as the last analysis saw (and at least
/// <see cref="MinimumGrowth"/>): <c>ANALYZE</c> takes no lock that blocks writes, and its new statistics invalidate every
/// cached plan on those tables, in every session. A failed analysis is logged, never the import's failure.
/// </summary>
public sealed class ImportStatistics(IDocumentStore store, ILogger<ImportStatistics> logger)
{
    public const long MinimumGrowth = 1_000;

    /// <summary>The analyses of one import, started as its batches commit (<see cref="ImportAnalyses"/>).</summary>
    public ImportAnalyses ForImport() => new(StreamsAnalyzed, Analyze);

    /// <summary>Whether an import that added <paramref name="grown"/> streams since the last analysis, which saw <paramref name="analyzed"/>, analyzes now.</summary>
    public static bool Due(long grown, long analyzed) => grown >= Math.Max(MinimumGrowth, analyzed / 2);

    /// <summary>
    /// The tables of the log and the columns its statements filter and join on: their row and page counts are what those
    /// plans turn on. Not the JSON bodies: their statistics took most of an analysis (0.5 s of 0.6 s for the events of
    /// 46,000 reviews) for no statement's plan. Not the review documents: their reads filter on expressions (text
    /// fingerprint, booking, clinic and time), whose statistics only an analysis of the whole table gathers (0.5 s at
    /// 46,000 reviews, most of it the bodies), and an analysis of their ids alone made the same-text read four times
    /// slower (27.4 ms a batch against 6.9 with no analysis, 4.3 with a whole one): autovacuum keeps those.
    /// </summary>
    private static readonly string[] Tables = ["mt_streams (id)", "mt_events (seq_id, stream_id, type)", "audit_event_hashes (seq_id, stream_id)"];

    private string Schema => store.Options.Events.DatabaseSchemaName;

    /// <summary>How many streams the last analysis of <c>mt_streams</c> saw (none if it was never analyzed).</summary>
    public async Task<long> StreamsAnalyzed(CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand("select greatest(reltuples, 0)::bigint from pg_class where oid = to_regclass(@table)", connection);
        command.Parameters.AddWithValue("table", $"{Schema}.mt_streams");
        return await command.ExecuteScalarAsync(cancellation) is long rows ? rows : 0;
    }

    /// <summary>
    /// Analyzes the tables an import grows; <paramref name="streams"/> is how many streams they hold by the import's count
    /// (logged: the analysis's own count would cost another round trip). A failure is logged, never thrown.
    /// </summary>
    public async Task Analyze(long streams, CancellationToken cancellation)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(cancellation);
            var tables = string.Join(", ", Tables.Select(x => $"{Schema}.{x}"));
            await using var command = new NpgsqlCommand($"analyze {tables}", connection) { CommandTimeout = 300 };
            await command.ExecuteNonQueryAsync(cancellation);
            logger.LogInformation("Review import: analyzed the tables it grows (about {Streams} streams) in {Elapsed} ms", streams,
                (int)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancellation.IsCancellationRequested)
        {
            logger.LogWarning(e, "Review import: could not analyze the tables it grows; going on with the statistics PostgreSQL has");
        }
    }
}

/// <summary>
/// One import's analyses. Each is started when a batch's commit makes one due (<see cref="ImportStatistics.Due"/>) and
/// runs beside the batches that follow, on a connection of its own, instead of holding the next batch back until it ends
/// (225 ms an analysis, nine in the benchmark's import of 50,000 reviews, issue 17): its new statistics reach every plan
/// from the statement after it ends. One at a time: growth while one runs counts towards the next. The import answers only
/// once the last one ended (<see cref="Ended"/>, also what disposing it waits for), so an import's answer still means its
/// tables were analyzed, and no analysis outlives its import.
/// </summary>
public sealed class ImportAnalyses(Func<CancellationToken, Task<long>> streamsAnalyzed, Func<long, CancellationToken, Task> analyze)
    : IAsyncDisposable
{
    /// <summary>What the last analysis saw, read once the import is big enough to need one (never for the small imports most are).</summary>
    private long? analyzed;

    private long grown;
    private Task? running;

    /// <summary>A batch committed <paramref name="accepted"/> new streams; starts an analysis if that made one due and none is running.</summary>
    public async Task Grew(long accepted, CancellationToken cancellation)
    {
        grown += accepted;
        if (grown < ImportStatistics.MinimumGrowth || running is { IsCompleted: false }) return;
        if (!ImportStatistics.Due(grown, analyzed ??= await streamsAnalyzed(cancellation))) return;

        if (running is not null) await running;
        (analyzed, grown) = (analyzed.Value + grown, 0);
        running = analyze(analyzed.Value, cancellation);
    }

    /// <summary>Ends when the analysis still running (if any) does; a failed one was logged, not thrown (<see cref="ImportStatistics.Analyze"/>), a cancelled one went with its import.</summary>
    public async Task Ended()
    {
        if (running is null) return;
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync() => await Ended();
}
