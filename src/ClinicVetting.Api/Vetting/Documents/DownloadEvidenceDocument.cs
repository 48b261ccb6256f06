using ClinicVetting.Vetting.Cases;
using Microsoft.Net.Http.Headers;

namespace ClinicVetting.Vetting.Documents;

public static class DownloadEvidenceDocumentEndpoint
{
    /// <summary>
    /// A document attached to the case's evidence, with its original name and type, always as an attachment and never
    /// sniffed or rendered by the browser (uploaded content is not trusted to be harmless).
    /// </summary>
    [WolverineGet("/api/vetting/cases/{caseId}/documents/{sha256}", OperationId = "DownloadEvidenceDocument"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Vetting")]
    [ProducesResponseType<byte[]>(StatusCodes.Status200OK, "application/pdf", "image/png", "image/jpeg")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task Get(Guid caseId, string sha256, IQuerySession session, IEvidenceDocumentStore store, HttpResponse response,
        CancellationToken cancellation)
    {
        var vettingCase = await session.LoadAsync<VettingCase>(caseId, cancellation) ?? throw new NotFound("Vetting case", caseId);
        var document = vettingCase.Checks.SelectMany(x => x.Evidence).SelectMany(x => x.Documents ?? [])
                           .FirstOrDefault(x => string.Equals(x.Sha256, sha256, StringComparison.OrdinalIgnoreCase))
                       ?? throw new NotFound("Document", sha256, "The case's evidence holds no document with that SHA-256.");

        response.ContentType = document.ContentType;
        response.ContentLength = document.Size;
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(document.FileName);
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        response.Headers.ETag = $"\"{document.Sha256}\"";
        response.Headers.CacheControl = "private, no-store";

        if (!await store.CopyTo(document.Sha256, response.Body, cancellation))
        {
            throw new NotFound("Document", sha256, "Its content is missing from the document store: the integrity check reports it.");
        }
    }
}
