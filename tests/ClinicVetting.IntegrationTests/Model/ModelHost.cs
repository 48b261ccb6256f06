using Alba;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.IntegrationTests.Support;
using JasperFx.CommandLine;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Wolverine;
using Wolverine.Runtime;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>
/// The application on a database of the model test's own (the shared fixture's host never sees it), with a clock the
/// commands move. It can be stopped and started again on the same database, as an operator's restart would.
/// </summary>
public sealed class ModelHost : IAsyncDisposable
{
    public const string Database = "clinicvetting_model";

    private readonly string _connectionString;

    private ModelHost(string connectionString, IAlbaHost host)
    {
        _connectionString = connectionString;
        Host = host;
    }

    public IAlbaHost Host { get; private set; }
    public TestClock Clock { get; } = new();
    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();
    public HttpClient Client { get; private set; } = null!;

    public static async Task<ModelHost> Start()
    {
        JasperFxEnvironment.AutoStartHost = true;
        var connectionString = TestDatabase.Prepare(Database);
        var model = new ModelHost(connectionString, null!);
        model.Host = await model.Build();
        model.Client = model.Host.Server.CreateClient();
        return model;
    }

    /// <summary>An empty log (but the reference data), the clock back at its start, no scheduled messages of an earlier run.</summary>
    public async Task Reset()
    {
        Clock.Now = TestClock.Start;
        await Host.ResetAllDataWithTheHashChain(Store);
        await Host.ClearAllWolverineStorageAsync();
    }

    /// <summary>Stops the application and starts a new one on the same database.</summary>
    public async Task Restart()
    {
        Client.Dispose();
        await Host.StopAsync();
        await Host.DisposeAsync();
        Host = await Build();
        Client = Host.Server.CreateClient();
    }

    public string TokenFor(string user, string[] roles) =>
        Host.Services.GetRequiredService<TokenIssuer>().Issue(user, roles, TimeSpan.FromHours(2));

    /// <summary>Runs a request and waits for every message it set off (cascades, screening), whatever they end in.</summary>
    public async Task<T> AndWait<T>(Func<Task<T>> request)
    {
        T result = default!;
        await Host.TrackActivity()
            .Timeout(TimeSpan.FromSeconds(60))
            .DoNotAssertOnExceptionsDetected()
            .ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ => result = await request()));
        return result;
    }

    private Task<IAlbaHost> Build() => AlbaHost.For<Program>(web =>
    {
        web.UseEnvironment("Testing");
        web.UseSetting("ConnectionStrings:ClinicVetting", _connectionString);
        web.UseSetting("Auth:SigningKey", AppFixture.SigningKey);
        web.UseSetting("Audit:SealKey", AppFixture.SealKey);
        web.UseSetting("Audit:SealEverySeconds", "0");
        web.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        web.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.MartenDaemonModeIsSolo();
            services.RunWolverineInSoloMode();
            services.DisableAllExternalWolverineTransports();
            services.AddSingleton<IStartupFilter, ClientAddresses>();
        });
    });

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.StopAsync();
        await Host.DisposeAsync();
    }
}
