using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ClinicVetting.IntegrationTests.Support;

/// <summary>The real API as its own operating-system process (the build the tests reference), to be killed like a crash would.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _errors = new();

    /// <summary>The process's error and fatal log lines (the first hundred), for a test to show when something failed.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    public string BaseUrl { get; }

    private ApiProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Where every line of every process goes too, when CLINICVETTING_PROCESS_LOGS names a folder (for a failure's post-mortem).</summary>
    private static readonly string? LogFolder = Environment.GetEnvironmentVariable("CLINICVETTING_PROCESS_LOGS");

    private void Keep(string? line)
    {
        if (line is not null && LogFolder is not null)
        {
            lock (_errors) File.AppendAllText(Path.Combine(LogFolder, $"{new Uri(BaseUrl).Port}.log"), line + "\n");
        }

        if (line is not null && _errors.Count < 100 && (line.Contains("\"@l\":\"Error\"") || line.Contains("\"@l\":\"Fatal\"")))
        {
            _errors.Enqueue(line.Length > 3000 ? line[..3000] : line);
        }
    }

    /// <param name="settings">Further configuration, as environment variables (for example ClinicVetting__Testing__ClockOffset).</param>
    public static async Task<ApiProcess> Start(string connectionString, string signingKey, int? port = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        port ??= FreePort();
        var start = Command("ClinicVetting.Api.dll", port.Value);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ConnectionStrings__ClinicVetting"] = connectionString;
        start.Environment["Auth__SigningKey"] = signingKey;
        start.Environment["Audit__SealKey"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("reliability-seal-key-not-a-secret-0123456789"));
        start.Environment["Audit__SealEverySeconds"] = "0";
        start.Environment["Serilog__MinimumLevel__Default"] = LogFolder is null ? "Warning" : "Information";
        start.Environment["ClinicVetting__PublicFeed__RequestsPerMinute"] = "100000";
        start.Environment["ClinicVetting__PublicApi__RequestsPerMinute"] = "100000";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var api = new ApiProcess(Launch(start), $"http://127.0.0.1:{port}");
        await api.WaitUntilReady();
        return api;
    }

    /// <summary>
    /// `db-apply` (what scripts/run and docker-compose's migrate step run before any node starts): the whole schema, once,
    /// so nodes started with AutoCreateSchema None never create a table themselves.
    /// </summary>
    public static async Task ApplySchema(string connectionString, string signingKey)
    {
        var (exitCode, output) = await RunCommand(connectionString, signingKey, "db-apply");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"db-apply exited {exitCode}: {output}");
        }
    }

    /// <summary>The API's command line (<c>db-apply</c>, <c>projections rebuild</c>, ...) as an operator runs it: its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunCommand(string connectionString, string signingKey, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ClinicVetting.Api.dll"), .. arguments])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ConnectionStrings__ClinicVetting"] = connectionString;
        start.Environment["Auth__SigningKey"] = signingKey;
        start.Environment["Audit__SealKey"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("reliability-seal-key-not-a-secret-0123456789"));
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>The reverse proxy of src/ClinicVetting.Proxy (what scripts/run --nodes starts) in front of these nodes.</summary>
    public static async Task<ApiProcess> StartProxy(IEnumerable<ApiProcess> nodes, int? port = null)
    {
        port ??= FreePort();
        var start = Command("ClinicVetting.Proxy.dll", port.Value);
        start.Environment["Proxy__NodeList"] = string.Join(',', nodes.Select(x => x.BaseUrl));
        var proxy = new ApiProcess(Launch(start), $"http://127.0.0.1:{port}");
        await proxy.WaitUntilReady();
        return proxy;
    }

    private static ProcessStartInfo Command(string dll, int port) =>
        new("dotnet", [Path.Combine(AppContext.BaseDirectory, dll), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

    private static Process Launch(ProcessStartInfo start)
    {
        return Process.Start(start)!;
    }

    private async Task WaitUntilReady()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The process exited with code {_process.ExitCode}.");
            try
            {
                if ((await http.GetAsync($"{BaseUrl}/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }

            await Task.Delay(200);
        }

        await DisposeAsync();
        throw new TimeoutException("The API did not become ready within 90 seconds.");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, like a power cut of the process.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM, as a deploy stops a node: the server stops accepting, finishes what it has, and exits.</summary>
    public async Task StopGracefully(TimeSpan timeout)
    {
        if (_process.HasExited) return;
        SendSignal(_process.Id, SigTerm);
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            KillHard();
        }
    }

    public bool HasExited => _process.HasExited;

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public ValueTask DisposeAsync()
    {
        KillHard();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
