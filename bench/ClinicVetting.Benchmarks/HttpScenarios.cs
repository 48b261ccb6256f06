using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClinicVetting.Clinics;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting.Cases;
using Npgsql;
using NpgsqlTypes;

namespace ClinicVetting.Benchmarks;

public sealed record Ratio(string Id, string Title, string Measured, string Baseline, double Value, string Meaning);

/// <summary>P1, P2, P3 and P6: the API as a separate process, loaded over HTTP by this process; baselines on the same database.</summary>
public sealed class HttpScenarios(BenchEnvironment bench, string database, BenchSettings settings, Profiler? profiler = null)
{
    private readonly string _staff = bench.Token("bench-staff", Roles.Staff);

    public BenchSettings Settings => settings;

    /// <summary>Open cases to record evidence on: each worker has its own (never racing on a stream) and goes round them, so
    /// a case holds a realistic amount of evidence rather than thousands of records.</summary>
    private async Task<Guid[]> OpenCases(int count)
    {
        using var http = bench.Client(_staff);
        var cases = new Guid[count];
        for (var i = 0; i < count; i++)
        {
            var clinic = await (await http.PostAsJsonAsync("/api/clinics",
                new ClinicDetails($"Bench Clinic {i} {Guid.NewGuid():N}", "Cancún", "MX", YearsOfExperience: 5), BenchEnvironment.Json)).EnsureSuccessStatusCode()
                .Content.ReadFromJsonAsync<NewClinic>(BenchEnvironment.Json);
            cases[i] = (await (await http.PostAsJsonAsync("/api/vetting/cases", new OpenCaseInput(clinic!.Id), BenchEnvironment.Json)).EnsureSuccessStatusCode()
                .Content.ReadFromJsonAsync<NewVettingCase>(BenchEnvironment.Json))!.Id;
        }

        return cases;
    }

    /// <summary>Long enough for tiered compilation to reach its optimized code on a loaded 2-core machine (2 s measured the JIT: 150 to 400 methods a second).</summary>
    private TimeSpan WarmUp => TimeSpan.FromSeconds(settings.Quick ? 2 : WarmUpSeconds);

    private static readonly int WarmUpSeconds = int.TryParse(Environment.GetEnvironmentVariable("CLINICVETTING_BENCH_WARMUP"), out var s) ? s : 10;

    private Task<T> Profiled<T>(string name, Func<Task<T>> load, TimeSpan? warmUp = null) =>
        profiler is null ? load() : profiler.Around(name, warmUp ?? TimeSpan.Zero, settings.Duration - TimeSpan.FromSeconds(1), load);

    private static double MiB(long bytes) => bytes / 1_048_576.0;

    private static byte[] EvidenceBody(long i) => JsonSerializer.SerializeToUtf8Bytes(new EvidenceBody(EvidenceOutcome.Failed, EvidenceSource.Call,
        $"https://registry.example/lookup/{i}", DateTimeOffset.UtcNow.AddMinutes(-5), "Benchmark evidence"), BenchEnvironment.Json);

    private const int CasesPerWorker = 16;

    private Func<int, long, Task<bool>> RecordEvidence(HttpClient http, Guid[] cases) => async (worker, i) =>
    {
        using var content = new ByteArrayContent(EvidenceBody(i));
        content.Headers.ContentType = new("application/json");
        var perWorker = Math.Max(1, cases.Length / settings.Concurrency);
        var caseId = cases[(worker * perWorker + (int)(i % perWorker)) % cases.Length];
        using var response = await http.PostAsync($"/api/vetting/cases/{caseId}/checks/medical-team/evidence", content);
        return response.StatusCode == HttpStatusCode.OK;
    };

