namespace ClinicVetting.Clinics.Claims;

public sealed record ProtocolInput(
    [property: FieldLimit(MaxLength = 200)] string Program,
    [property: FieldLimit(MaxItems = 100, EntryMaxLength = 1000)] IReadOnlyList<string>? Steps = null,
    [property: FieldLimit(Format = FieldFormat.Uri)] string? DocumentUrl = null) : IClaimChange, IHasExample<ProtocolInput>
{
    public static ProtocolInput Example => new("Knee osteoarthritis programme",
        ["Consultation and MRI review", "Bone marrow aspiration under local anaesthesia", "Cell processing in the on-site GMP laboratory",
         "Ultrasound-guided intra-articular injection", "Follow-up at 1, 3, 6 and 12 months"],
        "https://bkk-regen.example/documents/knee-protocol.pdf");

    public FieldErrors Validate() => new FieldErrors()
        .WithinLimits(this)
        .Present("program", Program)
        .Items("steps", Steps, 100, 1000)
        .Url("documentUrl", DocumentUrl);

    /// <summary>The same program again replaces its protocol on file; exactly as on file, nothing.</summary>
    public object Decide(ClinicClaims claims, ClaimContext context)
    {
        var same = claims.Protocols.FirstOrDefault(x => Text.Key(x.Program) == Text.Key(Program));
        var next = new ProtocolClaim(same?.ClaimId ?? context.NewClaimId, Program.Trim(),
            (Steps ?? []).Select(x => x.Trim()).Where(x => x.Length > 0).ToList(), DocumentUrl?.Trim());
        return Unchanged.Is(same, next) ? new NothingToRecord(next.ClaimId) : new ProtocolClaimed(claims.Id, next);
    }
}

public static class RecordProtocolEndpoint
{
    public static ProblemDetails Validate(ProtocolInput protocol) => protocol.Validate().ToProblem();

    /// <summary>Record the written step-by-step protocol of a program. The same program again replaces it.</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/protocols", OperationId = "RecordProtocolClaim"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, ProtocolInput protocol, IMessageBus bus) => ChangeClaim.Send(bus, clinicId, protocol);
}
