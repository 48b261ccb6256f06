namespace ClinicVetting.Clinics.Claims;

/// <summary>The answer of a claim command; <c>unchanged</c> when the claim as sent was already on file and nothing was written.</summary>
public sealed record ClaimOnFile(Guid ClinicId, Guid? ClaimId, long Version, bool Unchanged = false) : IHttpAware
{
    /// <summary>Whether the command recorded a new claim (not a renewal of one on file, not a withdrawal).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Recorded { get; init; }

    /// <summary>A claim recorded by a POST is created: 201 with its place among the clinic's claims.</summary>
    public void Apply(HttpContext context)
    {
        if (Recorded && ClaimId is { } claimId && HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.Headers.Location = LocationOf(ClinicId, claimId);
        }
    }

    /// <summary>The answer every claim endpoint can give; the ones that create also answer 201 (ClaimCreationInOpenApi says which).</summary>
    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ClaimOnFile), ["application/json"]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(ProblemDetails), ["application/problem+json"]));
    }

    public static string LocationOf(Guid clinicId, Guid claimId) => $"/api/clinics/{clinicId}/claims#{claimId}";
}

/// <summary>What a claim command decides when the claim as sent is the claim on file: nothing is written.</summary>
public sealed record NothingToRecord(Guid? ClaimId);

/// <summary>What a claim's decision may use besides the claims on file: the id a new claim takes, the time, the vocabulary in force.</summary>
public sealed record ClaimContext(Guid NewClaimId, DateTimeOffset Now, IReadOnlyList<Contraindication> Contraindications);

/// <summary>
/// One change to what a clinic claims (each claim endpoint's body, or a withdrawal), deciding itself against the claims on file:
/// an event, or <see cref="NothingToRecord"/> when the claim as sent is already on file (so a resent claim appends nothing).
/// </summary>
public interface IClaimChange
{
    object Decide(ClinicClaims claims, ClaimContext context);

    /// <summary>Whether the decision reads the contraindications of the vetting rules in force (the medical evaluation's does).</summary>
    bool ReadsContraindications => false;
}

/// <summary>
/// Every claim endpoint sends this: fetch the clinic's claims, let the change decide, append, and publish the event appended
/// (through the durable outbox, after the commit) to whichever capability listens; Claims commands nobody. A decision that
/// there is nothing to record writes nothing and publishes nothing.
/// </summary>
public sealed record ChangeClaim(Guid ClinicId, IClaimChange Change)
{
    public static Task<ClaimOnFile> Send(IMessageBus bus, Guid clinicId, IClaimChange change) =>
        bus.InvokeAsync<ClaimOnFile>(new ChangeClaim(clinicId, change));
}

public static class ChangeClaimHandler
{
    public static async Task<(ClaimOnFile, OutgoingMessages)> Handle(ChangeClaim command, IDocumentSession session, IContraindicationCatalog catalog,
        TimeProvider clock, CancellationToken cancellation)
    {
        var (stream, claims) = await session.Events.FetchExisting<ClinicClaims>(command.ClinicId, "Clinic", cancellation);
        var contraindications = command.Change.ReadsContraindications ? await catalog.InForce(session, cancellation) : [];
        var newClaimId = Guid.CreateVersion7();
        var @event = command.Change.Decide(claims, new ClaimContext(newClaimId, clock.GetUtcNow(), contraindications));
        if (@event is NothingToRecord nothing)
        {
            return (new ClaimOnFile(command.ClinicId, nothing.ClaimId, claims.Version, Unchanged: true), []);
        }

        stream.AppendOne(@event);
        return (new ClaimOnFile(command.ClinicId, ClaimIdOf(@event), claims.Version + 1) { Recorded = ClaimIdOf(@event) == newClaimId }, [@event]);
    }

    private static Guid? ClaimIdOf(object @event) => @event switch
    {
        LicenseClaimed e => e.License.ClaimId,
        AccreditationClaimed e => e.Accreditation.ClaimId,
        TherapyClaimed e => e.Therapy.ClaimId,
        TeamMemberClaimed e => e.Member.ClaimId,
        ProtocolClaimed e => e.Protocol.ClaimId,
        MarketingTextCaptured e => e.Marketing.ClaimId,
        ClaimWithdrawn e => e.ClaimId,
        _ => null,
    };
}

/// <summary>The OpenAPI document says so: a POST that records a claim answers 201 with Location (200 when it was already on file).</summary>
public static class ClaimCreationInOpenApi
{
    public static IServiceCollection AddClaimCreationToOpenApi(this IServiceCollection services) =>
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", openApi => openApi.AddOperationTransformer(Describe));

    public static Task Describe(Microsoft.OpenApi.OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context,
        CancellationToken cancellation)
    {
        if (context.Description.HttpMethod == "POST" && !context.Description.RelativePath!.EndsWith("/withdrawal", StringComparison.Ordinal)
            && operation.Responses?.TryGetValue("200", out var ok) == true && ok is Microsoft.OpenApi.OpenApiResponse onFile
            && context.Description.SupportedResponseTypes.Any(x => x.Type == typeof(ClaimOnFile)))
        {
            operation.Responses["201"] = new Microsoft.OpenApi.OpenApiResponse
            {
                Description = "Recorded: `Location` is the claim among the clinic's claims (`/api/clinics/{clinicId}/claims#{claimId}`).",
                Content = onFile.Content,
                Headers = new Dictionary<string, Microsoft.OpenApi.IOpenApiHeader>
                {
                    ["Location"] = new Microsoft.OpenApi.OpenApiHeader
                    {
                        Description = "Where the claim is listed.",
                        Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, Format = "uri-reference", MaxLength = 200 },
                    },
                },
            };
            onFile.Description = "Already on file exactly as sent: nothing was written (`unchanged: true`).";
        }

        return Task.CompletedTask;
    }
}
