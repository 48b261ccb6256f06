namespace ClinicVetting.Audit.Integrity;

public static class GetLogIntegrityEndpoint
{
    public static ProblemDetails Validate(long? sealNo, string? digest) => new FieldErrors()
        .When(sealNo is not null && digest is null, "digest", "is required with sealNo: the digest of the exported seal")
        .When(digest is not null && sealNo is null, "sealNo", "is required with digest: the number of the exported seal")
        .When(sealNo < 1, "sealNo", "must be 1 or more")
        .When(digest is not null && !IsDigest(digest), "digest", "must be 64 hexadecimal characters")
        .ToProblem();

    /// <summary>
    /// Recomputes the event log's hash chain and seals and reports the first broken link. With an exported seal
    /// (<c>?sealNo=12&amp;digest=...</c>, from <c>GET /api/audit/seals/latest</c>) it also proves the log still holds
    /// everything that seal covered. Reads the whole log: for a large one, prefer the <c>verify-log</c> command.
    /// </summary>
    [WolverineGet("/api/audit/integrity", OperationId = "VerifyEventLog"), Authorize(Policy = Policies.Audit)]
    [Tags("Audit")]
    public static Task<IntegrityReport> Get(long? sealNo, string? digest, IntegrityVerifier verifier, CancellationToken cancellation) =>
        verifier.Verify(sealNo is { } no ? new ExportedSeal(no, digest!) : null, progress: null, cancellation);

    private static bool IsDigest(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigit);
}
