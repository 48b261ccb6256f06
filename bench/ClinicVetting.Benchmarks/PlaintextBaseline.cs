using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

[assembly: HostingStartup(typeof(ClinicVetting.Benchmarks.PlaintextBaseline))]

namespace ClinicVetting.Benchmarks;

/// <summary>
/// The benchmarks' baseline for the public feed: the API's own pipeline with no work behind it. The bench adds it to the API
/// process it starts (a hosting startup): the product knows nothing of it.
/// </summary>
public sealed class PlaintextBaseline : IHostingStartup, IStartupFilter
{
    public const string Path = "/bench/plaintext";

    public void Configure(IWebHostBuilder builder) => builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, PlaintextBaseline>());

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        app.Use((HttpContext http, Func<Task> continuation) => http.Request.Path == Path
            ? http.Response.WriteAsync("Hello, World!")
            : continuation());
    };
}
