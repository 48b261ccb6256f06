using System.Net;
using System.Net.Http.Headers;
using ClinicVetting.Infrastructure.Auth;
using JasperFx.CommandLine;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace ClinicVetting.Testing;

/// <param name="Database">The database of the caller's own (one per test project).</param>
public sealed record LiveAppOptions(string Database)
{
    /// <summary>"Testing" as the integration tests run, or "Development" as ./scripts/run shows the app to a person.</summary>
    public string Environment { get; init; } = "Testing";

    /// <summary>Configuration on top of the defaults below (keys as in appsettings.json, "Section:Key").</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Service replacements, applied after the application's own (a test clock, a fake registry).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}

/// <summary>
/// The whole application in the test process, served by Kestrel on a free loopback port: for clients that need a
/// real address (a browser, a generated HTTP client), with the services at hand for arranging data and minting tokens.
/// </summary>
public sealed class LiveApp : IAsyncDisposable
{
    public const string SigningKey = "live-app-tests-signing-key-not-a-secret-0123456789";
    public const string SealKey = "bGl2ZS1hcHAtdGVzdHMtc2VhbC1rZXktbm90LWEtc2VjcmV0LTAxMjM=";

    private readonly Factory _factory;

    /// <summary>For example http://127.0.0.1:41234/ (always ends with a slash).</summary>
    public Uri BaseAddress { get; }

    public string ConnectionString { get; }

    public IServiceProvider Services => _factory.Services;

    private LiveApp(Factory factory, Uri baseAddress, string connectionString)
    {
        _factory = factory;
        BaseAddress = baseAddress;
        ConnectionString = connectionString;
    }

    public static async Task<LiveApp> Start(LiveAppOptions options)
    {
        // Program.cs ends in RunJasperFxCommands: this makes it start the host as WebApplicationFactory expects.
        JasperFxEnvironment.AutoStartHost = true;
        var connectionString = TestDatabase.Prepare(options.Database);
        var factory = new Factory(options, connectionString);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        try
        {
            // StartServer blocks while the host starts (schema, Wolverine's agents): keep it off xunit's thread.
            await Task.Run(factory.StartServer);
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }

        var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new LiveApp(factory, new Uri(address.TrimEnd('/') + "/"), connectionString);
    }

    /// <summary>A plain HttpClient on the app's address, signed in when given a token (<see cref="TokenFor"/>).</summary>
    public HttpClient CreateClient(string? bearerToken = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return client;
    }

    /// <summary>A bearer token the app accepts, as `dev-token` prints one (roles: staff, approver, auditor, booking).</summary>
    public string TokenFor(string user, params string[] roles) =>
        Services.GetRequiredService<TokenIssuer>().Issue(user, roles, TimeSpan.FromHours(2));

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    private sealed class Factory(LiveAppOptions options, string connectionString) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder web)
        {
            web.UseEnvironment(options.Environment);
            var settings = new Dictionary<string, string>
            {
                ["ConnectionStrings:ClinicVetting"] = connectionString,
                ["Auth:SigningKey"] = SigningKey,
                ["Audit:SealKey"] = SealKey,
                // Keys are configured above, so nothing is generated here; the dev banner and its kind write here.
                ["ClinicVetting:DataDirectory"] = Path.Combine(RepoPaths.Data, "live-app"),
                ["Serilog:MinimumLevel:Default"] = "Warning",
                ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Warning",
                // Pages and generated clients make many anonymous requests from one address.
                ["ClinicVetting:PublicFeed:RequestsPerMinute"] = "100000",
                ["ClinicVetting:PublicApi:RequestsPerMinute"] = "100000",
            };
            foreach (var (key, value) in options.Settings)
            {
                settings[key] = value;
            }

            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureServices(services =>
            {
                // Marten's explicit coordinator: the async daemon projects only when a test forces catch-up (docs/operations.md,
                // "The daemon in test hosts"); an API process projects by itself.
                services.MartenDaemonModeIsSolo();
                services.RunWolverineInSoloMode();
                services.DisableAllExternalWolverineTransports();
                options.ConfigureServices?.Invoke(services);
            });
        }
    }
}
