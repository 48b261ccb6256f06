namespace ClinicVetting.Infrastructure.Http;

/// <summary>
/// HEAD is GET without the body (RFC 9110 section 9.3.2: every general-purpose server supports both): a HEAD request is
/// routed, authorized, rate limited and answered as the GET of the same URL, with the same status and headers (ETag,
/// Content-Length, Cache-Control), and the server sends no body. CDNs, link checkers and uptime monitors ask with HEAD;
/// before this, the public feed answered them 401 (no GET endpoint matched, so the fallback policy asked for a token).
/// Runs before routing; the request log, outside it, still records HEAD.
/// </summary>
public static class HeadRequests
{
    public static async Task Middleware(HttpContext http, Func<Task> next)
    {
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await next();
            return;
        }

        http.Request.Method = HttpMethods.Get;
        try
        {
            await next();
        }
        finally
        {
            http.Request.Method = HttpMethods.Head;
        }
    }
}
