using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Net.Http.Json;
using System.Text;
using Alba;
using ClinicVetting.Clinics;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace ClinicVetting.Benchmarks;

public sealed record BenchSettings(bool Quick, int Concurrency, TimeSpan Duration, int Reviews, int LogClinics, int LogEvents, int LogDocuments);

public static class BenchMain
{
    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        var quick = args.Contains("--quick");
        // For working on one part (no results file): --http-only (P1-P3, P6), --log-only (P4, P5, I1, F1), --reuse-log (the log of an
        // earlier run), --audit-reads-only (with --log-only: I1 and F1 alone), --uploads-only (U1 alone), --only P1,P2 (those
        // scenarios alone; with --log-only, P4, P5, I1 or F1), --profile DIR (dotnet-trace, dotnet-counters and pg_stat_statements
        // of the API during P1, P2, P3 (the feed alone) and P6, into DIR).
        var httpOnly = args.Contains("--http-only");
        var uploadsOnly = args.Contains("--uploads-only");
        var logOnly = args.Contains("--log-only");
        var reuseLog = args.Contains("--reuse-log");
        var auditReadsOnly = args.Contains("--audit-reads-only");
        // --replay-only (with --log-only: P5 alone); --log-events N and --log-database NAME for a log of another size beside
        // the usual one (the 5M-event scale measurement); --bulk-reviews writes the log's reviews with COPY; --work-log sizes the
        // clinics and reviews as the usual log and fills the rest up to --log-events with vetting work the ranking never reads.
        var replayOnly = args.Contains("--replay-only");
        var bulkReviews = args.Contains("--bulk-reviews");
        var workLog = args.Contains("--work-log");
        var logDatabase = ArgumentAfter(args, "--log-database") ?? "clinicvetting_bench_log";
        var only = ArgumentAfter(args, "--only")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var profile = ArgumentAfter(args, "--profile");
        var output = httpOnly || uploadsOnly || logOnly || reuseLog || auditReadsOnly || replayOnly || only is not null || profile is not null ? null : ArgumentAfter(args, "--out");
        var settings = quick
            ? new BenchSettings(true, 8, TimeSpan.FromSeconds(3), 2_000, 200, 20_000, 300)
            : new BenchSettings(false, 32, TimeSpan.FromSeconds(15), 50_000, 10_000, 1_000_000, 3_000);
        if (ArgumentAfter(args, "--log-events") is { } logEvents)
        {
            settings = settings with { LogEvents = int.Parse(logEvents, CultureInfo.InvariantCulture) };
        }
        var server = Environment.GetEnvironmentVariable("CLINICVETTING_BENCH_DB")
                     ?? "Host=127.0.0.1;Port=55432;Username=clinicvetting;Password=clinicvetting;Database=postgres";
        var ratios = new List<Ratio>();
        var notes = new List<string>();
        var total = Stopwatch.StartNew();
        var replayMismatch = false;

        if (uploadsOnly)
        {
            await using var bench = new BenchEnvironment { ServerConnection = server };
            Step("Starting the API (its own process, Release build, demo data) on a fresh database");
            await bench.RecreateDatabase("clinicvetting_bench");
            await bench.StartApi("clinicvetting_bench");
            await RunUploads(bench, settings, ratios, notes);
            return 0;
        }

        if (!logOnly)
        {
            await RunHttpScenarios(server, settings, ratios, notes, id => only is null || only.Contains(id, StringComparer.OrdinalIgnoreCase), profile);
        }

        if (httpOnly)
        {
            return 0;
        }

        Step($"P4/P5: generating a log of {settings.LogClinics:N0} clinics and about {settings.LogEvents:N0} events (fixed seed)");
        // The application in this process: point WebApplicationFactory at the API's files next to this program.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CLINICVETTING_API", AppContext.BaseDirectory);
        var logServer = new BenchEnvironment { ServerConnection = server };
        if (!reuseLog)
        {
            await logServer.RecreateDatabase(logDatabase);
        }

