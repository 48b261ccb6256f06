using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Documents;
using Marten.Events;

namespace ClinicVetting.Audit.Integrity;

/// <summary>
/// The evidence documents against the SHA-256 their events recorded (the events' hash chain covers it). Each document's
/// bytes are hashed once and the verdict kept (<see cref="DocumentVerdict"/>); an answer then reads the rows' fingerprints
/// (no bytes) and hashes only documents stored since, or whose rows were written since their verdict: a byte changed in the
/// database makes a new row version, so it is hashed again and reported. The attachments recorded by events are read from
/// the last mark on (<see cref="DocumentAttachmentMark"/>). A re-verification hashes everything and reads every attachment.
/// </summary>
public sealed class DocumentCheck(IDocumentStore store, SealKey key, IEvidenceDocumentStore documents)
{
    /// <summary>Checks the documents, adds what is wrong to <paramref name="problems"/> and keeps the new verdicts.</summary>
    internal async Task<DocumentCheckResult> Run(ProblemLog problems, long sealedUpto, bool everything, string verifiedBy, DateTimeOffset at,
        CancellationToken cancellation)
    {
        var (verdicts, mark) = everything ? ([], null) : await StoredVerdicts(cancellation);
        var after = mark?.UptoSeq ?? 0;

        // Attachments first, then the store: a document is stored before the event that records it.
        var recordedNow = await RecordedSince(after, cancellation);
        var states = new Dictionary<string, StoredContentState>();
        await foreach (var state in documents.States(cancellation))
        {
            states[state.Sha256] = state;
        }

        var renewed = new List<DocumentVerdict>();
        DocumentVerdict Renew(DocumentVerdict verdict)
        {
            verdict.VerifiedAt = at;
            verdict.VerifiedBy = verifiedBy;
            renewed.Add(verdict.Signed(key));
            return verdict;
        }

        var toHash = states.Values.Where(x => !verdicts.TryGetValue(x.Sha256, out var verdict)
                                              || verdict.Fingerprint != x.Fingerprint || verdict.RecordedSize != x.RecordedSize)
            .Select(x => x.Sha256).ToList();
        var hashed = new Dictionary<string, StoredContentCheck>();
        await foreach (var content in documents.Check(toHash, cancellation))
        {
            hashed[content.Sha256] = content;
        }

        var current = new Dictionary<string, DocumentVerdict>();
        var fromVerdicts = 0L;
        foreach (var sha256 in states.Keys.Union(verdicts.Where(x => x.Value.CaseId is not null).Select(x => x.Key)).Union(recordedNow.Keys))
        {
            verdicts.TryGetValue(sha256, out var kept);
            (Guid CaseId, long Seq)? recorded = kept?.CaseId is { } caseId ? (caseId, kept.RecordedAtSeq ?? 0)
                : recordedNow.TryGetValue(sha256, out var attached) ? attached
                : null;
            if (hashed.TryGetValue(sha256, out var content))
            {
                current[sha256] = Renew(Verdict(content, recorded));
            }
            else if (!states.ContainsKey(sha256))
            {
                // Recorded by an event, not in the store: missing, whatever its verdict said before.
                current[sha256] = kept is { Problem: Breaks.DocumentMissing, Fingerprint: null } && kept.CaseId == recorded!.Value.CaseId
                    ? kept
                    : Renew(Missing(sha256, kept?.RecordedSize ?? 0, recorded!.Value));
            }
            else if (kept is null)
            {
                // Deleted between the two reads: the next answer sees it missing.
                continue;
            }
            else if (kept.CaseId is null && recorded is not null)
            {
                // Hashed before an event recorded it: the same verdict, now naming the case.
                kept.CaseId = recorded.Value.CaseId;
                kept.RecordedAtSeq = recorded.Value.Seq;
                current[sha256] = Renew(kept);
                fromVerdicts++;
            }
            else
            {
                current[sha256] = kept;
                fromVerdicts++;
            }
        }

        foreach (var verdict in current.Values.OrderBy(x => x.Id, StringComparer.Ordinal))
        {
            if (verdict.AsProblem() is { } problem)
            {
                problems.Add(problem);
            }
        }

        var upto = Math.Max(after, sealedUpto);
        var newMark = new DocumentAttachmentMark
        {
            UptoSeq = upto,
            RecordedDocuments = current.Values.Count(x => x.CaseId is not null && x.RecordedAtSeq <= upto),
        }.Signed(key);
        await Keep(renewed, mark is not null && mark.UptoSeq == newMark.UptoSeq && mark.RecordedDocuments == newMark.RecordedDocuments ? null : newMark,
            cancellation);
        return new DocumentCheckResult(states.Count, hashed.Count, fromVerdicts);
    }

