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
    long DocumentsChecked = 0)
{
    /// <summary>
    /// What this answer read itself: <c>unsealed tail</c> (the events after the last seal and any sealed range without a
    /// verdict yet; the others from their stored verdicts) or <c>everything</c> (a full re-verification).
    /// </summary>
    public string Scope { get; init; } = IntegrityVerifier.ScopeEverything;

    /// <summary>Sealed ranges read by this answer, their verdicts kept for the next ones.</summary>
    public long SealsVerifiedNow { get; init; }

    /// <summary>Sealed ranges answered from the verdict stored when they were last read; broken ones report their problems.</summary>
    public long SealsFromStoredVerdicts { get; init; }

    /// <summary>When the oldest stored verdict used was given: request a re-verification to renew them all.</summary>
    public DateTimeOffset? OldestStoredVerdictAt { get; init; }

    /// <summary>Evidence documents whose bytes this answer hashed: stored, or their rows written, since their last verdict (all of them in a re-verification).</summary>
    public long DocumentsHashedNow { get; init; }

    /// <summary>Evidence documents answered from the verdict kept when their bytes were last hashed, their rows unchanged since.</summary>
    public long DocumentsFromStoredVerdicts { get; init; }
}

/// <summary>Collects problems in bounded memory; the report lists the first ones in log order.</summary>
internal sealed class ProblemLog
{
    public const int Listed = 100;
    private const int Kept = 1_000;

    private readonly List<BrokenLink> _kept = [];

    public long Count { get; private set; }

    /// <summary>Sees every problem added, listed or not (to tell each seal what was found in its range).</summary>
    public Action<BrokenLink>? Observer { get; set; }

    public void Add(BrokenLink problem)
    {
        Observer?.Invoke(problem);
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

    /// <summary>A stored verdict's problems: those it lists, and its count of all it found.</summary>
    public void AddVerdict(SealVerdict verdict)
    {
        AddRange(verdict.Problems);
        Count += verdict.ProblemCount - verdict.Problems.Count;
    }

    /// <summary>In sequence order, problems without a position (a missing seal, a stream's lost tail) last.</summary>
    public IReadOnlyList<BrokenLink> InLogOrder() => _kept.OrderBy(x => x.Seq ?? long.MaxValue).Take(Listed).ToList();
}

/// <summary>
/// Which seal's range each event and problem of a pass falls in, to give each seal read by the pass its verdict. Problems
/// outside every range (the tail, the streams, the seals' own chain) belong to no seal.
/// </summary>
internal sealed class SealAttribution
{
    private readonly AuditSeal[] _seals;
    private readonly long[] _events;
    private readonly ProblemLog[] _problems;

    /// <param name="seals">Seals whose ranges do not overlap, in sequence order.</param>
    public SealAttribution(IReadOnlyList<AuditSeal> seals)
    {
        _seals = seals.ToArray();
        _events = new long[_seals.Length];
        _problems = _seals.Select(_ => new ProblemLog()).ToArray();
    }

    public int Seals => _seals.Length;

    public void CountEvent(long seq)
    {
        if (IndexOf(seq) is { } index) _events[index]++;
    }

    public void Attribute(BrokenLink problem)
    {
        var index = problem.SealNo is { } no ? Array.FindIndex(_seals, x => x.SealNo == no) : problem.Seq is { } seq ? IndexOf(seq) ?? -1 : -1;
        if (index >= 0) _problems[index].Add(problem);
    }

    public IReadOnlyList<SealVerdict> Verdicts(DateTimeOffset verifiedAt, string verifiedBy, SealKey key) =>
        _seals.Select((seal, i) => SealVerdict.For(seal, _events[i], _problems[i].InLogOrder(), _problems[i].Count, verifiedAt, verifiedBy, key)).ToList();

    private int? IndexOf(long seq)
    {
        int low = 0, high = _seals.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (seq < _seals[middle].FromSeq) high = middle - 1;
            else if (seq > _seals[middle].UptoSeq) low = middle + 1;
            else return middle;
        }

        return null;
    }
}
