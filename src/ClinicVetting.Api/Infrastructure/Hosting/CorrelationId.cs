using System.Diagnostics;
using Serilog.Context;

namespace ClinicVetting.Infrastructure.Hosting;

/// <summary>
/// One id ties a request's log lines, its events (Marten's correlation_id column) and its messages together:
/// the caller's X-Correlation-ID when it is sane, else the W3C trace id of the request.
/// </summary>
public static class CorrelationId
{
    public const string Header = "X-Correlation-ID";
    private const string ItemKey = "clinicvetting.correlation-id";

    public static string Of(HttpContext http) =>
        http.Items.TryGetValue(ItemKey, out var value) && value is string id ? id : http.TraceIdentifier;

    public static async Task Middleware(HttpContext http, Func<Task> next)
    {
        var id = http.Request.Headers[Header].ToString();
        if (!IsAcceptable(id))
        {
            id = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
        }

        http.Items[ItemKey] = id;
        http.Response.Headers[Header] = id;
        using (LogContext.PushProperty("CorrelationId", id))
        {
            await next();
        }
    }

    private static bool IsAcceptable(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
