using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ClinicVetting.Infrastructure.Auth;

/// <summary>Mints bearer tokens with the local signing key: development tokens, tests and benchmarks.</summary>
public sealed class TokenIssuer(SigningKey signingKey, IOptions<AuthOptions> options)
{
    public bool CanIssue => signingKey.Key is not null;

    public string Issue(string subject, IEnumerable<string> roles, TimeSpan lifetime)
    {
        if (signingKey.Key is null)
        {
            throw new InvalidOperationException("Tokens come from the configured authority; there is no local signing key.");
        }

        // Wall-clock time, not the domain's TimeProvider: the JWT handler checks expiry against the real clock.
        var now = DateTime.UtcNow;
        var claims = new List<Claim> { new("sub", subject), new("name", subject) };
        claims.AddRange(roles.Select(role => new Claim("role", role)));

        var token = new JwtSecurityToken(
            issuer: options.Value.Issuer,
            audience: options.Value.Audience,
            claims: claims,
            notBefore: now.AddMinutes(-1),
            expires: now.Add(lifetime),
            signingCredentials: new SigningCredentials(signingKey.Key, SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}
