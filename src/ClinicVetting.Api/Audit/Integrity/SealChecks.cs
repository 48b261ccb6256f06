namespace ClinicVetting.Audit.Integrity;

/// <summary>Checks of the seals themselves, without the database: numbering, ranges, the digest chain, signatures.</summary>
public static class SealChecks
{
    /// <summary>Seals in seal number order must number from 1, cover contiguous ranges, chain their digests and carry valid signatures.</summary>
    public static IEnumerable<BrokenLink> Chain(IReadOnlyList<AuditSeal> seals, SealKey key)
    {
        var expectedNo = 1L;
        var previousUpto = 0L;
        var previousDigest = AuditSeal.Genesis;
        foreach (var seal in seals)
        {
            if (seal.SealNo != expectedNo)
            {
                yield return new BrokenLink(Breaks.SealMissing,
                    $"Seal {expectedNo}{(seal.SealNo - expectedNo > 1 ? $" to {seal.SealNo - 1}" : "")} is gone: the seals go from {expectedNo - 1} to {seal.SealNo}.",
                    Seq: previousUpto + 1, SealNo: expectedNo);
            }

            if (seal.FromSeq != previousUpto + 1 || seal.UptoSeq < seal.FromSeq || seal.PreviousDigest != previousDigest)
            {
                yield return new BrokenLink(Breaks.SealChainBroken,
                    $"Seal {seal.SealNo} (sequence {seal.FromSeq} to {seal.UptoSeq}) does not follow the seal before it, which ends at {previousUpto}" +
                    (seal.PreviousDigest != previousDigest ? " and has another digest than the one it names." : "."),
                    Seq: seal.FromSeq, SealNo: seal.SealNo);
            }

            if (!key.Verifies(seal.SignedPayload(), seal.Signature))
            {
                yield return new BrokenLink(Breaks.SealSignatureInvalid,
                    $"Seal {seal.SealNo} is not signed by the seal key: it was forged or altered after sealing.",
                    Seq: seal.FromSeq, SealNo: seal.SealNo);
            }

            expectedNo = seal.SealNo + 1;
            previousUpto = seal.UptoSeq;
            previousDigest = seal.Digest;
        }
    }

    /// <summary>
    /// The seal exported earlier must still be in the log, with the same digest, and the log must still reach the end of
    /// its range (an event stood at its last sequence number when it was sealed).
    /// </summary>
    public static BrokenLink? Exported(ExportedSeal exported, IReadOnlyList<AuditSeal> seals, long lastEventSeq)
    {
        var seal = seals.FirstOrDefault(x => x.SealNo == exported.SealNo);
        if (seal is null)
        {
            var last = seals.Count > 0 ? $"the last seal is {seals[^1].SealNo}" : "there is no seal at all";
            return new BrokenLink(Breaks.Truncated,
                $"Seal {exported.SealNo} is no longer in the log ({last}): the events it covered, or its seals, were removed.",
                SealNo: exported.SealNo);
        }

        if (!string.Equals(seal.Digest, exported.Digest, StringComparison.OrdinalIgnoreCase))
        {
            return new BrokenLink(Breaks.Truncated,
                $"Seal {seal.SealNo} now has digest {seal.Digest}, not the exported {exported.Digest.ToLowerInvariant()}: the log it covered was cut back and sealed again.",
                Seq: seal.FromSeq, SealNo: seal.SealNo);
        }

        return lastEventSeq >= seal.UptoSeq
            ? null
            : new BrokenLink(Breaks.Truncated,
                $"The log ends at sequence {lastEventSeq}, before the end of seal {seal.SealNo} at {seal.UptoSeq}: it was cut back.",
                Seq: lastEventSeq + 1, SealNo: seal.SealNo);
    }
}

/// <summary>
/// Recomputes every seal's digest from the event hashes as they stream past in sequence order, in one pass over the log.
/// Seals whose range overlaps an earlier one are left to <see cref="SealChecks.Chain"/>, which already reports them.
/// </summary>
internal sealed class SealDigestCheck(IReadOnlyList<AuditSeal> seals, ProblemLog problems)
{
    private readonly Queue<AuditSeal> _ahead = new(NonOverlapping(seals));
    private (AuditSeal Seal, SealDigest Digest)? _current;

    public void Observe(long seq, string? eventHash)
    {
        while (true)
        {
            if (_current is { } open)
            {
                if (seq <= open.Seal.UptoSeq)
                {
                    break;
                }

                Close();
            }
            else if (_ahead.TryPeek(out var next) && next.FromSeq <= seq)
            {
                _current = (_ahead.Dequeue(), new SealDigest(next.PreviousDigest));
            }
            else
            {
                break;
            }
        }

        if (_current is { } covering && eventHash is not null)
        {
            covering.Digest.Add(eventHash);
        }
    }

    /// <summary>Seals past the end of the log are closed with what is left of their range, usually nothing.</summary>
    public void Complete()
    {
        while (_current is not null || _ahead.Count > 0)
        {
            if (_current is null)
            {
                var next = _ahead.Dequeue();
                _current = (next, new SealDigest(next.PreviousDigest));
            }

            Close();
        }
    }

    private void Close()
    {
        var (seal, digest) = _current!.Value;
        _current = null;
        using (digest)
        {
            var recomputed = digest.Finish();
            if (recomputed != seal.Digest || digest.EventCount != seal.EventCount)
            {
                problems.Add(new BrokenLink(Breaks.SealDigestMismatch,
                    $"Seal {seal.SealNo} covers {seal.EventCount} event hashes from sequence {seal.FromSeq} to {seal.UptoSeq} with digest {seal.Digest}; " +
                    $"the log now holds {digest.EventCount} there, with digest {recomputed}: events of the range were changed, removed or added.",
                    Seq: seal.FromSeq, SealNo: seal.SealNo));
            }
        }
    }

    /// <summary>The seals whose digests can be checked, in sequence order: an overlapping or empty range is the chain check's to report.</summary>
    public static IEnumerable<AuditSeal> NonOverlapping(IReadOnlyList<AuditSeal> seals)
    {
        var coveredUpto = 0L;
        foreach (var seal in seals.OrderBy(x => x.FromSeq).ThenBy(x => x.SealNo))
        {
            if (seal.FromSeq > coveredUpto && seal.UptoSeq >= seal.FromSeq)
            {
                coveredUpto = seal.UptoSeq;
                yield return seal;
            }
        }
    }
}
