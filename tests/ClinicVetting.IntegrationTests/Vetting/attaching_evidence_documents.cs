using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Alba;
using ClinicVetting.Audit;
using ClinicVetting.Audit.Integrity;
using ClinicVetting.IntegrationTests.Audit;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Documents;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicVetting.IntegrationTests.Vetting;

public class attaching_evidence_documents(AppFixture fixture) : EventLogContext(fixture)
{
    private static byte[] APdf(string text) => Encoding.ASCII.GetBytes($"%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    private static byte[] APng(int seed) => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, 64).Select(x => (byte)(x * seed))];
    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static byte[] Bytes(IScenarioResult result)
    {
        using var copy = new MemoryStream();
        result.Context.Response.Body.CopyTo(copy);
        return copy.ToArray();
    }

    private sealed record Upload(string FileName, byte[] Bytes, string DeclaredType = "application/octet-stream");

    private EvidenceDocumentOptions Limits => Host.Services.GetRequiredService<EvidenceDocumentOptions>();

    /// <summary>A case on a clean clinic with license evidence recorded; the evidence's id.</summary>
    private async Task<(Guid CaseId, Guid EvidenceId)> ACaseWithLicenseEvidence()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        await Host.RecordEvidence(Staff, caseId, "license", Fixture.Clock.Now.AddDays(-1));
        var evidence = (await Host.GetCase(Staff, caseId)).Checks.Single(x => x.Route == "license").Evidence.Single();
        return (caseId, evidence.EvidenceId);
    }

    private Task<IScenarioResult> Attach(Guid caseId, Guid evidenceId, int status, params Upload[] files) => Host.Send(Staff, s =>
    {
        var content = new MultipartFormDataContent();
        foreach (var file in files)
        {
            var part = new ByteArrayContent(file.Bytes);
            part.Headers.ContentType = MediaTypeHeaderValue.Parse(file.DeclaredType);
            content.Add(part, "file", file.FileName);
        }

        s.Post.MultipartFormData(content).ToUrl($"/api/vetting/cases/{caseId}/checks/license/evidence/{evidenceId}/documents");
    }, status);

    private async Task<long> StoredDocuments()
    {
        await using var session = Store.QuerySession();
        return await session.QueryAsync<long>($"select count(*) from {Schema}.{EvidenceDocumentSchema.DocumentTable}").ContinueWith(x => x.Result[0]);
    }

    private async Task<long> StoredChunks()
    {
        await using var session = Store.QuerySession();
        return (await session.QueryAsync<long>($"select count(*) from {Schema}.{EvidenceDocumentSchema.ChunkTable}"))[0];
    }

    private async Task<int> AttachmentEvents()
    {
        await using var session = Store.QuerySession();
        return (await session.Events.QueryRawEventDataOnly<EvidenceDocumentsAttached>().ToListAsync()).Count;
    }

    [Fact]
    public async Task staff_attach_files_to_evidence_and_staff_approvers_and_auditors_download_them_as_uploaded()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();
        var pdf = APdf("COFEPRIS license LIC-2024-0042");
        var png = APng(3);

        var answer = (await Attach(caseId, evidenceId, 200, new Upload("C:\\scans\\license scan.pdf", pdf), new Upload("registry-page.png", png, "image/jpeg")))
            .ReadAsJson<EvidenceDocuments>()!;

        answer.Documents.Select(x => (x.Sha256, x.FileName, x.ContentType, x.Size)).ShouldBe([
            (Sha256(pdf), "license scan.pdf", DocumentType.Pdf, (long)pdf.Length),
            (Sha256(png), "registry-page.png", DocumentType.Png, (long)png.Length),
        ]);
        var attached = (await Host.GetCase(Staff, caseId)).Checks.Single(x => x.Route == "license").Evidence.Single().Documents;
        attached.ShouldBe(answer.Documents);
        await using (var session = Store.QuerySession())
        {
            var recorded = (await session.Events.QueryRawEventDataOnly<EvidenceDocumentsAttached>().ToListAsync()).Single();
            recorded.Documents.Select(x => x.Sha256).ShouldBe([Sha256(pdf), Sha256(png)]);
            recorded.AttachedBy.ShouldBe("stella-staff");
        }