    public async Task<(Ratio Ratio, LoadResult Api, LoadResult Raw)> P1()
    {
        var cases = await OpenCases(settings.Concurrency * CasesPerWorker);
        using var http = bench.Client(_staff);
        var apiCpu = bench.ApiCpuTime;
        var api = await Profiled("P1", () => LoadClient.Run("P1 evidence through the API", settings.Concurrency, settings.Duration, RecordEvidence(http, cases), WarmUp), WarmUp);
        WriteCost = $"during P1 the API process used {(bench.ApiCpuTime - apiCpu).TotalSeconds / (api.Elapsed.TotalSeconds + 2):N2} CPU cores " +
                    $"({(bench.ApiCpuTime - apiCpu).TotalMilliseconds / Math.Max(1, api.Operations):N2} ms of CPU per recorded evidence, warm-up included)";

        await using var data = NpgsqlDataSource.Create(bench.ConnectionTo(database));
        await using (var create = data.CreateCommand("create table if not exists bench_raw_events (id bigserial primary key, stream uuid not null, data jsonb not null)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var raw = await Profiled("P1-raw", () => LoadClient.Run("P1 raw INSERT+COMMIT", settings.Concurrency, settings.Duration, async (worker, i) =>
        {
            await using var connection = await data.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using var insert = new NpgsqlCommand("insert into bench_raw_events (stream, data) values (@stream, @data)", connection, transaction);
            insert.Parameters.AddWithValue("stream", cases[worker % cases.Length]);
            insert.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, Encoding.UTF8.GetString(EvidenceBody(i)));
            await insert.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
            return true;
        }));

