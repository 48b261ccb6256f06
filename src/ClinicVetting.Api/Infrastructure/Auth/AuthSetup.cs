using ClinicVetting.Infrastructure.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace ClinicVetting.Infrastructure.Auth;

public static class AuthSetup
{
    public static void AddAuth(this WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var signingKey = SigningKey.Resolve(auth, AppOptions.From(builder.Configuration), builder.Environment);

        builder.Services.Configure<AuthOptions>(builder.Configuration.GetSection(AuthOptions.Section));
        builder.Services.AddSingleton(signingKey);
        builder.Services.AddSingleton<TokenIssuer>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                if (signingKey.Key is null)
                {
                    jwt.Authority = auth.Authority;
                }

                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Issuer,
                    ValidAudience = auth.Audience,
                    IssuerSigningKey = signingKey.Key,
                    ValidateIssuerSigningKey = signingKey.Key is not null,
                    NameClaimType = "sub",
                    RoleClaimType = "role",
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });

        builder.Services.AddAuthorizationBuilder()
            // An endpoint that forgot its policy still needs a signed-in caller (and a test catches it).
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicies();
    }

    private static void AddPolicies(this AuthorizationBuilder authorization)
    {
        foreach (var (policy, roles) in Policies.RolesOf)
        {
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }
    }
}
