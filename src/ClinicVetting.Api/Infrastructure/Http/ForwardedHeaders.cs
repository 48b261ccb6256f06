using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;
using Forwarded = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>
/// Behind a reverse proxy: the client's address (rate limits, logs), the scheme and the host (links in the Atom feed,
/// the OpenAPI document's server) come from X-Forwarded-For, -Proto and -Host, believed only when the request comes
/// from a proxy listed in <c>ClinicVetting:Proxy:KnownProxies</c> (addresses) or <c>ClinicVetting:Proxy:KnownNetworks</c>
/// (CIDR). Nothing configured: the headers are ignored, so no caller can choose the address it is rate-limited under.
/// </summary>
public static class ForwardedHeaders
{
    public const string Section = "ClinicVetting:Proxy";

    public sealed record ProxyOptions(IPAddress[] KnownProxies, IPNetwork[] KnownNetworks)
    {
        public bool Any => KnownProxies.Length + KnownNetworks.Length > 0;
    }

    public static ProxyOptions ProxiesFrom(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        string[] Entries(string key) => (section.GetSection(key).Get<string[]>() ?? [])
            .Concat((section[key] ?? "").Split(',', ';', ' ')) // one string works too: KnownProxies=10.0.0.1,10.0.0.2
            .Select(x => x.Trim()).Where(x => x.Length > 0).Distinct().ToArray();

        var proxies = Entries("KnownProxies").Select(x => IPAddress.TryParse(x, out var address)
            ? address
            : throw new InvalidOperationException($"{Section}:KnownProxies: '{x}' is not an IP address")).ToArray();
        var networks = Entries("KnownNetworks").Select(x => IPNetwork.TryParse(x, out var network)
            ? network
            : throw new InvalidOperationException($"{Section}:KnownNetworks: '{x}' is not a network in CIDR notation (10.0.0.0/8)")).ToArray();
        return new ProxyOptions(proxies, networks);
    }

    public static void AddForwardedHeaders(this WebApplicationBuilder builder)
    {
        var proxies = ProxiesFrom(builder.Configuration);
        builder.Services.AddSingleton(proxies);
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = Forwarded.XForwardedFor | Forwarded.XForwardedProto | Forwarded.XForwardedHost;
            // Only the configured proxies, not the loopback the defaults trust.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.KnownProxies) options.KnownProxies.Add(proxy);
            foreach (var network in proxies.KnownNetworks) options.KnownIPNetworks.Add(network);
            // A chain of trusted proxies (a load balancer in front of an ingress) is walked back to the first untrusted address.
            options.ForwardLimit = null;
        });
    }

    /// <summary>First in the pipeline, so everything after it (logs, rate limits, links) sees the client as the proxy saw it.</summary>
    public static void UseConfiguredForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ProxyOptions>().Any)
        {
            app.UseForwardedHeaders();
        }
    }
}
