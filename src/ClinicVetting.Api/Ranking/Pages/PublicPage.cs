using System.Text;
using ClinicVetting.Infrastructure.Web;
using ClinicVetting.Ranking.PublicFeed;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace ClinicVetting.Ranking.Pages;

/// <summary>
/// The public pages are Razor components rendered on the server to HTML once per revision of what they show, then served like
/// the feed: from <see cref="PublicFeedCache"/>, with its strong ETag, 304 on If-None-Match, its Cache-Control and its rate
/// limit. A page is only data turned into markup: the endpoint reads, the component renders.
/// </summary>
public sealed class PublicPageRenderer(IServiceScopeFactory scopes, ILoggerFactory logs)
{
    public const string ContentType = "text/html; charset=utf-8";

    public async Task<CachedBody> Render<TPage>(IDictionary<string, object?> parameters) where TPage : IComponent
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, logs);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TPage>(ParameterView.FromDictionary(parameters))).ToHtmlString());
        return CachedBody.Of(Encoding.UTF8.GetBytes(html), ContentType);
    }
}

/// <summary>A public page: the console's Content-Security-Policy (no script at all), then the feed's caching answer.</summary>
public sealed class PublicPageResult(CachedBody body, int status = StatusCodes.Status200OK, string cacheControl = PublicResult.DefaultCacheControl) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.Headers.ContentSecurityPolicy = WebPages.Policy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers["Referrer-Policy"] = "same-origin";
        if (status == StatusCodes.Status200OK)
        {
            await new PublicResult(body, cacheControl).ExecuteAsync(http);
            return;
        }

        http.Response.StatusCode = status;
        http.Response.Headers.CacheControl = "public, max-age=60";
        http.Response.ContentType = body.ContentType;
        await http.Response.Body.WriteAsync(body.Bytes, http.RequestAborted);
    }
}
