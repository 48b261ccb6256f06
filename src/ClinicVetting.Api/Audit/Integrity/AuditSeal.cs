using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ClinicVetting.Audit.Integrity;

/// <summary>
/// A signed statement that the log held exactly these event hashes from <paramref name="FromSeq"/> to
/// <paramref name="UptoSeq"/>, chained to the seal before it. Exported (to a ticket, an e-mail, another system), it
/// lets anyone who later holds the log prove that nothing it covered was changed, removed or cut off.
/// </summary>
public sealed record AuditSeal(
    long SealNo,
    long FromSeq,
    long UptoSeq,
    long EventCount,
    string PreviousDigest,
    string Digest,
    DateTimeOffset SealedAt,
    string Signature)
{
    /// <summary>The previous digest of the first seal.</summary>
    public const string Genesis = "";

    /// <summary>The text the signature covers: every field but the signature, invariant and unambiguous.</summary>
    public string SignedPayload() => string.Create(CultureInfo.InvariantCulture,
        $"clinicvetting-seal-v1|{SealNo}|{FromSeq}|{UptoSeq}|{EventCount}|{PreviousDigest}|{Digest}|{SealedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'}");

    /// <summary>PostgreSQL keeps microseconds: a seal is signed with the instant it will read back.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset instant) =>
        new(instant.UtcTicks - instant.UtcTicks % 10, TimeSpan.Zero);
}

/// <summary>
/// SHA-256 over the previous seal's digest followed by the event hashes of the range in sequence order: removing,
/// adding, reordering or re-hashing any event of the range changes it.
/// </summary>
public sealed class SealDigest : IDisposable
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public SealDigest(string previousDigest) => _sha256.AppendData(Encoding.UTF8.GetBytes(previousDigest));

    public long EventCount { get; private set; }

    public void Add(string eventHash)
    {
        _sha256.AppendData(Encoding.UTF8.GetBytes(eventHash));
        EventCount++;
    }

    public string Finish() => Convert.ToHexStringLower(_sha256.GetHashAndReset());

    public void Dispose() => _sha256.Dispose();
}
