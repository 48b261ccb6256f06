using System.Security.Claims;
using ClinicVetting.Infrastructure.Auth;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ClinicVetting.Infrastructure.Web;

/// <summary>The "Console" configuration section: how people sign in to the console (the API keeps its bearer tokens).</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>Offer the development identities on the sign-in page. On by default in Development only.</summary>
    public bool? DevIdentities { get; set; }

    public OpenIdConnectSettings OpenIdConnect { get; set; } = new();

    public sealed class OpenIdConnectSettings
    {
        /// <summary>The identity provider; empty means no OpenID Connect sign-in.</summary>
        public string Authority { get; set; } = "";

        public string ClientId { get; set; } = "";

        public string ClientSecret { get; set; } = "";

        /// <summary>The ID token's claim that carries the user's roles (a role name per value).</summary>
        public string RoleClaim { get; set; } = "roles";

        /// <summary>The claim that names the user, as the API's tokens name them in "sub" (the four-eyes rule compares them).</summary>
        public string NameClaim { get; set; } = "sub";

        /// <summary>Provider role or group names mapped to ours (staff, approver, auditor); unmapped values are used as they are.</summary>
        public Dictionary<string, string> RoleMap { get; set; } = new();

        public string DisplayName { get; set; } = "your organisation's sign-in";
    }

    public bool UsesOpenIdConnect => !string.IsNullOrWhiteSpace(OpenIdConnect.Authority);
}

/// <summary>
/// Cookie sign-in for the console's pages. Pages run the same authorization policies as the API (<see cref="Policies"/>),
/// evaluated against the cookie's principal, which carries the same "sub" and "role" claims as an API token.
/// </summary>
public static class ConsoleSignIn
{
    public const string Scheme = "console";
    public const string OpenIdConnectScheme = "console-oidc";
    public const string SignInPath = "/console/sign-in";

    /// <summary>Who can be picked on the development sign-in page: one per role, and a second approver for four eyes.</summary>
    public static readonly IReadOnlyList<DevIdentity> DevIdentities =
    [
        new("dev-staff", "Vetting staff", [Roles.Staff]),
        new("dev-approver", "Approver", [Roles.Approver]),
        new("dev-approver-2", "Second approver", [Roles.Approver]),
        new("dev-auditor", "Auditor", [Roles.Auditor]),
    ];

    public static void AddConsoleSignIn(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new ConsoleOptions();
        options.DevIdentities ??= builder.Environment.IsDevelopment();
        builder.Services.AddSingleton(options);

        var authentication = builder.Services.AddAuthentication();
        authentication.AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = "clinicvetting-console";
            cookie.Cookie.Path = "/console";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = SignInPath;
            cookie.AccessDeniedPath = "/console/denied";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
        });

        if (options.UsesOpenIdConnect)
        {
            var settings = options.OpenIdConnect;
            authentication.AddOpenIdConnect(OpenIdConnectScheme, settings.DisplayName, oidc =>
            {
                oidc.SignInScheme = Scheme;
                oidc.Authority = settings.Authority;
                oidc.ClientId = settings.ClientId;
                oidc.ClientSecret = settings.ClientSecret;
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                oidc.UsePkce = true;
                oidc.CallbackPath = "/console/signin-oidc";
                oidc.SignedOutCallbackPath = "/console/signout-callback-oidc";
                oidc.MapInboundClaims = false;
                oidc.GetClaimsFromUserInfoEndpoint = true;
                oidc.SaveTokens = false;
                oidc.Scope.Clear();
                oidc.Scope.Add("openid");
                oidc.Scope.Add("profile");
                oidc.Events.OnTokenValidated = context =>
                {
                    context.Principal = ConsolePrincipal(context.Principal!, settings);
                    return Task.CompletedTask;
                };
            });
        }
    }

    /// <summary>A development identity's principal, shaped as a dev-token's claims are.</summary>
    public static ClaimsPrincipal For(DevIdentity identity) =>
        Principal(identity.Name, identity.Name, identity.Roles, "dev");

    /// <summary>The provider's principal reduced to what the policies read: the user's name as "sub" and our roles as "role".</summary>
    public static ClaimsPrincipal ConsolePrincipal(ClaimsPrincipal external, ConsoleOptions.OpenIdConnectSettings settings)
    {
        var name = external.FindFirst(settings.NameClaim)?.Value ?? external.FindFirst("sub")?.Value
            ?? throw new InvalidOperationException($"The identity provider's token has no '{settings.NameClaim}' claim.");
        var display = external.FindFirst("name")?.Value ?? external.FindFirst("preferred_username")?.Value ?? name;
        var roles = external.FindAll(settings.RoleClaim)
            .Select(claim => settings.RoleMap.TryGetValue(claim.Value, out var ours) ? ours : claim.Value)
            .Where(role => Roles.All.Contains(role) && role != Roles.Booking)
            .Distinct();
        return Principal(name, display, roles, "oidc");
    }

    private static ClaimsPrincipal Principal(string subject, string display, IEnumerable<string> roles, string method)
    {
        var claims = new List<Claim> { new("sub", subject), new("name", display), new("amr", method) };
        claims.AddRange(roles.Select(role => new Claim("role", role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, nameType: "sub", roleType: "role"));
    }

    public static void MapConsoleSignIn(this WebApplication app)
    {
        app.MapPost("/console/sign-out", async (HttpContext http) =>
            {
                await http.SignOutAsync(Scheme);
                return Results.LocalRedirect(SignInPath);
            })
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = Scheme })
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .DisableRateLimiting()
            .ExcludeFromDescription();

        app.MapGet("/console/sign-in/external", (string? returnUrl, ConsoleOptions options) =>
                options.UsesOpenIdConnect
                    ? Results.Challenge(new AuthenticationProperties { RedirectUri = SafeReturnUrl(returnUrl) }, [OpenIdConnectScheme])
                    : Results.NotFound())
            .AllowAnonymous()
            .ExcludeFromDescription();
    }

    /// <summary>Only a path inside the console: a sign-in link must not send anyone elsewhere.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl.StartsWith("/console", StringComparison.Ordinal) && !returnUrl.StartsWith("//", StringComparison.Ordinal)
                                     && !returnUrl.Contains('\\')
            ? returnUrl
            : "/console";
}

public sealed record DevIdentity(string Name, string Label, string[] Roles);