        return (new Ratio("P1", "HTTP command to durable event",
            $"{api.PerSecond:N0} evidence records/s through the API (p50 {api.P50Ms:N1} ms, p99 {api.P99Ms:N1} ms)",
            $"{raw.PerSecond:N0} single-row INSERT+COMMIT/s with Npgsql (p50 {raw.P50Ms:N1} ms, p99 {raw.P99Ms:N1} ms)",
            api.PerSecond / raw.PerSecond, "share of raw write throughput the full API path keeps"), api, raw);
    }

    public async Task<Ratio> P2(IReadOnlyList<Guid> clinics)
    {
        var now = DateTimeOffset.UtcNow;
        // A back-fill: reviews written over five years (the hours spread by a prime stride), a couple a day per clinic.
        string Line(int i)
        {
            var writtenAt = now.AddHours(-(i * 7_919L % 43_800));
            return JsonSerializer.Serialize(new ReviewSubmission($"bench-{i}-{Guid.NewGuid():N}", $"BK-BENCH-{i}-{Guid.NewGuid():N}",
                clinics[i % clinics.Count], 1 + i % 5, $"Benchmark review {i}: the stay was organised and the follow-up arrived on time.",
                "Knee program", DateOnly.FromDateTime(writtenAt.UtcDateTime).AddDays(-14), writtenAt, true), BenchEnvironment.Json);
        }

        var lines = Enumerable.Range(0, settings.Reviews).Select(Line).ToList();
        var body = Encoding.UTF8.GetBytes(string.Join('\n', lines));

        using var http = bench.Client(bench.Token("bench-booking", Roles.Booking));
        // One request for the whole import: on a loaded machine it takes longer than the client's usual minute.
        http.Timeout = TimeSpan.FromMinutes(15);
        // The import streams: the API's memory while it runs should not grow with the body, so the peak in the
        // second half of the import should be no higher than in the first.
        var before = bench.ApiWorkingSet;
        var samples = new List<(TimeSpan At, long Bytes)>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                samples.Add((watch.Elapsed, bench.ApiWorkingSet));
                await Task.Delay(50);
            }
        });
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/x-ndjson");
        var response = await Profiled("P2", () => http.PostAsync("/api/reviews/import", content));
        response.EnsureSuccessStatusCode();
        await sampling.CancelAsync();
        await sampler;
        var half = watch.Elapsed / 2;
        var firstHalf = samples.Where(x => x.At < half).Select(x => x.Bytes).DefaultIfEmpty(before).Max();
        var secondHalf = samples.Where(x => x.At >= half).Select(x => x.Bytes).DefaultIfEmpty(before).Max();
        ImportMemory = $"the API's resident memory was {MiB(before):N0} MiB before the import, peaked at {MiB(firstHalf):N0} MiB in its first half " +
                       $"and {MiB(secondHalf):N0} MiB in its second (a {MiB(body.Length):N1} MiB body)";
        var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("accepted").GetInt32();
        var imported = watch.Elapsed;

        // Screening runs behind the import on its own queue: the import is done when every review is screened.
        await using var data = NpgsqlDataSource.Create(bench.ConnectionTo(database));
        await using (var pending = data.CreateCommand("select exists (select 1 from clinicvetting.mt_doc_review where data ->> 'status' = 'Pending')"))
        {
            while ((bool)(await pending.ExecuteScalarAsync())!)
            {
                await Task.Delay(100);
            }
        }

        var screened = watch.Elapsed;
        var api = accepted / screened.TotalSeconds;

        await using (var create = data.CreateCommand("create table if not exists bench_raw_reviews (id bigserial primary key, data jsonb not null)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        watch.Restart();
        await using (var connection = await data.OpenConnectionAsync())
        await using (var copy = await connection.BeginBinaryImportAsync("copy bench_raw_reviews (data) from stdin (format binary)"))
        {
            foreach (var line in lines)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(line, NpgsqlDbType.Jsonb);
            }

            await copy.CompleteAsync();
        }

        var raw = lines.Count / watch.Elapsed.TotalSeconds;
        return new Ratio("P2", "Bulk review import", $"{api:N0} reviews/s imported and screened ({accepted:N0} reviews, {MiB(body.Length):N1} MiB NDJSON: answered in {imported.TotalSeconds:N1} s, all screened at {screened.TotalSeconds:N1} s)",
            $"{raw:N0} rows/s with Npgsql binary COPY of the same payloads", api / raw, "share of raw COPY throughput the import keeps");
    }

    /// <summary>What every browser (and the CDNs in front of them) sends; the public reads the ranking through them.</summary>
    public const string BrowserAcceptEncoding = "gzip, deflate, br";

    /// <summary>
    /// A client for the public reads that sends a browser's Accept-Encoding and keeps each body as received, compressed or
    /// not, as a CDN stores it: the handler decompresses nothing (SocketsHttpHandler's default), so the load client pays for
    /// the bytes on the wire and not for inflating them.
    /// </summary>
    private HttpClient BrowserClient()
    {
        var http = bench.Client(null);
        http.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Encoding", BrowserAcceptEncoding);
        return http;
    }

    public async Task<(Ratio Feed, Ratio Identity, Ratio NotModified, LoadResult Idle)> P3()
    {
        using var http = BrowserClient();
        using var identityHttp = bench.Client(null);
        var first = await http.GetAsync("/api/public/rankings");
        var etag = first.Headers.ETag!.Tag;
        var coding = string.Join(",", first.Content.Headers.ContentEncoding) is { Length: > 0 } named ? named : "identity";
        var size = (await first.Content.ReadAsByteArrayAsync()).Length;
        var identitySize = (await identityHttp.GetByteArrayAsync("/api/public/rankings")).Length;

        // CPU per request, of the API and of this process (the load client), for each load: on a machine shared with other
        // work, throughput follows the scheduler, CPU time per request much less so. The 2 s warm-up is counted at the measured rate.
        async Task<(LoadResult Load, double ApiMicroseconds, double ClientMicroseconds)> Measured(Func<Task<LoadResult>> run)
        {
            var api = bench.ApiCpuTime;
            var client = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var load = await run();
            var requests = load.PerSecond * (load.Elapsed.TotalSeconds + 2);
            return (load, (bench.ApiCpuTime - api).TotalMicroseconds / requests,
                (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - client).TotalMicroseconds / requests);
        }

        // --profile DIR: P3.nettrace is the API serving the feed alone, as browsers ask for it (P6.nettrace is the feed beside the writes).
        var (feed, feedApi, feedClient) = await Measured(() => Profiled("P3", () => LoadClient.Run("P3 feed (browser's Accept-Encoding)", settings.Concurrency,
            settings.Duration, async (_, _) =>
        {
            using var response = await http.GetAsync("/api/public/rankings");
            await response.Content.LoadIntoBufferAsync();
            return response.StatusCode == HttpStatusCode.OK;
        }), TimeSpan.FromSeconds(2)));

        // P3i: the same feed to a client that asks for no coding (a script, a crawler): the answer uncompressed, as before.
        var (identity, identityApi, identityClient) = await Measured(() => LoadClient.Run("P3i feed (no Accept-Encoding)", settings.Concurrency, settings.Duration,
            async (_, _) =>
        {
            using var response = await identityHttp.GetAsync("/api/public/rankings");
            await response.Content.LoadIntoBufferAsync();
            return response.StatusCode == HttpStatusCode.OK;
        }));

        // The baseline is sent the browser's header too; its 13 bytes stay as they are.
        var (plaintext, plaintextApi, plaintextClient) = await Measured(() => LoadClient.Run("P3 plaintext baseline", settings.Concurrency, settings.Duration, async (_, _) =>
        {
            using var response = await http.GetAsync("/bench/plaintext");
            await response.Content.LoadIntoBufferAsync();
            return response.StatusCode == HttpStatusCode.OK;
        }));

        var (notModified, notModifiedApi, notModifiedClient) = await Measured(() => LoadClient.Run("P3b feed 304", settings.Concurrency, settings.Duration, async (_, _) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/public/rankings");
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            using var response = await http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.NotModified;
        }));

        LoadCost = $"the load client used {feedClient * feed.PerSecond / 1e6:N2} CPU cores and the API {feedApi * feed.PerSecond / 1e6:N2} during the feed run (2 cores in all); " +
                   $"CPU per request, API + load client: feed ({coding}, {size:N0} bytes) {feedApi:N0} + {feedClient:N0} µs, " +
                   $"feed uncompressed ({identitySize:N0} bytes) {identityApi:N0} + {identityClient:N0} µs, plaintext {plaintextApi:N0} + {plaintextClient:N0} µs, " +
                   $"304 {notModifiedApi:N0} + {notModifiedClient:N0} µs";
        return (new Ratio("P3", "Public top-10 feed, as browsers ask for it", $"{feed.PerSecond:N0} feed requests/s with Accept-Encoding: {BrowserAcceptEncoding} " +
                    $"({coding}, {size:N0} bytes; p50 {feed.P50Ms:N1} ms, p99 {feed.P99Ms:N1} ms)",
                $"{plaintext.PerSecond:N0} plaintext requests/s in the same process, same header (p99 {plaintext.P99Ms:N1} ms)", feed.PerSecond / plaintext.PerSecond,
                "share of a do-nothing endpoint's throughput the feed keeps"),
            new Ratio("P3i", "Public top-10 feed, uncompressed", $"{identity.PerSecond:N0} feed requests/s without Accept-Encoding ({identitySize:N0} bytes; " +
                    $"p50 {identity.P50Ms:N1} ms, p99 {identity.P99Ms:N1} ms)",
                $"{plaintext.PerSecond:N0} plaintext requests/s (the P3 baseline)", identity.PerSecond / plaintext.PerSecond,
                "the same share for a client that asks for no content coding"),
            new Ratio("P3b", "Feed, 304 against 200", $"{notModified.PerSecond:N0} requests/s answered 304 (If-None-Match)",
                $"{feed.PerSecond:N0} requests/s answered 200", notModified.PerSecond / feed.PerSecond, "how much cheaper a revalidation is than a full answer"),
            feed);
    }

    public string LoadCost { get; private set; } = "";

    public string ImportMemory { get; private set; } = "";

    public string WriteCost { get; private set; } = "";

    public async Task<Ratio> P6(LoadResult idle)
    {
        // The writers go round cases as P1's do: four cases growing by hundreds of records in a minute is no staff's day.
        var cases = await OpenCases(4 * CasesPerWorker);
        using var writer = bench.Client(_staff);
        using var reader = BrowserClient();
        using var stop = new CancellationTokenSource();
        var writes = Task.Run(() => LoadClient.Run("P6 evidence writes", 4, settings.Duration + TimeSpan.FromSeconds(4), RecordEvidence(writer, cases), TimeSpan.Zero));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var loaded = await Profiled("P6", () => LoadClient.Run("P6 feed under writes", settings.Concurrency, settings.Duration, async (_, _) =>
        {
            using var response = await reader.GetAsync("/api/public/rankings");
            await response.Content.LoadIntoBufferAsync();
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(1));
        var writeLoad = await writes;
        return new Ratio("P6", "Feed p99 under write load", $"feed p99 {loaded.P99Ms:N1} ms while {writeLoad.PerSecond:N0} evidence writes/s run (both feed loads with a browser's Accept-Encoding)",
            $"feed p99 {idle.P99Ms:N1} ms idle", loaded.P99Ms / idle.P99Ms, "how much a write load stretches the feed's tail latency (1 is unaffected)");
    }
}
