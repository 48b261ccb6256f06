using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ClinicVetting.IntegrationTests.Support;

/// <summary>
/// In-process requests have no remote address, so every test would share one rate-limit partition of the public feed
/// and hundreds of tests would run it out. Each such request gets an address of its own; a test that sets one keeps it.
/// </summary>
public sealed class ClientAddresses : IStartupFilter
{
    private static int _next;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((HttpContext http, Func<Task> continuation) =>
        {
            http.Connection.RemoteIpAddress ??= new IPAddress(BitConverter.GetBytes(0x0000000A | (Interlocked.Increment(ref _next) << 8)));
            return continuation();
        });
        next(app);
    };
}
