using System.Diagnostics;
using System.Text.Json;
using ClinicVetting.Audit;
using ClinicVetting.Audit.Integrity;
using ClinicVetting.Infrastructure.Hosting;
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

    /// <summary>Marten's default rebuild timeout is passed by a rebuild over the 5M-event log on a loaded machine.</summary>
    private static readonly TimeSpan RebuildTimeout = TimeSpan.FromMinutes(30);

    public async Task<long> EventCount()
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents().CountAsync();
    }

    public async Task<Ratio> P4(long events)
    {
        var watch = Stopwatch.StartNew();
        TimeSpan stats;
        // As the command line rebuilds them: ClinicReviewStats by its own streaming rebuild, PublicRanking by Marten's daemon.
        using (var daemon = await Store.BuildProjectionDaemonAsync())
        {
            await ProjectionRebuilds.Rebuild(services, daemon, nameof(ClinicReviewStats), RebuildTimeout, CancellationToken.None);
            stats = watch.Elapsed;
            await ProjectionRebuilds.Rebuild(services, daemon, nameof(Ranking.PublicFeed.PublicRanking), RebuildTimeout, CancellationToken.None);
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

    private static string Allocated((long Bytes, TimeSpan Paused) memory) =>
        $"{memory.Bytes / (1024.0 * 1024):N0} MiB allocated, {memory.Paused.TotalSeconds:N2} s paused by the GC";

    public async Task<(Ratio Ratio, ReplayReport Report)> P5(int clinics, long events)
    {
        var snapshots = services.GetRequiredService<RankingSnapshotReader>();
        // This process's CPU beside the wall clock: on a machine shared with other work the wall clock of each half stretches
        // with whatever else runs in its seconds; the CPU each spends much less (PostgreSQL's own CPU is not in it).
        // And what each allocated and how long the collector paused it: the replay folds every review into a document.
        static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;
        static (long Bytes, TimeSpan Paused) Memory() => (GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration());
        var cpu = Cpu();
        var memory = Memory();
        var watch = Stopwatch.StartNew();
        var snapshot = await snapshots.Read(CancellationToken.None);
        var proposed = ProposeRankingHandler.Decide(Guid.CreateVersion7(), snapshot, "bench-staff", DateTimeOffset.UtcNow);
        var proposal = watch.Elapsed;
        var proposalCpu = Cpu() - cpu;
        var proposalMemory = (Memory().Bytes - memory.Bytes, Memory().Paused - memory.Paused);

        var created = await Invoke<NewRankingProposal>("bench-staff", new ProposeRanking(Guid.CreateVersion7()));
        var edition = await Invoke<NewEdition>("bench-approver", new ApproveRankingProposal(created.Id, []));

        var replayer = services.GetRequiredService<EditionReplayer>();
        var published = await replayer.Published(edition.Edition, CancellationToken.None);
        cpu = Cpu();
        memory = Memory();
        watch.Restart();
        var report = await replayer.Replay(published!, CancellationToken.None);
        var replay = watch.Elapsed;
        var replayCpu = Cpu() - cpu;
        var replayMemory = (Memory().Bytes - memory.Bytes, Memory().Paused - memory.Paused);

        return (new Ratio("P5", "Auditor replay against the original proposal",
            $"replay of edition {edition.Edition} in {replay.TotalSeconds:N2} s, {replayCpu.TotalSeconds:N2} s of this process's CPU, {Allocated(replayMemory)} ({report.EventsRead:N0} events read; matches: {report.Matches})",
            $"the proposal in {proposal.TotalSeconds:N2} s, {proposalCpu.TotalSeconds:N2} s of this process's CPU, {Allocated(proposalMemory)} ({clinics:N0} clinics, {proposed.Computation.Ranked.Count:N0} ranked, {events:N0} events in the log)",
            replay.TotalSeconds / proposal.TotalSeconds, "how many proposals one replay costs"), report);
    }

    /// <summary>
    /// The integrity answer once every sealed range has its verdict, with a fresh unsealed tail, against reading one
    /// page of the log; beside it, the whole log read again (what every answer cost before the verdicts were kept).
    /// </summary>
    public async Task<Ratio> Integrity(long events, Action<string> progress)
    {
        var sealer = services.GetRequiredService<AuditSealer>();
        var verifier = services.GetRequiredService<IntegrityVerifier>();
        while (await sealer.SealNow(CancellationToken.None) is not null)
        {
        }

        // What the sealing service does after each seal (it is off in this host): each sealed range read once, its verdict kept.
        // Right after the generated log, its stream check covers every stream appended to in the minute before the seal.
        var fresh = Stopwatch.StartNew();
        var afterSeal = await verifier.Verify(exported: null, CancellationToken.None);
        var freshSeal = fresh.Elapsed;
        progress($"      check of the fresh seals in {freshSeal.TotalSeconds:N1} s ({afterSeal.SealsVerifiedNow:N0} seals, {afterSeal.StreamsChecked:N0} streams, valid {afterSeal.Valid})");

        var watch = Stopwatch.StartNew();
        var full = await verifier.VerifyEverything("bench", exported: null, progress: null, CancellationToken.None);
        var everything = watch.Elapsed;
        progress($"      whole log read again in {everything.TotalSeconds:N1} s ({full.EventsChecked:N0} events, {full.SealsChecked:N0} seals, valid {full.Valid})");

        // What every answer did for the documents before their verdicts were kept: every attachment read, every document hashed.
        var documents = services.GetRequiredService<Vetting.Documents.IEvidenceDocumentStore>();
        watch.Restart();
        await using (var session = Store.QuerySession())
        {
            _ = await session.Events.QueryRawEventDataOnly<Vetting.Cases.EvidenceDocumentsAttached>().ToListAsync();
        }

        var rehashed = 0;
        await foreach (var _ in documents.CheckAll(CancellationToken.None))
        {
            rehashed++;
        }

        var everyDocument = watch.Elapsed;
        progress($"      every attachment read and every document hashed again in {everyDocument.TotalMilliseconds:N0} ms ({rehashed:N0} documents)");

        var tail = await ReviewsOfKnownClinics(1_000);
        var answers = new List<double>();
        IntegrityReport answer = null!;
        for (var i = 0; i < 5; i++)
        {
            watch.Restart();
            answer = await verifier.Verify(exported: null, CancellationToken.None);
            answers.Add(watch.Elapsed.TotalMilliseconds);
        }

        var pages = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            await using var session = Store.QuerySession();
            watch.Restart();
            var page = await BrowseEventsEndpoint.Get(null, null, null, null, null, events / 2, 100, session, CancellationToken.None);
            pages.Add(watch.Elapsed.TotalMilliseconds);
            if (page.Events.Count != 100) throw new InvalidOperationException("the baseline page is not full");
        }

        var answerMs = Median(answers);
        var pageMs = Median(pages);
        return new Ratio("I1", "Integrity answer (GET /api/audit/integrity)",
            $"{answerMs:N0} ms an answer (median of 5; {answer.EventsChecked:N0} events of the unsealed tail read, {answer.SealsFromStoredVerdicts:N0} sealed ranges from their verdicts, {answer.StreamsChecked:N0} streams, {answer.DocumentsChecked:N0} documents of which {answer.DocumentsHashedNow:N0} hashed; valid {answer.Valid}); the check right after sealing (what the sealing service runs) {freshSeal.TotalSeconds:N1} s ({afterSeal.SealsVerifiedNow:N0} seals, {afterSeal.StreamsChecked:N0} streams); reading the whole log again ({full.EventsChecked:N0} events) took {everything.TotalSeconds:N1} s; reading every attachment and hashing every document again (what each answer did before their verdicts were kept) {everyDocument.TotalMilliseconds:N0} ms",
            $"{pageMs:N1} ms for one page of 100 events of the log (GET /api/audit/events, median of 5; {events + tail:N0} events in the log)",
            answerMs / pageMs, "how many log pages one integrity answer costs");
    }

    /// <summary>
    /// One page of the fairness report (100 clinics, the default period) from the counts kept by clinic and day, against
    /// one page of the log; beside it, the report as it was computed before (every review event of the period read).
    /// </summary>
    public async Task<Ratio> Fairness(long events, Action<string> progress)
    {
        var watch = Stopwatch.StartNew();
        // As the command line rebuilds them: Marten's daemon, then VACUUM (ANALYZE) of the day documents (ProjectionRebuilds).
        using (var daemon = await Store.BuildProjectionDaemonAsync())
        {
            await ProjectionRebuilds.Rebuild(services, daemon, nameof(ReviewFairnessDay), RebuildTimeout, CancellationToken.None);
            await ProjectionRebuilds.Rebuild(services, daemon, nameof(ReviewFairnessOverallDay), RebuildTimeout, CancellationToken.None);
        }

        var rebuildTook = watch.Elapsed;
        progress($"      counts by clinic and day rebuilt from the log (and vacuumed) in {rebuildTook.TotalSeconds:N1} s");

        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        watch.Restart();
        var before = await FairnessFromTheEvents();
        var beforeTook = watch.Elapsed;
        var beforeBytes = JsonSerializer.SerializeToUtf8Bytes(before.Clinics.Select(x => new ClinicFairness(x.ClinicId, x.Name, x.Ratings)), json).Length;

        async Task<(List<double> Times, FairnessReport Last)> Pages()
        {
            var times = new List<double>();
            FairnessReport last = null!;
            for (var i = 0; i < 5; i++)
            {
                await using var session = Store.QuerySession();
                watch.Restart();
                last = await GetFairnessReportEndpoint.Get(null, null, 1, 100, session, TimeProvider.System, CancellationToken.None);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            return (times, last);
        }

        // Right after Marten's rebuild every day document was new: until (auto)vacuum set the visibility map, PostgreSQL read
        // the heap of the period's day documents (most of the table) instead of the day index alone: 74 to 462 ms a page with
        // the same code, as autovacuum had run or not (issue 17, round five). The rebuild now vacuums them itself
        // (ProjectionRebuilds), so the page is measured right after it, as staff would see it.
        var (pages, page) = await Pages();

        if (page.TotalClinics != before.Clinics.Count || JsonSerializer.Serialize(page.Overall, json) != JsonSerializer.Serialize(before.Overall, json))
        {
            throw new InvalidOperationException("the fairness report from the kept counts differs from the one from the events");
        }

        // The page is the first 100 clinics in the order the report always had (sorted in this process by name, then id).
        if (!page.Clinics.Select(x => (x.ClinicId, x.ClinicName, JsonSerializer.Serialize(x.Ratings, json)))
                .SequenceEqual(before.Clinics.Take(100).Select(x => (x.ClinicId, x.Name, JsonSerializer.Serialize(x.Ratings, json)))))
        {
            throw new InvalidOperationException("the fairness report's first page differs from the first 100 clinics of the one from the events");
        }

        var logPages = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            await using var session = Store.QuerySession();
            watch.Restart();
            await BrowseEventsEndpoint.Get(null, null, null, null, null, events / 2, 100, session, CancellationToken.None);
            logPages.Add(watch.Elapsed.TotalMilliseconds);
        }

        var pageMs = Median(pages);
        var logPageMs = Median(logPages);
        var pageBytes = JsonSerializer.SerializeToUtf8Bytes(page, json).Length;
        return new Ratio("F1", "Fairness report, one page of 100 clinics (GET /api/reviews/fairness-report)",
            $"{pageMs:N0} ms a page (median of 5, right after the rebuild, which vacuums the day documents: {rebuildTook.TotalSeconds:N1} s in all; {pageBytes / 1024.0:N0} KiB; {page.TotalClinics:N0} clinics in the last 30 days); before, the whole report from the events took {beforeTook.TotalSeconds:N2} s ({beforeBytes / 1048576.0:N1} MiB of clinics, unpaged)",
            $"{logPageMs:N1} ms for one page of 100 events of the log (median of 5)", pageMs / logPageMs, "how many log pages one page of the fairness report costs");
    }

    /// <summary>The report as it was computed before the counts were kept: every review event of the last 30 days read and tallied.</summary>
    private async Task<(RatingGroups Overall, List<(Guid ClinicId, string? Name, RatingGroups Ratings)> Clinics)> FairnessFromTheEvents()
    {
        var lastDay = DateOnly.FromDateTime(DateTime.UtcNow);
        var start = new DateTimeOffset(lastDay.AddDays(-29).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await using var session = Store.QuerySession();
        var overall = new RatingGroups();
        var byClinic = new Dictionary<Guid, RatingGroups>();
        async Task Tally(IQueryable<RatedStep> steps, Action<StepCounts> count)
        {
            foreach (var step in await steps.ToListAsync())
            {
                if (!byClinic.TryGetValue(step.ClinicId, out var groups)) byClinic[step.ClinicId] = groups = new RatingGroups();
                count(groups.For(step.Rating));
                count(overall.For(step.Rating));
            }
        }

        var events = session.Events;
        await Tally(events.QueryRawEventDataOnly<ReviewSubmitted>().Where(x => x.SubmittedAt >= start && x.SubmittedAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Submitted++);
        await Tally(events.QueryRawEventDataOnly<ReviewHeldForModeration>().Where(x => x.HeldAt >= start && x.HeldAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Held++);
        await Tally(events.QueryRawEventDataOnly<ReviewPublished>().Where(x => x.PublishedAt >= start && x.PublishedAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Published++);
        await Tally(events.QueryRawEventDataOnly<ReviewRejected>().Where(x => x.RejectedAt >= start && x.RejectedAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Rejected++);
        await Tally(events.QueryRawEventDataOnly<ReviewRestored>().Where(x => x.RestoredAt >= start && x.RestoredAt < end)
            .Select(x => new RatedStep(x.ClinicId, x.Rating)), x => x.Restored++);
        var names = (await session.LoadManyAsync<ClinicVetting.Clinics.ClinicProfile>(byClinic.Keys)).ToDictionary(x => x.Id, x => x.Name);
        return (overall, byClinic.Select(x => (x.Key, Name: names.GetValueOrDefault(x.Key), x.Value)).OrderBy(x => x.Name ?? "").ThenBy(x => x.Key).ToList());
    }

    public sealed record RatedStep(Guid ClinicId, int Rating);

    /// <summary>Reviews submitted and published now, on clinics of the log: the unsealed tail an integrity answer reads.</summary>
    private async Task<long> ReviewsOfKnownClinics(int reviews)
    {
        await using var session = Store.LightweightSession();
        var clinics = await session.Query<ClinicVetting.Clinics.ClinicProfile>().Select(x => x.Id).Take(100).ToListAsync();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < reviews; i++)
        {
            var id = Guid.CreateVersion7();
            var clinic = clinics[i % clinics.Count];
            session.Events.StartStream<Review>(id,
                new ReviewSubmitted(id, clinic, $"tail-{id}", $"TAIL-BK-{id}", 4, "A review written while the log was being checked.", "Program A",
                    DateOnly.FromDateTime(now.UtcDateTime).AddDays(-30), now, true, "T. R.", null, $"tail-hash-{id}", now),
                new ReviewPublished(id, clinic, 4, true, ReviewStatus.Pending, ModerationReason.PassedScreening, null, now));
        }

        await session.SaveChangesAsync();
        return reviews * 2L;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private async Task<T> Invoke<T>(string user, object command)
    {
        await using var scope = services.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        ((IMessageContext)bus).UserName = user;
        return await bus.InvokeAsync<T>(command);
    }
}