        var connection = logServer.ConnectionTo(logDatabase);
        await using (var host = await AlbaHost.For<global::Program>(web =>
                     {
                         web.UseEnvironment("Benchmark");
                         web.UseSetting("ConnectionStrings:ClinicVetting", connection);
                         web.UseSetting("Auth:SigningKey", BenchEnvironment.SigningKey);
                         web.UseSetting("Audit:SealKey", BenchEnvironment.SealKey);
                         web.UseSetting("Serilog:MinimumLevel:Default", "Warning");
                         // P4 rebuilds the async projections itself: no live daemon racing it for the same documents.
                         web.UseSetting("ClinicVetting:ProjectionDaemon", "Disabled");
                         // Nor the sealing service: its check of a fresh seal reads every stream written in the minute before it,
                         // which after the generated log is most of them, for minutes, beside whatever is measured. I1 seals itself.
                         web.UseSetting("Audit:SealEverySeconds", "0");
                         web.ConfigureServices(services => services.RunWolverineInSoloMode());
                     }))
        {
            var generation = Stopwatch.StartNew();
            var written = reuseLog ? 0 : await GeneratedLog.Write(host.Services.GetRequiredService<IDocumentStore>(), settings.LogClinics,
                settings.LogEvents, Console.WriteLine, bulkReviews,
                workLog ? (quick ? 20_000 : 1_000_000) : null);
            var eventsTook = generation.Elapsed;
            var documentsWritten = reuseLog ? 0 : await GeneratedLog.WriteDocuments(host.Services.GetRequiredService<IDocumentStore>(),
                host.Services.GetRequiredService<Vetting.Documents.IEvidenceDocumentStore>(), settings.LogDocuments, 3, Console.WriteLine);
            notes.Add($"The generated log: {written:N0} events written through Marten ({(bulkReviews ? "clinics through sessions with inline projections, reviews by binary COPY with their documents bulk-inserted" : "inline projections on")}) in {eventsTook.TotalSeconds:N0} s; " +
                      $"then {documentsWritten:N0} evidence documents of 1 to 16 KiB, three to a vetting case, in {(generation.Elapsed - eventsTook).TotalSeconds:N0} s.");
            Console.WriteLine($"      {notes[^1]}");
            var log = new LogScenarios(host.Services, connection);
            var events = await log.EventCount();

            bool Wanted(string id) => only is null || only.Contains(id, StringComparer.OrdinalIgnoreCase);
            if (!auditReadsOnly && Wanted("P5"))
            {
                Step("P5: auditor replay against the original proposal");
                var (p5, report) = await log.P5(settings.LogClinics, events);
                ratios.Add(Report(p5));
                if (!report.Matches)
                {
                    notes.Add($"WARNING: the replay did not match ({report.Differences.Count} differences).");
                    replayMismatch = true;
                }

                if (replayOnly)
                {
                    return replayMismatch ? 1 : 0;
                }
            }

            if (!auditReadsOnly && Wanted("P4"))
            {
                Step("P4: projection rebuild against a raw scan");
                ratios.Add(Report(await log.P4(events)));
            }

            if (Wanted("I1"))
            {
                Step("I1: integrity answer against one page of the log");
                ratios.Add(Report(await log.Integrity(events, Console.WriteLine)));
            }

            if (Wanted("F1"))
            {
                Step("F1: fairness report against one page of the log");
                ratios.Add(Report(await log.Fairness(events, Console.WriteLine)));
            }
        }

        if (output is not null)
        {
            // Anything written by hand below the marker (what the optimizations bought) survives a new run.
            var kept = File.Exists(output) && await File.ReadAllTextAsync(output) is var previous && previous.Contains(NotesMarker)
                ? previous[previous.IndexOf(NotesMarker, StringComparison.Ordinal)..]
                : NotesMarker + Environment.NewLine;
            await File.WriteAllTextAsync(output, Markdown(settings, ratios, notes, total.Elapsed) + Environment.NewLine + kept);
            Step($"Results written to {output}");
        }

