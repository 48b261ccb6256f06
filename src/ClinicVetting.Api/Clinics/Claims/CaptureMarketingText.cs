namespace ClinicVetting.Clinics.Claims;

public sealed record MarketingTextInput([property: FieldLimit(MaxLength = 2000, Format = FieldFormat.Uri)] string SourceUrl, string Text) : IClaimChange, IHasExample<MarketingTextInput>
{
    public static MarketingTextInput Example => new("https://bkk-regen.example/treatments/parkinsons",
        "Our mesenchymal stem cells cure Parkinson's disease in 95% of patients, with no side effects.");

    public FieldErrors Validate() => new FieldErrors()
        .WithinLimits(this)
        .Present("sourceUrl", SourceUrl)
        .Url("sourceUrl", SourceUrl)
        .Required("text", Text, 100_000);

    /// <summary>A snapshot of the same text from the same page is already on file: its capture time is the first one's.</summary>
    public object Decide(ClinicClaims claims, ClaimContext context)
    {
        var marketing = new MarketingTextClaim(context.NewClaimId, SourceUrl.Trim(), Text, context.Now);
        var same = claims.Marketing.FirstOrDefault(x => x.SourceUrl == marketing.SourceUrl && x.Text == marketing.Text);
        return same is not null ? new NothingToRecord(same.ClaimId) : new MarketingTextCaptured(claims.Id, marketing);
    }
}

public static class CaptureMarketingTextEndpoint
{
    public static ProblemDetails Validate(MarketingTextInput marketing) => marketing.Validate().ToProblem();

    /// <summary>Keep a snapshot of the clinic's marketing text (where it was found and what it said) for the claims scanner.</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/marketing-texts", OperationId = "CaptureMarketingText"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, MarketingTextInput marketing, IMessageBus bus) => ChangeClaim.Send(bus, clinicId, marketing);
}
