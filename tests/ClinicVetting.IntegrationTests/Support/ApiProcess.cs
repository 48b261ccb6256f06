using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ClinicVetting.IntegrationTests.Support;

/// <summary>The real API as its own operating-system process (the build the tests reference), to be killed like a crash would.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;

    public string BaseUrl { get; }

    private ApiProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    /// <param name="settings">Further configuration, as environment variables (for example ClinicVetting__Testing__ClockOffset).</param>
    public static async Task<ApiProcess> Start(string connectionString, string signingKey, int? port = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        port ??= FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ClinicVetting.Api.dll"), "--urls", $"http://127.0.0.1:{port}"])
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
        start.Environment["Audit__SealEverySeconds"] = "0";
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        start.Environment["ClinicVetting__PublicFeed__RequestsPerMinute"] = "100000";
        start.Environment["ClinicVetting__PublicApi__RequestsPerMinute"] = "100000";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var api = new ApiProcess(process, $"http://127.0.0.1:{port}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The API exited with code {process.ExitCode}.");
            try
            {
                if ((await http.GetAsync($"{api.BaseUrl}/health/ready")).StatusCode == HttpStatusCode.OK) return api;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }

            await Task.Delay(200);
        }

        await api.DisposeAsync();
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

    public ValueTask DisposeAsync()
    {
        KillHard();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
