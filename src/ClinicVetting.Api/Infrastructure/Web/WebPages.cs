using Microsoft.AspNetCore.Components.Endpoints;

namespace ClinicVetting.Infrastructure.Web;

/// <summary>
/// The pages people use in a browser: Razor components rendered on the server (no interactivity, no JavaScript needed),
/// each in the capability folder it serves, on the same commands and policies as the API. The console lives under
/// /console behind cookie sign-in (<see cref="ConsoleSignIn"/>); every page gets a strict Content-Security-Policy and
/// every form an antiforgery token.
/// </summary>
public static class WebPages
{
    public const string ConsolePath = "/console";

    public static void AddWebPages(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "clinicvetting-antiforgery";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        builder.AddConsoleSignIn();
    }

    public static void MapWebPages(this WebApplication app)
    {
        app.Use(ContentSecurityPolicy);
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapConsoleSignIn();
        app.MapRazorComponents<App>()
            .Add(endpoint =>
            {
                // Console pages read the console's cookie; their [Authorize(Policy = ...)] names the API's policy.
                if (endpoint is RouteEndpointBuilder route && route.RoutePattern.RawText?.StartsWith(ConsolePath, StringComparison.OrdinalIgnoreCase) == true)
                {
                    endpoint.Metadata.Add(new AuthorizeAttribute { AuthenticationSchemes = ConsoleSignIn.Scheme });
                }
            });
    }

    /// <summary>Pages load nothing but our own stylesheet and images: no script runs, no form posts elsewhere, no framing.</summary>
    public const string Policy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";

    private static Task ContentSecurityPolicy(HttpContext http, Func<Task> next)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null || http.Request.Path.StartsWithSegments(ConsolePath))
        {
            http.Response.OnStarting(() =>
            {
                http.Response.Headers.ContentSecurityPolicy = Policy;
                http.Response.Headers.XContentTypeOptions = "nosniff";
                http.Response.Headers["Referrer-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
        }

        return next();
    }
}
