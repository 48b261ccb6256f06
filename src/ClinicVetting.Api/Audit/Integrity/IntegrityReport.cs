namespace ClinicVetting.Audit.Integrity;

/// <summary>What a broken link can be; the words of <see cref="BrokenLink.Problem"/>.</summary>
public static class Breaks
{
    /// <summary>An event no longer matches its recorded hash (one of its hashed fields was changed), or a stream is recorded behind its events.</summary>
    public const string Edited = "edited";

    /// <summary>An event the chain recorded is gone (its hash remains, or its successor links to nothing).</summary>
    public const string Missing = "missing";

    /// <summary>The event at a sequence number is not the one recorded there, or does not link to its predecessor.</summary>
    public const string OutOfOrder = "out of order";

    /// <summary>An event has no recorded hash: it was written past the trigger.</summary>
    public const string Unhashed = "unhashed";

    /// <summary>The trigger that records the hashes is missing or disabled.</summary>
    public const string Unprotected = "chain unprotected";

    public const string SealMissing = "seal missing";
    public const string SealChainBroken = "seal chain broken";
    public const string SealDigestMismatch = "seal digest mismatch";
    public const string SealSignatureInvalid = "seal signature invalid";

    /// <summary>The log no longer holds everything an exported seal covered.</summary>
    public const string Truncated = "truncated";

    /// <summary>An evidence document's bytes no longer hash to the SHA-256 its event recorded (or not to their recorded size).</summary>
    public const string DocumentAltered = "document altered";

    /// <summary>An evidence document an event recorded is not in the document store.</summary>
    public const string DocumentMissing = "document missing";
}

/// <summary>One problem found, placed as precisely as it can be: sequence number, stream and version, or seal.</summary>
public sealed record BrokenLink(string Problem, string Detail, long? Seq = null, Guid? StreamId = null, long? Version = null, long? SealNo = null);

public sealed record SealSummary(long No, long UptoSeq, string Digest, DateTimeOffset SealedAt);

/// <summary>A seal kept outside the database, to prove the log still holds everything it covered.</summary>
public sealed record ExportedSeal(long SealNo, string Digest);

public sealed record IntegrityProgress(long EventsChecked, long EventsTotal);

/// <summary>The answer of a verification: valid only when no problem was found.</summary>
public sealed record IntegrityReport(
    bool Valid,
    long EventsChecked,
    long StreamsChecked,
    long SealsChecked,
    SealSummary? LastSeal,
    long UnsealedEvents,
    BrokenLink? FirstBrokenLink,
    long ProblemCount,
    IReadOnlyList<BrokenLink> Problems,
    long DocumentsChecked = 0);

/// <summary>Collects problems in bounded memory; the report lists the first ones in log order.</summary>
internal sealed class ProblemLog
{
    public const int Listed = 100;
    private const int Kept = 1_000;

    private readonly List<BrokenLink> _kept = [];

    public long Count { get; private set; }

    public void Add(BrokenLink problem)
    {
        Count++;
        if (_kept.Count < Kept)
        {
            _kept.Add(problem);
        }
    }

    public void AddRange(IEnumerable<BrokenLink> problems)
    {
        foreach (var problem in problems)
        {
            Add(problem);
        }
    }

    /// <summary>In sequence order, problems without a position (a missing seal, a stream's lost tail) last.</summary>
    public IReadOnlyList<BrokenLink> InLogOrder() => _kept.OrderBy(x => x.Seq ?? long.MaxValue).Take(Listed).ToList();
}
