using Yarp.ReverseProxy.Forwarder;

namespace ClinicVetting.Proxy;

public static class Retries
{
    /// <summary>Reads change nothing; a write under an Idempotency-Key runs at most once on any node, so sending it again is safe.</summary>
    public static bool AreSafe(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
        || request.Headers.ContainsKey("Idempotency-Key");

    /// <summary>No answer came: connection refused or reset, or the node died before its response headers.</summary>
    public static bool CouldNotReach(ForwarderError error) =>
        error is ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.RequestBodyDestination;
}
