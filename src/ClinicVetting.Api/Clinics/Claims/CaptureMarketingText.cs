namespace ClinicVetting.Clinics.Claims;

public sealed record MarketingTextInput(string SourceUrl, string Text)
{
    public FieldErrors Validate() => new FieldErrors()
        .Required("sourceUrl", SourceUrl, 2000)
        .Url("sourceUrl", SourceUrl)
        .Required("text", Text, 100_000);
}

public sealed record CaptureMarketingText(Guid ClinicId, MarketingTextInput Marketing);

public static class CaptureMarketingTextEndpoint
{
    public static ProblemDetails Validate(MarketingTextInput marketing) => marketing.Validate().ToProblem();

    /// <summary>Keep a snapshot of the clinic's marketing text (where it was found and what it said) for the claims scanner.</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/marketing-texts", OperationId = "CaptureMarketingText"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, MarketingTextInput marketing, IMessageBus bus) =>
        bus.InvokeAsync<ClaimOnFile>(new CaptureMarketingText(clinicId, marketing));
}

public static class CaptureMarketingTextHandler
{
    public static Task<(ClaimOnFile, OutgoingMessages)> Handle(CaptureMarketingText command, IDocumentSession session, TimeProvider clock,
        CancellationToken cancellation) =>
        ClaimRecording.Append(session, command.ClinicId, claims => ClaimDecisions.CaptureMarketingText(claims,
            new MarketingTextClaim(Guid.CreateVersion7(), command.Marketing.SourceUrl.Trim(), command.Marketing.Text, clock.GetUtcNow())), cancellation);
}
