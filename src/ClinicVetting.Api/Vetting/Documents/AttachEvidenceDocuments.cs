using ClinicVetting.Infrastructure.Hosting;
using ClinicVetting.Vetting.Cases;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace ClinicVetting.Vetting.Documents;

public sealed record EvidenceDocumentLink(string Sha256, string FileName, string ContentType, long Size, string Href)
{
    public static EvidenceDocumentLink Of(Guid caseId, EvidenceDocument document) => new(document.Sha256, document.FileName, document.ContentType,
        document.Size, $"/api/vetting/cases/{caseId}/documents/{document.Sha256}");
}

/// <summary>The documents a piece of evidence holds after an upload, and the case's version.</summary>
public sealed record EvidenceDocuments(Guid CaseId, long Version, Guid EvidenceId, IReadOnlyList<EvidenceDocumentLink> Documents);

public static class AttachEvidenceDocumentsEndpoint
{
    /// <summary>
    /// Attach files to recorded evidence (multipart/form-data, one or more file parts): PDF, PNG or JPEG, told from their
    /// bytes (else 415), none empty (400), each at most the configured size (413). Streamed into the document store by
    /// SHA-256; sending the same file again attaches nothing new, so a retry is safe without an Idempotency-Key. The files and
    /// their event commit in one transaction; an If-Match that is stale before or after the upload is a 409 and keeps nothing.
    /// </summary>
    [WolverinePost("/api/vetting/cases/{caseId}/checks/{check}/evidence/{evidenceId}/documents", OperationId = "AttachEvidenceDocuments"),
     Authorize(Policy = Policies.StaffWork)]
    [Tags("Vetting")]
    [WithoutIdempotencyKey, DisableRequestSizeLimit]
    [ProducesResponseType<EvidenceDocuments>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    public static async Task<IResult> Post(Guid caseId, string check, Guid evidenceId, HttpRequest request, IDocumentStore documentStore,
        IEvidenceDocumentStore store, EvidenceDocumentOptions options, TimeProvider clock, CancellationToken cancellation)
    {
        var kind = CheckRoute.Parse(check);
        var expectedVersion = ETags.ExpectedVersion(request);
        // The files and the event that attaches them commit together or not at all (disposed uncommitted: rolled back).
        await using var session = documentStore.LightweightSession();
        var vettingCase = await session.LoadAsync<VettingCase>(caseId, cancellation) ?? throw new NotFound("Vetting case", caseId);
        // Refused before a byte is stored: a closed case, unknown evidence or a stale If-Match takes no files.
        AttachEvidenceDocumentsHandler.EvidenceToAttachTo(vettingCase, kind, evidenceId);
        Conflict.ThrowIfStale("vetting case", vettingCase.Version, expectedVersion);

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return Refused(415, "Send the files as multipart/form-data",
                "Attach documents as multipart/form-data, one file part per document (PDF, PNG or JPEG).");
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 200)
        {
            return Refused(400, "The multipart body has no boundary", "The Content-Type must name the multipart boundary.");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxUploadBytes;
        }

        var stored = new List<EvidenceDocument>();
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
            while (await reader.ReadNextSectionAsync(cancellation) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                {
                    continue;
                }

                if (stored.Count == options.MaxFilesPerUpload)
                {
                    return Refused(400, "Too many files", $"Attach at most {options.MaxFilesPerUpload} files at once.");
                }

                var content = await store.Store(session, section.Body, options.MaxFileBytes, cancellation);
                stored.Add(new EvidenceDocument(content.Sha256, FileName(disposition, content.ContentType), content.ContentType, content.Size));
            }
        }
        catch (DocumentRefusal refused)
        {
            return Refused(refused.Status, refused.Title, refused.Message);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return Refused(413, "The request body is too large", $"An upload carries at most {options.MaxFilesPerUpload} files of {options.MaxFileBytes} bytes each.");
        }
        catch (IOException e)
        {
            return Refused(400, "The multipart body is malformed", e.Message);
        }
        catch (InvalidDataException e)
        {
            return Refused(400, "The multipart body is malformed", e.Message);
        }

        if (stored.Count == 0)
        {
            return Refused(400, "No file attached", "Send at least one file part (Content-Disposition: form-data; name=\"file\"; filename=\"...\").");
        }