        foreach (var token in new[] { Staff, Approver, Auditor })
        {
            var download = await Host.Send(token, s => s.Get.Url(answer.Documents[0].Href));
            var response = download.Context.Response;
            response.ContentType.ShouldBe(DocumentType.Pdf);
            response.Headers.ContentDisposition.ToString().ShouldStartWith("attachment;");
            response.Headers.ContentDisposition.ToString().ShouldContain("license scan.pdf");
            response.Headers.XContentTypeOptions.ToString().ShouldBe("nosniff");
            Bytes(download).ShouldBe(pdf);
        }

        var image = await Host.Send(Auditor, s => s.Get.Url(answer.Documents[1].Href));
        image.Context.Response.ContentType.ShouldBe(DocumentType.Png);
        Bytes(image).ShouldBe(png);
    }

    [Fact]
    public async Task the_same_file_sent_again_is_stored_and_attached_once()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();
        var pdf = APdf("once");

        await Attach(caseId, evidenceId, 200, new Upload("license.pdf", pdf));
        var again = (await Attach(caseId, evidenceId, 200, new Upload("license-copy.pdf", pdf))).ReadAsJson<EvidenceDocuments>()!;

        again.Documents.Select(x => x.FileName).ShouldBe(["license.pdf"]);
        (await StoredDocuments()).ShouldBe(1);
        (await AttachmentEvents()).ShouldBe(1);
    }

    [Theory]
    [InlineData("license.pdf", "application/pdf", "GIF89a...not a pdf")]
    [InlineData("page.html", "text/html", "<html><script>alert(1)</script></html>")]
    [InlineData("license.exe", "application/pdf", "MZ\u0090\u0000 executable")]
    public async Task a_file_that_is_not_pdf_png_or_jpeg_by_its_bytes_is_refused_with_415_whatever_its_name_says(string name, string declared, string text)
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();

        var refused = await Attach(caseId, evidenceId, 415, new Upload(name, Encoding.UTF8.GetBytes(text), declared));

        refused.ShouldBeProblem(415);
        (await StoredDocuments()).ShouldBe(0);
        (await AttachmentEvents()).ShouldBe(0);
    }

    [Fact]
    public async Task an_upload_with_one_bad_file_attaches_none_of_its_files()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();

        await Attach(caseId, evidenceId, 415, new Upload("good.pdf", APdf("good")), new Upload("bad.txt", "plain text"u8.ToArray()));

        (await AttachmentEvents()).ShouldBe(0);
        (await StoredDocuments()).ShouldBe(0, "the good file was rolled back with the refused upload");
        (await StoredChunks()).ShouldBe(0);
        (await Host.GetCase(Staff, caseId)).Checks.Single(x => x.Route == "license").Evidence.Single().Documents.ShouldBeEmpty();
    }

    [Fact]
    public async Task an_empty_file_an_upload_without_files_and_a_body_that_is_not_multipart_are_refused()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();
        var url = $"/api/vetting/cases/{caseId}/checks/license/evidence/{evidenceId}/documents";

        (await Attach(caseId, evidenceId, 400, new Upload("empty.pdf", []))).ShouldBeProblem(400);
        (await Attach(caseId, evidenceId, 400)).ShouldBeProblem(400);
        (await Host.Send(Staff, s => s.Post.Json(new { file = "JVBERi0=" }).ToUrl(url), 415)).ShouldBeProblem(415);

        (await StoredDocuments()).ShouldBe(0);
        (await AttachmentEvents()).ShouldBe(0);
    }

    [Fact]
    public async Task a_file_over_the_configured_size_is_refused_with_413_and_nothing_is_kept()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();
        var limit = Limits.MaxFileBytes;
        Limits.MaxFileBytes = 300_000;
        try
        {
            byte[] large = [.. APdf("large"), .. new byte[300_000]];
            byte[] atTheLimit = [.. APdf("at the limit"), .. new byte[300_000 - APdf("at the limit").Length]];

            (await Attach(caseId, evidenceId, 413, new Upload("large.pdf", large))).ShouldBeProblem(413);
            (await StoredDocuments()).ShouldBe(0);
            await Attach(caseId, evidenceId, 200, new Upload("at-the-limit.pdf", atTheLimit));
        }
        finally
        {
            Limits.MaxFileBytes = limit;
        }

        (await StoredDocuments()).ShouldBe(1);
        (await AttachmentEvents()).ShouldBe(1);
    }

    [Fact]
    public async Task documents_are_attached_only_to_evidence_on_file_of_an_open_case()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();
        var pdf = new Upload("license.pdf", APdf("x"));

        (await Host.Send(Staff, s =>
        {
            var content = new MultipartFormDataContent { { new ByteArrayContent(pdf.Bytes), "file", pdf.FileName } };
            s.Post.MultipartFormData(content).ToUrl($"/api/vetting/cases/{caseId}/checks/medical-team/evidence/{evidenceId}/documents");
        }, 404)).ShouldBeProblem(404);
        (await Attach(caseId, Guid.NewGuid(), 404, pdf)).ShouldBeProblem(404);
        (await Attach(Guid.NewGuid(), evidenceId, 404, pdf)).ShouldBeProblem(404);
        (await StoredDocuments()).ShouldBe(0);
    }

    private Task ChangeAByteOf(byte[] document) => Tamper($"""
        update {Schema}.{EvidenceDocumentSchema.ChunkTable} c set data = overlay(data placing 'X'::bytea from 12 for 1)
        from {Schema}.{EvidenceDocumentSchema.DocumentTable} d where d.blob_id = c.blob_id and d.sha256 = '{Sha256(document)}'
        """);

    [Fact]
    public async Task a_documents_bytes_changed_in_the_database_after_its_verdict_are_reported_by_the_next_answer()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();
        var pdf = APdf("original");
        await Attach(caseId, evidenceId, 200, new Upload("license.pdf", pdf), new Upload("page.png", APng(5)));
        var first = await Integrity();
        first.Valid.ShouldBeTrue();
        first.DocumentsHashedNow.ShouldBe(2);
        var second = await Integrity();
        second.DocumentsChecked.ShouldBe(2);
        second.DocumentsHashedNow.ShouldBe(0, "each document is hashed once, then answered from its verdict");
        second.DocumentsFromStoredVerdicts.ShouldBe(2);

        await ChangeAByteOf(pdf);

        var report = await Integrity();
        report.Valid.ShouldBeFalse();
        report.DocumentsHashedNow.ShouldBe(1, "only the document whose rows were written since its verdict");
        var problem = report.Problems.ShouldHaveSingleItem();
        problem.Problem.ShouldBe(Breaks.DocumentAltered);
        problem.Detail.ShouldContain(Sha256(pdf));
        problem.StreamId.ShouldBe(caseId);
        (await Integrity()).Problems.ShouldHaveSingleItem().Problem.ShouldBe(Breaks.DocumentAltered, "the altered verdict is kept and reported again");
    }

    [Fact]
    public async Task a_verdict_rewritten_in_the_database_to_say_intact_is_not_believed()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();
        var pdf = APdf("original");
        await Attach(caseId, evidenceId, 200, new Upload("license.pdf", pdf));
        await ChangeAByteOf(pdf);
        (await Integrity()).Problems.ShouldHaveSingleItem().Problem.ShouldBe(Breaks.DocumentAltered);

        await Tamper($$"""
            update {{Schema}}.mt_doc_documentverdict set data = data || '{"problem": null, "detail": null}'::jsonb
            where id = '{{Sha256(pdf)}}'
            """);

        var report = await Integrity();
        report.DocumentsHashedNow.ShouldBe(1);
        report.Problems.ShouldHaveSingleItem().Problem.ShouldBe(Breaks.DocumentAltered);
    }

    [Fact]
    public async Task a_document_deleted_with_its_verdict_after_the_attachments_were_read_is_still_reported_missing()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();
        var pdf = APdf("to be deleted");
        await Attach(caseId, evidenceId, 200, new Upload("license.pdf", pdf));
        await Sealer.SealNow(CancellationToken.None);
        (await Integrity()).Valid.ShouldBeTrue();

        await Tamper($"""
            delete from {Schema}.{EvidenceDocumentSchema.DocumentTable} where sha256 = '{Sha256(pdf)}';
            delete from {Schema}.mt_doc_documentverdict where id = '{Sha256(pdf)}';
            """);

        var problem = (await Integrity()).Problems.ShouldHaveSingleItem();
        problem.Problem.ShouldBe(Breaks.DocumentMissing);
        problem.StreamId.ShouldBe(caseId);
    }

    [Fact]
    public async Task a_reverification_hashes_every_document_again()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();
        await Attach(caseId, evidenceId, 200, new Upload("license.pdf", APdf("one")), new Upload("page.png", APng(3)));
        (await Integrity()).DocumentsHashedNow.ShouldBe(2);

        var everything = await Host.Services.GetRequiredService<IntegrityVerifier>().VerifyEverything("test", null, null, CancellationToken.None);

        everything.Valid.ShouldBeTrue();
        everything.DocumentsHashedNow.ShouldBe(2);
        (await Integrity()).DocumentsHashedNow.ShouldBe(0);
    }

    [Fact]
    public async Task a_document_deleted_from_the_database_is_reported_missing_by_the_integrity_check()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();
        var pdf = APdf("to be deleted");
        await Attach(caseId, evidenceId, 200, new Upload("license.pdf", pdf));
        (await Integrity()).Valid.ShouldBeTrue();

        await Tamper($"delete from {Schema}.{EvidenceDocumentSchema.DocumentTable} where sha256 = '{Sha256(pdf)}'");

        var problem = (await Integrity()).Problems.ShouldHaveSingleItem();
        problem.Problem.ShouldBe(Breaks.DocumentMissing);
        problem.StreamId.ShouldBe(caseId);
        (await Host.Send(Staff, s => s.Get.Url($"/api/vetting/cases/{caseId}/documents/{Sha256(pdf)}"), 404)).ShouldBeProblem(404);
    }

    [Fact]
    public async Task the_auditors_view_of_the_file_as_of_an_instant_lists_the_documents_the_evidence_had_then()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();
        var clinicId = (await Host.GetCase(Staff, caseId)).ClinicId;
        await Attach(caseId, evidenceId, 200, new Upload("first.pdf", APdf("first")));
        await Task.Delay(50);
        var between = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        await Attach(caseId, evidenceId, 200, new Upload("second.png", APng(7)));

        async Task<IReadOnlyList<string>> FilesAsOf(DateTimeOffset instant)
        {
            var file = (await Host.Send(Auditor, s => s.Get.Url($"/api/audit/clinics/{clinicId}?asOf={Uri.EscapeDataString(instant.ToString("O"))}")))
                .ReadAsJson<ClinicFile>()!;
            return file.Cases.Single().Checks.Single(x => x.Kind == CheckKind.License).Evidence.Single().Documents!.Select(x => x.FileName).ToList();
        }

        (await FilesAsOf(between)).ShouldBe(["first.pdf"]);
        (await FilesAsOf(DateTimeOffset.UtcNow)).ShouldBe(["first.pdf", "second.png"]);
    }

    /// <summary>
    /// A multipart body of one PDF that sends <paramref name="firstBytes"/> of it, then waits for <paramref name="release"/> before
    /// the rest: what a slow client on a large file looks like to the server.
    /// </summary>
    private sealed class HeldBackUpload : HttpContent
    {
        private const string boundary = "held-back-boundary";
        private readonly long firstBytes;
        private readonly long totalBytes;
        private readonly Task release;

        public HeldBackUpload(long firstBytes, long totalBytes, Task release)
        {
            this.firstBytes = firstBytes;
            this.totalBytes = totalBytes;
            this.release = release;
            Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"large.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n"));
            var block = new byte[64 * 1024];
            Array.Fill(block, (byte)'x');
            for (long sent = 9; sent < totalBytes; sent += block.Length)
            {
                if (sent >= firstBytes)
                {
                    await release;
                }

                await stream.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, totalBytes - sent)));
                await stream.FlushAsync();
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n"));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>Whether a server connection has written document chunks in a transaction not yet committed (the upload in progress).</summary>
    private async Task<bool> ChunksBeingWritten()
    {
        await using var session = Store.QuerySession();
        return (await session.QueryAsync<bool>(
            $"select exists (select 1 from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() " +
            $"and state = 'idle in transaction' and query like 'insert into {Schema}.{EvidenceDocumentSchema.ChunkTable}%')"))[0];
    }

    private async Task<HttpResponseMessage> StartHeldBackUpload(Guid caseId, Guid evidenceId, TaskCompletionSource release, string? ifMatch = null)
    {
        var client = Host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Staff);
        if (ifMatch is not null)
        {
            client.DefaultRequestHeaders.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        var sending = client.PostAsync($"/api/vetting/cases/{caseId}/checks/license/evidence/{evidenceId}/documents",
            new HeldBackUpload(firstBytes: 2 * 1024 * 1024, totalBytes: 8 * 1024 * 1024, release.Task));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await ChunksBeingWritten())
        {
            if (sending.IsCompleted || DateTime.UtcNow > deadline)
            {
                release.TrySetResult();
                throw new Xunit.Sdk.XunitException(
                    "No document chunk was written while the client held back the rest of the body: the server buffers uploads instead of streaming them.");
            }

            await Task.Delay(50);
        }

        return await ReleaseAndWait(sending, release);
    }

    private static async Task<HttpResponseMessage> ReleaseAndWait(Task<HttpResponseMessage> sending, TaskCompletionSource release)
    {
        release.TrySetResult();
        return await sending.WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task an_upload_is_written_to_the_store_while_its_body_is_still_arriving()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();

        using var answer = await StartHeldBackUpload(caseId, evidenceId, new TaskCompletionSource());

        answer.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
        var document = (await Host.GetCase(Staff, caseId)).Checks.Single(x => x.Route == "license").Evidence.Single().Documents.ShouldHaveSingleItem();
        document.Size.ShouldBe(8 * 1024 * 1024);
        (await StoredChunks()).ShouldBe(8 * 1024 * 1024 / PostgresEvidenceDocumentStore.ChunkSize);
    }

    [Fact]
    public async Task an_upload_whose_case_changed_while_it_streamed_is_refused_409_and_leaves_no_stored_file()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();
        var version = (await Host.GetCase(Staff, caseId)).Version;
        var release = new TaskCompletionSource();

        // The case changes after the chunks began to be written and before the upload's event is appended.
        var changing = Task.Run(async () =>
        {
            try
            {
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (!await ChunksBeingWritten())
                {
                    if (DateTime.UtcNow > deadline) throw new TimeoutException("No document chunk was written while the body was held back.");
                    await Task.Delay(50);
                }

                await Host.RecordEvidence(Staff, caseId, "medical-team", Fixture.Clock.Now.AddDays(-1));
            }
            finally
            {
                release.TrySetResult();
            }
        });
        var client = Host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Staff);
        client.DefaultRequestHeaders.IfMatch.Add(EntityTagHeaderValue.Parse($"\"{version}\""));
        using var answer = await client.PostAsync($"/api/vetting/cases/{caseId}/checks/license/evidence/{evidenceId}/documents",
            new HeldBackUpload(firstBytes: 2 * 1024 * 1024, totalBytes: 4 * 1024 * 1024, release.Task)).WaitAsync(TimeSpan.FromSeconds(90));
        await changing;

        answer.StatusCode.ShouldBe(System.Net.HttpStatusCode.Conflict, await answer.Content.ReadAsStringAsync());
        answer.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await AttachmentEvents()).ShouldBe(0);
        (await StoredDocuments()).ShouldBe(0, "the file streamed in is rolled back with the refused append");
        (await StoredChunks()).ShouldBe(0);
    }

    // What it proves is the outcome; that the check also runs before the body is read (a saving) it cannot see.
    [Fact]
    public async Task a_stale_if_match_is_refused_409_and_leaves_nothing_stored()
    {
        var (caseId, evidenceId) = await ACaseWithLicenseEvidence();
        var version = (await Host.GetCase(Staff, caseId)).Version;

        (await Host.Send(Staff, s =>
        {
            var content = new MultipartFormDataContent { { new ByteArrayContent(APdf("stale")), "file", "stale.pdf" } };
            s.Post.MultipartFormData(content).ToUrl($"/api/vetting/cases/{caseId}/checks/license/evidence/{evidenceId}/documents");
            s.WithRequestHeader("If-Match", $"\"{version - 1}\"");
        }, 409)).ShouldBeProblem(409);

        (await StoredDocuments()).ShouldBe(0);
        (await AttachmentEvents()).ShouldBe(0);
    }
}
