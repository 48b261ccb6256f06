using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClinicVetting.Infrastructure.Auth;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace ClinicVetting.Benchmarks;

/// <summary>Databases, the API as its own process, tokens and HTTP clients for the benchmark run.</summary>
public sealed class BenchEnvironment : IAsyncDisposable
{
    public const string SigningKey = "benchmark-signing-key-not-a-secret-0123456789abcdef";
    public static readonly string SealKey = Convert.ToBase64String(Encoding.UTF8.GetBytes("benchmark-seal-key-not-a-secret-0123456789abcdef"));

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly TokenIssuer _tokens = new(new SigningKey(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), "bench"),
        Options.Create(new AuthOptions()));

    private Process? _api;

    public required string ServerConnection { get; init; }
    public string ApiUrl { get; private set; } = "";

    public string Token(string user, string role) => _tokens.Issue(user, [role], TimeSpan.FromHours(4));

    public string ConnectionTo(string database) => new NpgsqlConnectionStringBuilder(ServerConnection)
    {
        Database = database, Pooling = true, MaxPoolSize = 100, NoResetOnClose = true,
    }.ConnectionString;

    public async Task RecreateDatabase(string database)
    {
        var admin = new NpgsqlConnectionStringBuilder(ServerConnection) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await new NpgsqlCommand($"drop database if exists \"{database}\" with (force)", connection).ExecuteNonQueryAsync();
        await new NpgsqlCommand($"create database \"{database}\"", connection).ExecuteNonQueryAsync();
    }

    /// <summary>Starts the API (this build, Release) on its own port and database, with the demo loaded.</summary>
    public async Task StartApi(string database)
    {
        var port = 5600 + Random.Shared.Next(300);
        // Run with the bench's dependencies, so the API loads PlaintextBaseline as a hosting startup.
        string[] api = ["dotnet", "exec",
            "--depsfile", Path.Combine(AppContext.BaseDirectory, "ClinicVetting.Benchmarks.deps.json"),
            "--runtimeconfig", Path.Combine(AppContext.BaseDirectory, "ClinicVetting.Api.runtimeconfig.json"),
            Path.Combine(AppContext.BaseDirectory, "ClinicVetting.Api.dll"), "--urls", $"http://127.0.0.1:{port}"];
        // CLINICVETTING_BENCH_API_CPUS=1 (with the bench itself under `taskset -c 0`): the API on its own core, so a ratio shows the software, not the scheduler.
        if (Environment.GetEnvironmentVariable("CLINICVETTING_BENCH_API_CPUS") is { Length: > 0 } cpus)
        {
            api = ["taskset", "-c", cpus, .. api];
        }

        var start = new ProcessStartInfo(api[0], api[1..])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Benchmark";
        start.Environment["ConnectionStrings__ClinicVetting"] = ConnectionTo(database);
        start.Environment["Auth__SigningKey"] = SigningKey;
        start.Environment["Audit__SealKey"] = SealKey;
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        start.Environment["Serilog__MinimumLevel__Override__Serilog.AspNetCore.RequestLoggingMiddleware"] = "Warning";
        start.Environment["ClinicVetting__LoadDemoData"] = "true";
        start.Environment["ASPNETCORE_HOSTINGSTARTUPASSEMBLIES"] = typeof(PlaintextBaseline).Assembly.GetName().Name;
        start.Environment["ClinicVetting__PublicFeed__RequestsPerMinute"] = "100000000";
        start.Environment["ClinicVetting__PublicApi__RequestsPerMinute"] = "100000000";
        start.Environment["ClinicVetting__MaxRequestBodyBytes"] = "1048576";
        // U1 uploads files up to 256 MiB.
        start.Environment["Vetting__Documents__MaxFileBytes"] = (300L * 1024 * 1024).ToString();
        // CLINICVETTING_BENCH_API_ENV="DOTNET_gcServer=0;DOTNET_GCgen0size=0x400000": runtime settings for the API process alone (the
        // load client keeps its own), to measure what a GC or thread pool setting would change.
        foreach (var setting in (Environment.GetEnvironmentVariable("CLINICVETTING_BENCH_API_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = setting.IndexOf('=');
            if (equals <= 0) throw new ArgumentException($"CLINICVETTING_BENCH_API_ENV: '{setting}' is not NAME=VALUE.");
            start.Environment[setting[..equals]] = setting[(equals + 1)..];
            Console.WriteLine($"      the API runs with {setting}");
        }

        if (Environment.GetEnvironmentVariable("CLINICVETTING_BENCH_API_JIT_LOG") is { Length: > 0 } jitLog)
        {
            // Every method the API's JIT compiles, with its tier, as it happens (what keeps compiling after the warm-up).
            start.Environment["DOTNET_JitStdOutFile"] = jitLog;
            start.Environment["DOTNET_JitDisasmSummary"] = "1";
        }

        _api = Process.Start(start)!;
        _api.OutputDataReceived += (_, _) => { };
        _api.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"  api: {e.Data}"); };
        _api.BeginOutputReadLine();
        _api.BeginErrorReadLine();
        ApiUrl = $"http://127.0.0.1:{port}";

        using var http = Client(null);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            if (_api.HasExited) throw new InvalidOperationException($"The API exited with {_api.ExitCode}.");
            try
            {
                // Listening comes after the demo load; the feed appears once the async daemon has projected the first edition.
                if ((await http.GetAsync("/api/public/rankings")).StatusCode == HttpStatusCode.OK)
                {
                    await WaitUntilQuiet();
                    return;
                }
            }
            catch (HttpRequestException) { }

            await Task.Delay(500);
        }

        throw new TimeoutException("The API did not serve the public ranking within five minutes.");
    }

    /// <summary>
    /// Waits until the API has finished what it does after it starts serving (the daemon projecting the rest of the demo, the
    /// first seal verifying the log): two seconds in a row under a tenth of a core, at most two minutes. Without it the first
    /// scenario measured that work too: run alone, P3's first load kept 4,009 feed requests/s at 384 µs of API CPU each, the
    /// same load a minute later 13,724 at 100 µs.
    /// </summary>
    private async Task WaitUntilQuiet()
    {
        var waited = Stopwatch.StartNew();
        var quiet = 0;
        while (quiet < 2 && waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            var before = ApiCpuTime;
            await Task.Delay(1000);
            quiet = (ApiCpuTime - before).TotalMilliseconds < 100 ? quiet + 1 : 0;
        }

        Console.WriteLine($"      the API was quiet after {waited.Elapsed.TotalSeconds:N0} s more (the rest of its start: the demo's projections, the first seal)");
    }

    public int ApiProcessId => _api?.Id ?? throw new InvalidOperationException("The API is not running.");

    public TimeSpan ApiCpuTime => _api is { HasExited: false } ? _api.TotalProcessorTime : TimeSpan.Zero;

    /// <summary>The API process's resident memory now, in bytes.</summary>
    public long ApiWorkingSet
    {
        get
        {
            if (_api is not { HasExited: false }) return 0;
            _api.Refresh();
            return _api.WorkingSet64;
        }
    }

    public HttpClient Client(string? token)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        var http = new HttpClient(handler) { BaseAddress = new Uri(ApiUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is { HasExited: false })
        {
            _api.Kill(entireProcessTree: true);
            await _api.WaitForExitAsync();
        }
    }
}
