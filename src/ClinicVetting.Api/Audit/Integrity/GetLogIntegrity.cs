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
    /// Recomputes the hash chain of the events after the last seal, checks the seals' own chain and signatures, and
    /// reports every broken link, first one first. Each sealed range is read once and its verdict kept: the answer
    /// reports the stored verdicts (broken ones with their problems; <c>oldestStoredVerdictAt</c> says how old), so it
    /// costs the unsealed tail, not the history. <c>POST /api/audit/integrity/reverifications</c> reads everything again.
    /// With an exported seal (<c>?sealNo=12&amp;digest=...</c>, from <c>GET /api/audit/seals/latest</c>) it also proves
    /// the log still holds everything that seal covered.
    /// </summary>
    [WolverineGet("/api/audit/integrity", OperationId = "VerifyEventLog"), Authorize(Policy = Policies.Audit)]
    [Tags("Audit")]
    public static Task<IntegrityReport> Get(long? sealNo, string? digest, IntegrityVerifier verifier, CancellationToken cancellation) =>
        verifier.Verify(sealNo is { } no ? new ExportedSeal(no, digest!) : null, cancellation);

    private static bool IsDigest(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigit);
}
