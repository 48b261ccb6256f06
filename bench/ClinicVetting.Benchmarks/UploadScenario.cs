using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClinicVetting.Clinics;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Vetting.Cases;

namespace ClinicVetting.Benchmarks;

/// <summary>
/// U1: evidence documents of growing size uploaded to the API process; its peak resident memory while each arrives against
/// its own peak while idle, in the same run. Streaming keeps the peak flat whatever the size.
/// </summary>
public sealed class UploadScenario(BenchEnvironment bench, BenchSettings settings)
{
    private const long MiB = 1024 * 1024;

    public string Detail { get; private set; } = "";

    public async Task<Ratio> U1()
    {
        using var http = bench.Client(bench.Token("bench-staff", Roles.Staff));
        http.Timeout = TimeSpan.FromMinutes(15);
        var (caseId, evidenceId) = await CaseWithEvidence(http);
        var url = $"/api/vetting/cases/{caseId}/checks/medical-team/evidence/{evidenceId}/documents";
        long[] sizes = settings.Quick ? [1 * MiB, 8 * MiB, 32 * MiB] : [1 * MiB, 32 * MiB, 256 * MiB];

        // A first small upload warms the path (JIT, connection pools), so the idle peak after it is the steady state.
        await Upload(http, url, 64 * 1024, 0);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var idle = await PeakWhile(() => Task.Delay(TimeSpan.FromSeconds(3)));

        var peaks = new List<(long Size, long Peak, TimeSpan Took)>();
        foreach (var (size, i) in sizes.Select((x, i) => (x, i)))
        {
            var watch = Stopwatch.StartNew();
            var peak = await PeakWhile(() => Upload(http, url, size, i + 1));
            peaks.Add((size, peak, watch.Elapsed));
            Console.WriteLine($"      {size / MiB} MiB uploaded in {watch.Elapsed.TotalSeconds:N1} s, API peak RSS {peak / (double)MiB:N0} MiB");
        }

        var largest = peaks[^1];
        Detail = $"U1 measures the API's peak resident memory by {PeakSource}; " +
                 $"the largest file went in at {largest.Size / (double)MiB / largest.Took.TotalSeconds:N1} MiB/s";
        return new Ratio("U1", "Evidence upload memory",
            string.Join(", ", peaks.Select(x => $"{x.Size / MiB} MiB file: peak {x.Peak / (double)MiB:N0} MiB")) + " resident while receiving",
            $"peak {idle / (double)MiB:N0} MiB resident idle, same process, just before",
            largest.Peak / (double)idle, $"how much the API's resident memory grows while a {largest.Size / MiB} MiB file streams in (1 is flat)");
    }

    private string PeakSource { get; set; } = "VmHWM in /proc/PID/status, reset through /proc/PID/clear_refs before each upload";

    private async Task<(Guid CaseId, Guid EvidenceId)> CaseWithEvidence(HttpClient http)
    {
        var clinic = await (await http.PostAsJsonAsync("/api/clinics",
                new ClinicDetails($"Bench Upload Clinic {Guid.NewGuid():N}", "Cancún", "MX", YearsOfExperience: 5), BenchEnvironment.Json))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<NewClinic>(BenchEnvironment.Json);
        var caseId = (await (await http.PostAsJsonAsync("/api/vetting/cases", new OpenCaseInput(clinic!.Id), BenchEnvironment.Json))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<NewVettingCase>(BenchEnvironment.Json))!.Id;
        (await http.PostAsJsonAsync($"/api/vetting/cases/{caseId}/checks/medical-team/evidence",
            new EvidenceBody(EvidenceOutcome.Failed, EvidenceSource.Call, "https://registry.example/team", DateTimeOffset.UtcNow.AddMinutes(-5)),
            BenchEnvironment.Json)).EnsureSuccessStatusCode();
        using var view = JsonDocument.Parse(await http.GetStringAsync($"/api/vetting/cases/{caseId}"));
        var evidence = view.RootElement.GetProperty("checks").EnumerateArray().Single(x => x.GetProperty("route").GetString() == "medical-team")
            .GetProperty("evidence")[0].GetProperty("evidenceId").GetGuid();
        return (caseId, evidence);
    }

    private static async Task Upload(HttpClient http, string url, long size, int seed)
    {
        using var response = await http.PostAsync(url, new GeneratedPdfUpload(size, seed));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The {size}-byte upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>The API's peak resident memory while <paramref name="work"/> runs: VmHWM reset before, or VmRSS sampled every 10 ms.</summary>
    private async Task<long> PeakWhile(Func<Task> work)
    {
        var pid = bench.ApiProcessId;
        var reset = TryResetPeak(pid);
        if (!reset) PeakSource = "VmRSS sampled every 10 ms (VmHWM could not be reset)";
        long sampled = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                sampled = Math.Max(sampled, Status(pid, "VmRSS"));
                await Task.Delay(10);
            }
        });
        await work();
        await stop.CancelAsync();
        await sampler;
        return reset ? Math.Max(Status(pid, "VmHWM"), sampled) : sampled;
    }

    /// <summary>Writing 5 to /proc/PID/clear_refs sets the process's peak resident size back to its current one (Linux).</summary>
    private static bool TryResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Status(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]) * 1024;
            }
        }

        return 0;
    }

    /// <summary>A multipart body of one PDF of <paramref name="size"/> bytes, generated while sent (the client holds no file either).</summary>
    private sealed class GeneratedPdfUpload : HttpContent
    {
        private const string Boundary = "bench-upload-boundary";
        private readonly long size;
        private readonly int seed;

        public GeneratedPdfUpload(long size, int seed)
        {
            this.size = size;
            this.seed = seed;
            Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var head = Encoding.ASCII.GetBytes($"%PDF-1.4\n% bench upload {seed} of {size} bytes\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench-{seed}.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"));
            await stream.WriteAsync(head);
            var block = new byte[256 * 1024];
            new Random(seed).NextBytes(block);
            for (var sent = (long)head.Length; sent < size; sent += block.Length)
            {
                await stream.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, size - sent)));
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n"));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
