using System.Globalization;

namespace ClinicVetting.Audit.Integrity;

/// <summary>
/// What hashing one evidence document's bytes found, kept so that later answers need not hash them again: intact, altered
/// or missing, with the fingerprint of its rows when it was hashed (<see cref="Vetting.Documents.StoredContentState"/>)
/// and the case whose evidence first recorded it. Signed with the seal key, so a verdict edited in the database is not
/// believed and the document is hashed again.
/// </summary>
public sealed class DocumentVerdict
{
    /// <summary>The document's SHA-256, as its event recorded it and the store names it.</summary>
    public string Id { get; set; } = "";

    public long RecordedSize { get; set; }

    /// <summary>The stored rows' fingerprint when the bytes were hashed; null when the document was not stored.</summary>
    public string? Fingerprint { get; set; }

    /// <summary>The case whose evidence recorded the document, and the sequence of that event; null when no event recorded it (yet).</summary>
    public Guid? CaseId { get; set; }

    public long? RecordedAtSeq { get; set; }

    /// <summary>Null when intact, else <see cref="Breaks.DocumentAltered"/> or <see cref="Breaks.DocumentMissing"/>.</summary>
    public string? Problem { get; set; }

    public string? Detail { get; set; }

    public DateTimeOffset VerifiedAt { get; set; }

    /// <summary>"answer" when an integrity answer hashed the document, or the id of the re-verification that did.</summary>
    public string VerifiedBy { get; set; } = "";

    public string Signature { get; set; } = "";

    public BrokenLink? AsProblem() => Problem is null ? null : new BrokenLink(Problem, Detail ?? "", StreamId: CaseId);

    public DocumentVerdict Signed(SealKey key)
    {
        VerifiedAt = Integrity.AuditSeal.ToStoredPrecision(VerifiedAt);
        Signature = key.Sign(SignedPayload());
        return this;
    }

    public bool Holds(SealKey key) => key.Verifies(SignedPayload(), Signature);

    public string SignedPayload() => string.Create(CultureInfo.InvariantCulture,
        $"clinicvetting-document-verdict-v1|{Id}|{RecordedSize}|{Fingerprint}|{CaseId}|{RecordedAtSeq}|{Problem}|{Detail}|" +
        $"{VerifiedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'}|{VerifiedBy}");
}

/// <summary>
/// How far the evidence documents recorded by events have been read: every <c>EvidenceDocumentsAttached</c> up to
/// <see cref="UptoSeq"/> (a sealed position, so no append can still land below it), which named
/// <see cref="RecordedDocuments"/> distinct documents, each with its verdict. Later answers read only the attachments
/// after it; a verdict of a recorded document deleted from the database shows as a count that no longer adds up, and
/// every attachment is read again.
/// </summary>
public sealed class DocumentAttachmentMark
{
    public const string TheMark = "evidence-documents";

    public string Id { get; set; } = TheMark;
    public long UptoSeq { get; set; }
    public long RecordedDocuments { get; set; }
    public string Signature { get; set; } = "";

    public DocumentAttachmentMark Signed(SealKey key)
    {
        Signature = key.Sign(SignedPayload());
        return this;
    }

    public bool Holds(SealKey key) => Id == TheMark && key.Verifies(SignedPayload(), Signature);

    public string SignedPayload() => string.Create(CultureInfo.InvariantCulture, $"clinicvetting-document-mark-v1|{Id}|{UptoSeq}|{RecordedDocuments}");
}
