using System.Security.Cryptography;
using System.Text;

namespace ClinicVetting.Notifications;

/// <summary>
/// How each webhook delivery is signed, and how a receiver checks it: <c>ClinicVetting-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>
/// where v1 is HMAC-SHA256, keyed with the subscriber's secret, over "&lt;t&gt;.&lt;raw body&gt;". A receiver recomputes it,
/// compares in constant time, refuses a t outside its tolerance (a replay) and drops a ClinicVetting-Delivery id it has seen.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "ClinicVetting-Signature";
    public const string DeliveryHeader = "ClinicVetting-Delivery";
    public const string EventHeader = "ClinicVetting-Event";

    public static string Sign(string secret, DateTimeOffset at, string body)
    {
        var timestamp = at.ToUnixTimeSeconds();
        return $"t={timestamp},v1={Hmac(secret, timestamp, body)}";
    }

    public static string Hmac(string secret, long timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    /// <summary>Null when the header signs this body with this secret within the tolerance; else why not.</summary>
    public static string? Problem(string? header, string secret, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        var parts = (header ?? "").Split(',').Select(x => x.Split('=', 2)).Where(x => x.Length == 2).ToLookup(x => x[0].Trim(), x => x[1].Trim());
        if (!long.TryParse(parts["t"].FirstOrDefault(), out var timestamp))
        {
            return "no timestamp";
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > tolerance.TotalSeconds)
        {
            return "timestamp outside the tolerance: a replay or a stale delivery";
        }

        var expected = Encoding.ASCII.GetBytes(Hmac(secret, timestamp, body));
        return parts["v1"].Any(x => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(x), expected)) ? null : "signature does not match";
    }
}
