using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClinicVetting.IntegrationTests.Support;

/// <summary>A regulator's registry API served on a real loopback port: GET /licenses/{number}.</summary>
public sealed class FakeLicenseRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentDictionary<string, object> Licenses { get; } = new(StringComparer.OrdinalIgnoreCase);
    public ConcurrentQueue<string> Requests { get; } = new();
    public string BaseUrl { get; }

    private FakeLicenseRegistry(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<FakeLicenseRegistry> Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeLicenseRegistry? registry = null;
        app.MapGet("/api/v1/licenses/{number}", (string number, HttpContext http) =>
        {
            registry!.Requests.Enqueue(http.Request.Path);
            return registry.Licenses.TryGetValue(number, out var license) ? Results.Json(license) : Results.NotFound();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        registry = new FakeLicenseRegistry(app, $"{address}/api/v1");
        return registry;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
