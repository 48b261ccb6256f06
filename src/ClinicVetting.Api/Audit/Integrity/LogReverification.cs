using System.Threading.Channels;
using Npgsql;

namespace ClinicVetting.Audit.Integrity;

/// <summary>
/// A re-verification of the whole event log, asked for by an auditor and run in the background: its progress while it
/// runs, and at the end the full report. Every seal's verdict is renewed by it.
/// </summary>
public sealed class LogReverification
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public Guid Id { get; set; }
    public string RequestedBy { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }

    /// <summary><c>queued</c>, <c>running</c>, <c>completed</c> or <c>failed</c>.</summary>
    public string Status { get; set; } = Queued;

    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public long EventsChecked { get; set; }

    /// <summary>The events in the log when the re-verification began reading it.</summary>
    public long EventsTotal { get; set; }

    /// <summary>The whole log's report, once completed.</summary>
    public IntegrityReport? Report { get; set; }

    public string? Failure { get; set; }

    public bool Finished => Status is Completed or Failed;
}

/// <summary>
/// Runs the re-verifications one at a time, in the background of every node; a PostgreSQL advisory lock per
/// re-verification lets one node run it. Those left unfinished by a stop are taken up again on start.
/// </summary>
public sealed class LogReverificationRunner(IDocumentStore store, IntegrityVerifier verifier, TimeProvider clock,
    ILogger<LogReverificationRunner> logger) : BackgroundService
{
    /// <summary>How often a running re-verification writes its progress.</summary>
    public static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    private readonly Channel<Guid> _requests = Channel.CreateUnbounded<Guid>();

    public void Enqueue(Guid id) => _requests.Writer.TryWrite(id);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        try
        {
            await using (var session = store.QuerySession())
            {
                foreach (var unfinished in await session.Query<LogReverification>()
                             .Where(x => x.Status == LogReverification.Queued || x.Status == LogReverification.Running)
                             .OrderBy(x => x.RequestedAt).Select(x => x.Id).ToListAsync(stopping))
                {
                    Enqueue(unfinished);
                }
            }

            await foreach (var id in _requests.Reader.ReadAllAsync(stopping))
            {
                await Run(id, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task Run(Guid id, CancellationToken stopping)
    {
        try
        {
            await using var ownership = store.Storage.Database.CreateConnection();
            await ownership.OpenAsync(stopping);
            await using (var claim = new NpgsqlCommand("select pg_try_advisory_lock(hashtextextended(@id, 0))", ownership))
            {
                claim.Parameters.AddWithValue("id", id.ToString());
                if (!(bool)(await claim.ExecuteScalarAsync(stopping))!)
                {
                    return;
                }
            }

            var job = await Load(id, stopping);
            if (job is null || job.Finished)
            {
                return;
            }

            job.Status = LogReverification.Running;
            job.StartedAt = clock.GetUtcNow();
            await Save(job, stopping);

            var latest = new IntegrityProgress(0, 0);
            using var finished = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var reporting = ReportProgress(job, () => latest, finished.Token);
            try
            {
                var report = await verifier.VerifyEverything(id.ToString(), exported: null, progress => latest = progress, stopping);
                job.Report = report;
                job.EventsChecked = report.EventsChecked;
                job.EventsTotal = Math.Max(latest.EventsTotal, report.EventsChecked);
                job.Status = LogReverification.Completed;
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                logger.LogError(e, "Re-verification {Id} of the event log failed", id);
                job.Status = LogReverification.Failed;
                job.Failure = e.Message;
            }
            finally
            {
                await finished.CancelAsync();
                await reporting;
            }

            job.CompletedAt = clock.GetUtcNow();
            await Save(job, stopping);
            logger.LogInformation("Re-verification {Id} of the event log {Status}: {Events} events, valid {Valid}", id, job.Status,
                job.EventsChecked, job.Report?.Valid);
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            logger.LogError(e, "Re-verification {Id} of the event log could not be run", id);
        }
    }

    private async Task ReportProgress(LogReverification job, Func<IntegrityProgress> latest, CancellationToken finished)
    {
        using var timer = new PeriodicTimer(ProgressEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(finished))
            {
                var progress = latest();
                job.EventsChecked = progress.EventsChecked;
                job.EventsTotal = progress.EventsTotal;
                await Save(job, finished);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<LogReverification?> Load(Guid id, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<LogReverification>(id, cancellation);
    }

    private async Task Save(LogReverification job, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        session.Store(job);
        await session.SaveChangesAsync(cancellation);
    }
}
