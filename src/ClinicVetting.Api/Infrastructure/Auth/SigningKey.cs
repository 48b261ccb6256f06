using System.Security.Cryptography;
using System.Text;
using ClinicVetting.Infrastructure.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace ClinicVetting.Infrastructure.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = "clinicvetting";
    public string Audience { get; set; } = "clinicvetting-api";

    /// <summary>HMAC key (base64, at least 32 bytes) for tokens we sign ourselves.</summary>
    public string SigningKey { get; set; } = "";

    /// <summary>An OpenID Connect authority, when tokens come from an identity provider instead.</summary>
    public string Authority { get; set; } = "";
}

/// <summary>
/// The key that signs and checks bearer tokens. Production configures it (or an authority);
/// development generates one into the data directory, never committed.
/// </summary>
public sealed record SigningKey(SymmetricSecurityKey? Key, string Source)
{
    public const string DevKeyFile = "dev-signing-key";

    public static SigningKey Resolve(AuthOptions auth, AppOptions app, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(auth.SigningKey))
        {
            return new SigningKey(new SymmetricSecurityKey(Decode(auth.SigningKey)), "configuration");
        }

        if (!string.IsNullOrWhiteSpace(auth.Authority))
        {
            return new SigningKey(null, auth.Authority);
        }

        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "Configure Auth:SigningKey (base64, 32 bytes or more) or Auth:Authority: outside Development no key is generated.");
        }

        var (key, path) = DevelopmentKeyFile.ReadOrCreate(app, environment, DevKeyFile, 64);
        return new SigningKey(new SymmetricSecurityKey(Decode(key)), path);
    }

    private static byte[] Decode(string key)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            bytes = Encoding.UTF8.GetBytes(key);
        }

        return bytes.Length >= 32
            ? bytes
            : throw new InvalidOperationException("Auth:SigningKey must hold at least 32 bytes.");
    }
}
