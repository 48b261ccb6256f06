using System.Security.Cryptography;
using System.Text;
using ClinicVetting.Infrastructure.Hosting;

namespace ClinicVetting.Audit.Integrity;

/// <summary>The "Audit" configuration section.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>How often the event log is sealed; 0 or less turns the background sealing off.</summary>
    public int SealEverySeconds { get; set; } = 60;

    /// <summary>HMAC key for the seals, base64, at least 32 bytes. Required outside Development.</summary>
    public string SealKey { get; set; } = "";

    public static AuditOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<AuditOptions>() ?? new AuditOptions();
}

/// <summary>
/// The key that signs seals and checks them. Production configures it; development generates one into the data
/// directory, never committed. Whoever holds it can forge seals, so it belongs with the operators, not the DBAs.
/// </summary>
public sealed class SealKey
{
    public const string DevKeyFile = "dev-seal-key";

    private readonly byte[] _key;

    public SealKey(byte[] key, string source)
    {
        if (key.Length < 32)
        {
            throw new InvalidOperationException("Audit:SealKey must hold at least 32 bytes.");
        }

        _key = key;
        Source = source;
    }

    public string Source { get; }

    public static SealKey Resolve(AuditOptions audit, AppOptions app, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(audit.SealKey))
        {
            return new SealKey(Decode(audit.SealKey), "configuration");
        }

        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "Configure Audit:SealKey (base64, 32 bytes or more): outside Development no seal key is generated.");
        }

        var (key, path) = DevelopmentKeyFile.ReadOrCreate(app, environment, DevKeyFile, 32);
        return new SealKey(Decode(key), path);
    }

    /// <summary>Hex HMAC-SHA256 of the text.</summary>
    public string Sign(string payload) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(payload)));

    public bool Verifies(string payload, string signature) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(payload)), Encoding.ASCII.GetBytes(signature.ToLowerInvariant()));

    private static byte[] Decode(string key)
    {
        try
        {
            return Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Audit:SealKey must be base64.");
        }
    }
}
