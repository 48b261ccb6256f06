using System.Globalization;

namespace ClinicVetting.Audit.Integrity;

/// <summary>
/// What verifying one sealed range found, kept so that later answers need not read the range again: a document per
/// seal. It holds only for the seal exactly as it was verified (same range, digest and signature) and is signed with the
/// seal key, so a verdict edited in the database, or one left over from a seal since replaced, is not believed but
/// verified again.
/// </summary>
public sealed class SealVerdict
{
    /// <summary>The seal's number.</summary>
    public long Id { get; set; }

    public long FromSeq { get; set; }
    public long UptoSeq { get; set; }
    public string SealDigest { get; set; } = "";
    public string SealSignature { get; set; } = "";

    public bool Intact { get; set; }
    public long EventsChecked { get; set; }
    public long ProblemCount { get; set; }

    /// <summary>The first problems found in the range, in log order.</summary>
    public List<BrokenLink> Problems { get; set; } = [];

    /// <summary>When the snapshot the range was read from was taken.</summary>
    public DateTimeOffset VerifiedAt { get; set; }

    /// <summary>"answer" when an integrity answer verified the range, or the id of the re-verification that did.</summary>
    public string VerifiedBy { get; set; } = "";

    public string Signature { get; set; } = "";

    public static SealVerdict For(AuditSeal seal, long eventsChecked, IReadOnlyList<BrokenLink> problems, long problemCount,
        DateTimeOffset verifiedAt, string verifiedBy, SealKey key)
    {
        var verdict = new SealVerdict
        {
            Id = seal.SealNo,
            FromSeq = seal.FromSeq,
            UptoSeq = seal.UptoSeq,
            SealDigest = seal.Digest,
            SealSignature = seal.Signature,
            Intact = problemCount == 0,
            EventsChecked = eventsChecked,
            ProblemCount = problemCount,
            Problems = problems.Take(ProblemLog.Listed).ToList(),
            VerifiedAt = AuditSeal.ToStoredPrecision(verifiedAt),
            VerifiedBy = verifiedBy,
        };
        verdict.Signature = key.Sign(verdict.SignedPayload());
        return verdict;
    }

    /// <summary>Whether this verdict was given on this very seal and signed by the key.</summary>
    public bool HoldsFor(AuditSeal seal, SealKey key) =>
        Id == seal.SealNo && FromSeq == seal.FromSeq && UptoSeq == seal.UptoSeq && SealDigest == seal.Digest
        && SealSignature == seal.Signature && key.Verifies(SignedPayload(), Signature);

    /// <summary>The verdict's meaning, including its listed problems' positions: changing any of them voids the signature.</summary>
    public string SignedPayload() => string.Create(CultureInfo.InvariantCulture,
        $"clinicvetting-verdict-v1|{Id}|{FromSeq}|{UptoSeq}|{SealDigest}|{SealSignature}|{Intact}|{EventsChecked}|{ProblemCount}|" +
        $"{string.Join(";", Problems.Select(x => $"{x.Problem}@{x.Seq}"))}|{VerifiedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'}|{VerifiedBy}");
}
