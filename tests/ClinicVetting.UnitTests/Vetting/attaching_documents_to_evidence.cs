using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Documents;
using ClinicVetting.Shared;
using Microsoft.Net.Http.Headers;

namespace ClinicVetting.UnitTests.Vetting;

public class attaching_documents_to_evidence
{
    [Theory]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31 }, DocumentType.Pdf)]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00 }, DocumentType.Png)]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, DocumentType.Jpeg)]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38 }, null)]
    [InlineData(new byte[] { 0x3C, 0x68, 0x74, 0x6D, 0x6C }, null)]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, null)]
    [InlineData(new byte[0], null)]
    public void the_type_is_told_from_the_first_bytes(byte[] head, string? expected)
    {
        DocumentType.Sniff(head).ShouldBe(expected);
    }

    [Theory]
    [InlineData("form-data; name=\"file\"; filename=\"C:\\\\scans\\\\license.pdf\"", "license.pdf")]
    [InlineData("form-data; name=\"file\"; filename=\"../../etc/passwd\"", "passwd")]
    [InlineData("form-data; name=\"file\"; filename=\"\"", "document.pdf")]
    [InlineData("form-data; name=\"file\"; filename*=UTF-8''Licencia%20cl%C3%ADnica.pdf", "Licencia clínica.pdf")]
    public void the_stored_name_is_the_uploaded_one_without_any_path(string disposition, string expected)
    {
        AttachEvidenceDocumentsEndpoint.FileName(ContentDispositionHeaderValue.Parse(disposition), DocumentType.Pdf).ShouldBe(expected);
    }

    private static VettingCase ACaseWithEvidence(out Guid evidenceId)
    {
        var vettingCase = Given.Case();
        var recorded = Given.Evidence(vettingCase, CheckKind.License, "stella");
        vettingCase.Apply(recorded);
        evidenceId = recorded.Evidence.EvidenceId;
        return vettingCase;
    }

    [Fact]
    public void files_already_held_by_the_evidence_are_not_attached_twice()
    {
        var vettingCase = ACaseWithEvidence(out var evidenceId);
        var scan = new EvidenceDocument(new string('a', 64), "scan.pdf", DocumentType.Pdf, 10);
        vettingCase.Apply(AttachEvidenceDocumentsHandler.Decide(vettingCase, CheckKind.License, evidenceId, [scan], "stella", Given.Now)!);

        var again = AttachEvidenceDocumentsHandler.Decide(vettingCase, CheckKind.License, evidenceId,
            [scan with { FileName = "copy.pdf" }, new EvidenceDocument(new string('b', 64), "page.png", DocumentType.Png, 5)], "stella", Given.Now);

        again.ShouldNotBeNull().Documents.Select(x => x.FileName).ShouldBe(["page.png"]);
        vettingCase.Apply(again);
        vettingCase[CheckKind.License].Evidence.Single().Documents!.Select(x => x.FileName).ShouldBe(["scan.pdf", "page.png"]);
        AttachEvidenceDocumentsHandler.Decide(vettingCase, CheckKind.License, evidenceId, [scan], "stella", Given.Now).ShouldBeNull();
    }

    [Fact]
    public void a_decided_case_or_unknown_evidence_takes_no_files()
    {
        var vettingCase = ACaseWithEvidence(out var evidenceId);
        var scan = new EvidenceDocument(new string('a', 64), "scan.pdf", DocumentType.Pdf, 10);

        Should.Throw<NotFound>(() => AttachEvidenceDocumentsHandler.Decide(vettingCase, CheckKind.License, Guid.NewGuid(), [scan], "stella", Given.Now));
        Should.Throw<NotFound>(() => AttachEvidenceDocumentsHandler.Decide(vettingCase, CheckKind.MedicalTeam, evidenceId, [scan], "stella", Given.Now));
        vettingCase.Apply(new VettingCaseRejected(vettingCase.Id, vettingCase.ClinicId, "arthur", "Fake license", Given.Now));
        Should.Throw<Conflict>(() => AttachEvidenceDocumentsHandler.Decide(vettingCase, CheckKind.License, evidenceId, [scan], "stella", Given.Now));
    }
}