        // A replay that does not match its edition is a bug, not a slow figure.
        return replayMismatch ? 1 : 0;
    }

    private static async Task RunHttpScenarios(string server, BenchSettings settings, List<Ratio> ratios, List<string> notes, Func<string, bool> wanted,
        string? profile)
    {
        await using var bench = new BenchEnvironment { ServerConnection = server };
        Step("Starting the API (its own process, Release build, demo data) on a fresh database");
        await bench.RecreateDatabase("clinicvetting_bench");
        await bench.StartApi("clinicvetting_bench");
        var http = new HttpScenarios(bench, "clinicvetting_bench", settings, profile is null ? null : new Profiler(profile, bench, "clinicvetting_bench"));
        if (wanted("U1"))
        {
            // First, while the process has not yet grown its heap for the other scenarios (slack there would hide growth).
            await RunUploads(bench, settings, ratios, notes);
        }

        if (wanted("P1"))
        {
            await RunP1(settings, ratios, notes, http);
        }

        if (wanted("P2"))
        {
            await RunP2(ratios, notes, bench, http);
        }

        if (wanted("P3") || wanted("P6"))
        {
            await RunP3AndP6(ratios, notes, http);
        }
    }

    private static async Task RunP1(BenchSettings settings, List<Ratio> ratios, List<string> notes, HttpScenarios http)
    {
        Step($"P1: HTTP command to durable event, {settings.Concurrency} concurrent clients, {settings.Duration.TotalSeconds} s each");
        var (p1, _, _) = await http.P1();
        ratios.Add(Report(p1));
        notes.Add($"P1 writes evidence on {settings.Concurrency * 16} open cases, each client going round its own 16, so no two clients race on a stream; {http.WriteCost}.");
        Console.WriteLine($"      {http.WriteCost}");
    }

    private static async Task RunP2(List<Ratio> ratios, List<string> notes, BenchEnvironment bench, HttpScenarios http)
    {
        Step($"P2: streaming import of {http.Settings.Reviews:N0} reviews against binary COPY");
        var clinics = await DemoClinics(bench);
        ratios.Add(Report(await http.P2(clinics)));
        notes.Add($"P2: {http.ImportMemory}.");
        Console.WriteLine($"      {http.ImportMemory}");
    }

    private static async Task RunP3AndP6(List<Ratio> ratios, List<string> notes, HttpScenarios http)
    {
        Step("P3: public feed against plaintext, and 304 against 200");
        var (feed, identity, notModified, idle) = await http.P3();
        ratios.Add(Report(feed));
        ratios.Add(Report(identity));
        ratios.Add(Report(notModified));
        notes.Add($"Load generator: a closed-loop .NET client in the benchmark process, on the same machine; {http.LoadCost}.");
        Console.WriteLine($"      {http.LoadCost}");

        Step("P6: feed tail latency with a write load running");
        ratios.Add(Report(await http.P6(idle)));
    }

    private static async Task RunUploads(BenchEnvironment bench, BenchSettings settings, List<Ratio> ratios, List<string> notes)
    {
        Step("U1: evidence uploads of growing size, the API's peak resident memory against idle");
        var uploads = new UploadScenario(bench, settings);
        ratios.Add(Report(await uploads.U1()));
        notes.Add($"{uploads.Detail}.");
    }

    private static async Task<IReadOnlyList<Guid>> DemoClinics(BenchEnvironment bench)
    {
        using var http = bench.Client(bench.Token("bench-staff", Infrastructure.Auth.Roles.Staff));
        var page = await http.GetFromJsonAsync<Infrastructure.Http.Page<ClinicProfile>>("/api/clinics?pageSize=100", BenchEnvironment.Json);
        return page!.Items.Select(x => x.Id).ToList();
    }

    private static Ratio Report(Ratio ratio)
    {
        if (!double.IsFinite(ratio.Value) || ratio.Value <= 0)
        {
            throw new InvalidOperationException($"{ratio.Id}: the ratio is {ratio.Value} ({ratio.Measured} against {ratio.Baseline}): a zero or failed measurement.");
        }

        Console.WriteLine($"    {ratio.Id} {ratio.Title}: ratio {ratio.Value:N3}");
        Console.WriteLine($"      measured: {ratio.Measured}");
        Console.WriteLine($"      baseline: {ratio.Baseline}");
        return ratio;
    }

    private const string NotesMarker = "<!-- Written by hand below this line; ./scripts/bench keeps it. -->";

    private static void Step(string text) => Console.WriteLine($"▸ {text}");

    private static string? ArgumentAfter(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static string Markdown(BenchSettings settings, IReadOnlyList<Ratio> ratios, IReadOnlyList<string> notes, TimeSpan took)
    {
        var text = new StringBuilder();
        text.AppendLine("# Performance");
        text.AppendLine();
        text.AppendLine("Every figure is a ratio against a baseline measured in the same run, on the same database and machine: these");
        text.AppendLine("machines are noisy, ratios much less so. Reproduce with:");
        text.AppendLine();
        text.AppendLine("```bash");
        text.AppendLine(settings.Quick ? "./scripts/bench --quick" : "./scripts/bench");
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine($"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, " +
                        $".NET {Environment.Version}, PostgreSQL from the project's scripts; {(settings.Quick ? "quick" : "full")} mode, {took.TotalMinutes:N1} minutes in all.");
        text.AppendLine();
        text.AppendLine("| | what | measured | baseline (same run) | ratio | meaning |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var ratio in ratios)
        {
            text.AppendLine($"| {ratio.Id} | {ratio.Title} | {ratio.Measured} | {ratio.Baseline} | **{ratio.Value:N3}** | {ratio.Meaning} |");
        }

        text.AppendLine();
        foreach (var note in notes)
        {
            text.AppendLine($"- {note}");
        }

        return text.ToString();
    }
}