    private DocumentVerdict Verdict(StoredContentCheck content, (Guid CaseId, long Seq)? recorded) => new()
    {
        Id = content.Sha256,
        RecordedSize = content.RecordedSize,
        Fingerprint = content.Fingerprint,
        CaseId = recorded?.CaseId,
        RecordedAtSeq = recorded?.Seq,
        Problem = content.Altered ? Breaks.DocumentAltered : null,
        Detail = content.Altered
            ? $"The stored document {content.Sha256} ({content.RecordedSize} bytes recorded) now reads {content.ActualSize} bytes hashing to {content.ActualSha256}."
            : null,
    };

    private static DocumentVerdict Missing(string sha256, long size, (Guid CaseId, long Seq) recorded) => new()
    {
        Id = sha256,
        RecordedSize = size,
        CaseId = recorded.CaseId,
        RecordedAtSeq = recorded.Seq,
        Problem = Breaks.DocumentMissing,
        Detail = $"The document {sha256} that evidence of case {recorded.CaseId} recorded is not in the document store.",
    };

    /// <summary>
    /// The verdicts that hold (signed with the key), and the mark if it does and its count of recorded documents still
    /// adds up; without a mark every attachment is read again.
    /// </summary>
    private async Task<(Dictionary<string, DocumentVerdict> Verdicts, DocumentAttachmentMark? Mark)> StoredVerdicts(CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var verdicts = (await session.Query<DocumentVerdict>().ToListAsync(cancellation)).Where(x => x.Holds(key)).ToDictionary(x => x.Id);
        var mark = await session.LoadAsync<DocumentAttachmentMark>(DocumentAttachmentMark.TheMark, cancellation);
        var holds = mark is not null && mark.Holds(key)
                    && verdicts.Values.Count(x => x.CaseId is not null && x.RecordedAtSeq <= mark.UptoSeq) == mark.RecordedDocuments;
        return (verdicts, holds ? mark : null);
    }

    /// <summary>The documents recorded by evidence after <paramref name="after"/>: each with the first case and event that recorded it.</summary>
    private async Task<Dictionary<string, (Guid CaseId, long Seq)>> RecordedSince(long after, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var attachments = await session.Events.QueryAllRawEvents()
            .Where(x => x.Sequence > after && x.EventTypesAre(typeof(EvidenceDocumentsAttached)))
            .OrderBy(x => x.Sequence)
            .ToListAsync(cancellation);
        var recorded = new Dictionary<string, (Guid CaseId, long Seq)>();
        foreach (var attachment in attachments)
        {
            var attached = (EvidenceDocumentsAttached)attachment.Data;
            foreach (var document in attached.Documents)
            {
                recorded.TryAdd(document.Sha256, (attached.CaseId, attachment.Sequence));
            }
        }

        return recorded;
    }

    private async Task Keep(IReadOnlyList<DocumentVerdict> verdicts, DocumentAttachmentMark? mark, CancellationToken cancellation)
    {
        if (verdicts.Count == 0 && mark is null)
        {
            return;
        }

        await using var session = store.LightweightSession();
        if (verdicts.Count > 0) session.Store(verdicts.ToArray());
        if (mark is not null) session.Store(mark);
        await session.SaveChangesAsync(cancellation);
    }
}

/// <summary>Documents in the store, how many this pass hashed, and how many were answered from their kept verdicts.</summary>
internal sealed record DocumentCheckResult(long Stored, long HashedNow, long FromVerdicts);
