using System.Text;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Documents;

namespace ClinicVetting.Demo;

/// <summary>Small generated PDFs, stamped as demo documents, that the demo attaches to its generated evidence.</summary>
public static class SampleDocuments
{
    /// <summary>A one-page PDF whose every line is shown, the first saying it is a generated demo document.</summary>
    public static byte[] Pdf(params string[] lines)
    {
        var text = new StringBuilder("BT /F1 14 Tf 72 760 Td 18 TL ");
        foreach (var line in (string[])["DEMO DOCUMENT - generated for the ClinicVetting demo, not a real record", "", .. lines])
        {
            var ascii = new string(line.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
            text.Append('(').Append(ascii.Replace("\\", "\\\\").Replace("(", "\\(").Replace(")", "\\)")).Append(") ' ");
        }

        var stream = text.Append("ET").ToString();
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {stream.Length} >>\nstream\n{stream}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ];

        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        foreach (var (body, n) in objects.Select((x, i) => (x, i + 1)))
        {
            offsets.Add(pdf.Length);
            pdf.Append($"{n} 0 obj\n{body}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append($"{offset:D10} 00000 n \n");
        }

        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    /// <summary>Stores a generated PDF and attaches it to the evidence in one transaction, as staff uploading it would.</summary>
    public static async Task Attach(DemoContext context, Guid caseId, CheckKind check, Guid evidenceId, string fileName, string[] lines,
        CancellationToken cancellation)
    {
        var store = context.Services.GetRequiredService<IEvidenceDocumentStore>();
        await using var session = context.Store.LightweightSession();
        session.LastModifiedBy = DemoContext.StaffUser;
        using var content = new MemoryStream(Pdf(lines));
        var stored = await store.Store(session, content, long.MaxValue, cancellation);
        await AttachEvidenceDocumentsHandler.Append(session, caseId, check, evidenceId,
            [new EvidenceDocument(stored.Sha256, fileName, stored.ContentType, stored.Size)], null, DemoContext.StaffUser, context.Clock.GetUtcNow(),
            cancellation);
        await session.SaveChangesAsync(cancellation);
    }
}
