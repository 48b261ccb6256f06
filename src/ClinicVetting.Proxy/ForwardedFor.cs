using Yarp.ReverseProxy.Forwarder;

namespace ClinicVetting.Proxy;

/// <summary>The edge proxy says who the client is from the connection itself; whatever X-Forwarded-* the client sent is dropped.</summary>
public sealed class ForwardedFor : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext http, HttpRequestMessage proxyRequest, string destinationPrefix,
        CancellationToken cancellation)
    {
        await base.TransformRequestAsync(http, proxyRequest, destinationPrefix, cancellation);
        Set(proxyRequest, "X-Forwarded-For", http.Connection.RemoteIpAddress?.ToString());
        Set(proxyRequest, "X-Forwarded-Proto", http.Request.Scheme);
        Set(proxyRequest, "X-Forwarded-Host", http.Request.Host.Value);
    }

    private static void Set(HttpRequestMessage request, string header, string? value)
    {
        request.Headers.Remove(header);
        if (!string.IsNullOrEmpty(value)) request.Headers.TryAddWithoutValidation(header, value);
    }
}