        session.LastModifiedBy = request.HttpContext.User.Identity?.Name;
        session.CorrelationId = CorrelationId.Of(request.HttpContext);
        var attached = await AttachEvidenceDocumentsHandler.Append(session, caseId, kind, evidenceId, stored, expectedVersion,
            session.LastModifiedBy ?? Actor.System, clock.GetUtcNow(), cancellation);
        await session.SaveChangesAsync(cancellation);
        return Results.Json(attached);
    }

    /// <summary>The body is read by hand (streamed), so the OpenAPI document is told what it is.</summary>
    public static void Configure(HttpChain chain) => chain.Metadata.AddOpenApiOperationTransformer((operation, _, _) =>
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "One file part per document (PDF, PNG or JPEG).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Example = new System.Text.Json.Nodes.JsonObject { ["file"] = new System.Text.Json.Nodes.JsonArray("licence-scan.pdf", "registry-page.png") },
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "file" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["file"] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Array,
                                Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                            },
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    });

    /// <summary>The name as uploaded, without any path, control characters or quotes; a generic one when none is given.</summary>
    public static string FileName(ContentDispositionHeaderValue disposition, string contentType)
    {
        var given = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
        var name = new string(Path.GetFileName(given.Replace('\\', '/')).Where(c => !char.IsControl(c) && c is not ('"' or '/')).ToArray()).Trim();
        if (name.Length > 200)
        {
            name = name[..200];
        }

        return name.Length == 0 || name is "." or ".." ? "document" + DocumentType.Extension(contentType) : name;
    }

    private static IResult Refused(int status, string title, string detail) =>
        Results.Problem(Problems.Create(status, title, detail, status == 415 ? "unsupported-media-type" : null));
}

public static class AttachEvidenceDocumentsHandler
{
    /// <summary>
    /// Appends the attachment of <paramref name="documents"/> (already streamed into the session's transaction) to the case, locked
    /// for the append so a concurrent writer waits rather than failing a finished upload; a stale <paramref name="expectedVersion"/> is a 409.
    /// </summary>
    public static async Task<EvidenceDocuments> Append(IDocumentSession session, Guid caseId, CheckKind kind, Guid evidenceId,
        IReadOnlyList<EvidenceDocument> documents, long? expectedVersion, string attachedBy, DateTimeOffset now, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForExclusiveWriting<VettingCase>(caseId, cancellation);
        var vettingCase = stream.Aggregate ?? throw new NotFound("Vetting case", caseId);
        Conflict.ThrowIfStale("vetting case", vettingCase.Version, expectedVersion);
        var attached = Decide(vettingCase, kind, evidenceId, documents, attachedBy, now);
        if (attached is not null)
        {
            stream.AppendOne(attached);
        }

        var evidence = EvidenceToAttachTo(vettingCase, kind, evidenceId);
        // The aggregate is not mutated here (Marten's identity map would apply the event twice): the answer adds the new files.
        IEnumerable<EvidenceDocument> held = [.. evidence.Documents ?? [], .. attached?.Documents ?? []];
        return new EvidenceDocuments(vettingCase.Id, vettingCase.Version + (attached is null ? 0 : 1), evidence.EvidenceId,
            held.Select(x => EvidenceDocumentLink.Of(vettingCase.Id, x)).ToList());
    }

    /// <summary>On an open case, to evidence recorded on that check; files it already holds (same content) are not attached twice. Null when nothing is new.</summary>
    public static EvidenceDocumentsAttached? Decide(VettingCase vettingCase, CheckKind kind, Guid evidenceId, IReadOnlyList<EvidenceDocument> documents,
        string attachedBy, DateTimeOffset now)
    {
        var evidence = EvidenceToAttachTo(vettingCase, kind, evidenceId);
        var held = (evidence.Documents ?? []).Select(x => x.Sha256).ToHashSet();
        var fresh = documents.DistinctBy(x => x.Sha256).Where(x => !held.Contains(x.Sha256)).ToList();
        return fresh.Count == 0 ? null : new EvidenceDocumentsAttached(vettingCase.Id, kind, evidenceId, fresh, attachedBy, now);
    }

    public static Evidence EvidenceToAttachTo(VettingCase vettingCase, CheckKind kind, Guid evidenceId)
    {
        vettingCase.EnsureOpen();
        return vettingCase[kind].Evidence.FirstOrDefault(x => x.EvidenceId == evidenceId)
               ?? throw new NotFound("Evidence", evidenceId, $"The {Check.Label(kind)} check holds no evidence with that id.");
    }
}
