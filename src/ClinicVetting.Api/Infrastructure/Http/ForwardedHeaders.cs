using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>The "ClinicVetting:Proxy" section: which reverse proxies may say who the client is.</summary>
public sealed class ProxyOptions
{
    public const string Section = "ClinicVetting:Proxy";

    /// <summary>Addresses of trusted proxies (for example 10.0.0.5).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation (for example 10.0.0.0/24).</summary>
    public string[] KnownNetworks { get; set; } = [];
}

/// <summary>
/// X-Forwarded-For, -Proto and -Host are believed only from the configured proxies, so the rate limits count the real
/// client and the Atom feed links to the public address. None configured: the headers are ignored (not even loopback is
/// trusted by default), so a caller cannot pick its own rate-limit partition.
/// </summary>
public static class ForwardedHeaders
{
    public static void AddForwardedHeaders(this WebApplicationBuilder builder)
    {
        var proxy = builder.Configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new ProxyOptions();
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor
                                       | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto
                                       | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedHost;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var address in proxy.KnownProxies) options.KnownProxies.Add(IPAddress.Parse(address));
            foreach (var network in proxy.KnownNetworks) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
    }

    public static void UseConfiguredForwardedHeaders(this WebApplication app) => app.UseForwardedHeaders();
}
