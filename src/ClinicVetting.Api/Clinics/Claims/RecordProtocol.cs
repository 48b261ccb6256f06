namespace ClinicVetting.Clinics.Claims;

public sealed record ProtocolInput(string Program, IReadOnlyList<string>? Steps = null, string? DocumentUrl = null)
{
    public FieldErrors Validate() => new FieldErrors()
        .Required("program", Program, 200)
        .Items("steps", Steps, 100, 1000)
        .Url("documentUrl", DocumentUrl);
}

public sealed record RecordProtocol(Guid ClinicId, ProtocolInput Protocol);

public static class RecordProtocolEndpoint
{
    public static ProblemDetails Validate(ProtocolInput protocol) => protocol.Validate().ToProblem();

    /// <summary>Record the written step-by-step protocol of a program. The same program again replaces it.</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/protocols", OperationId = "RecordProtocolClaim"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, ProtocolInput protocol, IMessageBus bus) =>
        bus.InvokeAsync<ClaimOnFile>(new RecordProtocol(clinicId, protocol));
}

public static class RecordProtocolHandler
{
    public static Task<(ClaimOnFile, OutgoingMessages)> Handle(RecordProtocol command, IDocumentSession session, CancellationToken cancellation)
    {
        var input = command.Protocol;
        return ClaimRecording.Append(session, command.ClinicId, claims => ClaimDecisions.RecordProtocol(claims,
            new ProtocolClaim(Guid.CreateVersion7(), input.Program, (input.Steps ?? []).Select(x => x.Trim()).Where(x => x.Length > 0).ToList(),
                input.DocumentUrl?.Trim())), cancellation);
    }
}
