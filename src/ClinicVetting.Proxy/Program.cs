using System.Diagnostics;
using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace ClinicVetting.Proxy;

/// <summary>
/// The reverse proxy in front of N API nodes (scripts/run --nodes N): round robin over the nodes that answer
/// /health/ready, X-Forwarded-For/-Proto/-Host set from the real connection (whatever the client claimed), and a request
/// that could not reach its node sent to the next one when that is safe (a read, or a write under an Idempotency-Key).
/// </summary>
public static class ProxyHost
{
    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var nodes = builder.Configuration.GetSection("Proxy:Nodes").Get<string[]>()
                    ?? builder.Configuration["Proxy:NodeList"]?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    ?? [];
        if (nodes.Length == 0)
        {
            Console.Error.WriteLine("No nodes: set Proxy:NodeList (comma-separated URLs) or Proxy:Nodes.");
            return 2;
        }

        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton(new NodePool(nodes));
        builder.Services.AddHostedService<NodeHealthChecks>();
        var app = builder.Build();

        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        });
        var transformer = new ForwardedFor();
        var config = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) };

        app.Map("/{**path}", async (HttpContext http, IHttpForwarder forwarder, NodePool pool) =>
        {
            var retriable = Retries.AreSafe(http.Request);
            if (retriable) http.Request.EnableBuffering();
            foreach (var node in pool.Order())
            {
                http.Features.Set<IForwarderErrorFeature>(null);
                var error = await forwarder.SendAsync(http, node, invoker, config, transformer);
                if (error == ForwarderError.None) return;
                if (!retriable || !Retries.CouldNotReach(error) || http.Response.HasStarted) return;

                // The node is gone or going: try the next one at once, and skip this one until its health check passes.
                pool.MarkDown(node);
                http.Response.StatusCode = StatusCodes.Status200OK;
                http.Request.Body.Position = 0;
            }

            if (!http.Response.HasStarted) http.Response.StatusCode = StatusCodes.Status502BadGateway;
        });

        Console.WriteLine($"Proxy for {string.Join(", ", nodes)}");
        await app.RunAsync();
        return 0;
    }
}
