using ClinicVetting.Infrastructure.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ClinicVetting.Infrastructure.Auth;

public static class AuthSetup
{
    public static void AddAuth(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<AuthOptions>(builder.Configuration.GetSection(AuthOptions.Section));
        // Resolved on first use, so commands such as db-apply run without a key; serving checks it at start.
        builder.Services.AddSingleton(services => SigningKey.Resolve(
            services.GetRequiredService<IOptions<AuthOptions>>().Value,
            AppOptions.From(builder.Configuration),
            services.GetRequiredService<IHostEnvironment>()));
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddHostedService<SigningKeyCheck>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKey, IOptions<AuthOptions>>((jwt, signingKey, auth) =>
            {
                jwt.MapInboundClaims = false;
                var handlers = jwt.TokenHandlers.Select(handler => (TokenHandler)new ValidatedTokens(handler)).ToList();
                jwt.TokenHandlers.Clear();
                foreach (var handler in handlers)
                {
                    jwt.TokenHandlers.Add(handler);
                }

                if (signingKey.Key is null)
                {
                    jwt.Authority = auth.Value.Authority;
                }

                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    IssuerSigningKey = signingKey.Key,
                    ValidateIssuerSigningKey = signingKey.Key is not null,
                    NameClaimType = "sub",
                    RoleClaimType = "role",
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });

        var authorization = builder.Services.AddAuthorizationBuilder()
            // An endpoint that forgot its policy still needs a signed-in caller (and a test catches it).
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var (policy, roles) in Policies.RolesOf)
        {
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }
    }

    /// <summary>A server without a signing key or authority refuses to start rather than to authenticate.</summary>
    private sealed class SigningKeyCheck(SigningKey key, ILogger<SigningKeyCheck> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellation)
        {
            logger.LogInformation("Bearer tokens are checked with the key from {Source}", key.Key is null ? key.Source : key.Source.Contains('/') ? "the development key file" : key.Source);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellation) => Task.CompletedTask;
    }
}
