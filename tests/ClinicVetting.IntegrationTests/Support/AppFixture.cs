using Alba;
using ClinicVetting.Infrastructure.Auth;
using JasperFx.CommandLine;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Wolverine;
using Wolverine.Runtime;

namespace ClinicVetting.IntegrationTests.Support;

/// <summary>The whole application, once for all integration tests, on its own database, with a clock the tests move.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    public const string Database = "clinicvetting_integration";
    public const string SigningKey = "integration-tests-signing-key-not-a-secret-0123456789";
    public const string PublicFeedRequestsPerMinute = "150";
    public const string PublicApiRequestsPerMinute = "100";
    public const string SealKey = "aW50ZWdyYXRpb24tdGVzdHMtc2VhbC1rZXktbm90LWEtc2VjcmV0";

    public IAlbaHost Host { get; private set; } = null!;
    public TestClock Clock { get; } = new();
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        JasperFxEnvironment.AutoStartHost = true;
        ConnectionString = TestDatabase.Prepare(Database);

        Host = await StartHost(ConnectionString, Clock);

        // Scheduled messages of earlier runs would otherwise linger in the durable inbox.
        await Host.ClearAllWolverineStorageAsync();
    }

    /// <summary>
    /// The application as every integration test runs it, on the given database and clock; <paramref name="settings"/>
    /// override configuration (a second host over the same database is how tests restart the application).
    /// </summary>
    public static Task<IAlbaHost> StartHost(string connectionString, TimeProvider clock, IReadOnlyDictionary<string, string>? settings = null,
        Action<IServiceCollection>? moreServices = null) =>
        AlbaHost.For<Program>(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("ConnectionStrings:ClinicVetting", connectionString);
            web.UseSetting("Auth:SigningKey", SigningKey);
            web.UseSetting("Audit:SealKey", SealKey);
            // Tests seal on demand (AuditSealer.SealNow): a seal made by the clock would land between a reset and a test's tampering.
            web.UseSetting("Audit:SealEverySeconds", "0");
            web.UseSetting("Serilog:MinimumLevel:Default", "Warning");
            web.UseSetting("ClinicVetting:PublicFeed:RequestsPerMinute", PublicFeedRequestsPerMinute);
            web.UseSetting("ClinicVetting:PublicApi:RequestsPerMinute", PublicApiRequestsPerMinute);
            web.UseSetting("ClinicVetting:PublicFeed:RevisionCheckMilliseconds", "0");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                web.UseSetting(key, value);
            }

            web.ConfigureServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(clock);
                // Marten's explicit coordinator: the async daemon projects only when a test forces catch-up (docs/operations.md,
                // "The daemon in test hosts"); an API process projects by itself.
                services.MartenDaemonModeIsSolo();
                services.RunWolverineInSoloMode();
                services.DisableAllExternalWolverineTransports();
                services.AddSingleton<IStartupFilter, ClientAddresses>();
                services.AddSingleton<IStartupFilter, FailingRoute>();
                services.ConfigureMarten(marten => marten.Listeners.Add(new IdempotencyFaults()));
                moreServices?.Invoke(services);
            });
        });

    public string TokenFor(string user, params string[] roles) =>
        Host.Services.GetRequiredService<TokenIssuer>().Issue(user, roles, TimeSpan.FromHours(2));

    public async Task DisposeAsync()
    {
        await Host.StopAsync();
        await Host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class IntegrationCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "integration";
}
