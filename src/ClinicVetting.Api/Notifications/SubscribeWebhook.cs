namespace ClinicVetting.Notifications;

public sealed record WebhookSubscription(
    [property: FieldLimit(MaxLength = 2000, Format = FieldFormat.Uri)] string Url,
    IReadOnlyList<string> Events,
    [property: FieldLimit(MaxLength = 500)] string? Description = null) : IHasExample<WebhookSubscription>
{
    public static WebhookSubscription Example => new("https://booking.partner.example/hooks/clinicvetting",
        [WebhookEvents.VettingDecided, WebhookEvents.ClinicSuspended], "The booking system hides suspended clinics");

    public FieldErrors Validate() => new FieldErrors()
        .WithinLimits(this)
        .Present("url", Url)
        .When(Url is { Length: > 0 and <= 2000 } && !IsHttpUrl(Url.Trim()), "url", "must be an absolute http or https URL without credentials")
        .When(Events is null or { Count: 0 }, "events", $"must list at least one of {string.Join(", ", WebhookEvents.All)}")
        .When(Events?.Any(x => !WebhookEvents.All.Contains(x)) == true, "events", $"must each be one of {string.Join(", ", WebhookEvents.All)}");

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.UserInfo) && uri.Fragment.Length == 0;
}

/// <summary>The subscriber just created, with its secret: shown this once, never again.</summary>
public sealed record NewWebhookSubscriber(Guid Id, string Url, IReadOnlyList<string> Events, string Secret);

public static class SubscribeWebhookEndpoint
{
    public static ProblemDetails Validate(WebhookSubscription subscription) => subscription.Validate().ToProblem();

    /// <summary>
    /// Subscribe a system to signed webhook deliveries of vetting.decided, clinic.suspended, clinic.reinstated and
    /// ranking.edition-published. The answer holds the signing secret, shown only now. The URL must be https (else 400) on a
    /// public address: a host that is or resolves to a loopback, private, link-local, metadata or other reserved address is refused (422).
    /// </summary>
    [WolverinePost("/api/notifications/webhooks", OperationId = "SubscribeWebhook"), Authorize(Policy = Policies.Approver)]
    [Tags("Notifications")]
    [ProducesResponseType<NewWebhookSubscriber>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public static async Task<IResult> Post(WebhookSubscription subscription, IDocumentSession session, IMessageContext context, TimeProvider clock,
        WebhookTargets targets, CancellationToken cancellation)
    {
        var url = new Uri(subscription.Url.Trim());
        if (targets.SchemeRefusal(url) is { } scheme)
        {
            throw new InvalidRequest("Webhook URL refused", scheme);
        }

        if (await targets.AddressRefusal(url, cancellation) is { } address)
        {
            throw new RuleViolation(address, [address]);
        }

        var subscriber = new WebhookSubscriber
        {
            Id = Guid.CreateVersion7(),
            Url = subscription.Url.Trim(),
            Events = subscription.Events.Distinct().ToList(),
            Secret = WebhookSubscriber.NewSecret(),
            Description = subscription.Description?.Trim(),
            CreatedBy = Actor.Of(context),
            CreatedAt = clock.GetUtcNow(),
        };
        session.Insert(subscriber);
        return Results.Created($"/api/notifications/webhooks/{subscriber.Id}",
            new NewWebhookSubscriber(subscriber.Id, subscriber.Url, subscriber.Events, subscriber.Secret));
    }
}

public static class ListWebhookSubscribersEndpoint
{
    /// <summary>The webhook subscribers, oldest first, without their secrets.</summary>
    [WolverineGet("/api/notifications/webhooks", OperationId = "ListWebhookSubscribers"), Authorize(Policy = Policies.Approver)]
    [Tags("Notifications")]
    public static async Task<IReadOnlyList<WebhookSubscriberView>> Get(IQuerySession session, CancellationToken cancellation) =>
        (await session.Query<WebhookSubscriber>().OrderBy(x => x.CreatedAt).ToListAsync(cancellation)).Select(WebhookSubscriberView.Of).ToList();
}

public static class RemoveWebhookSubscriberEndpoint
{
    /// <summary>Stop deliveries to a subscriber; those already failed stay listed.</summary>
    [WolverineDelete("/api/notifications/webhooks/{subscriberId}", OperationId = "RemoveWebhookSubscriber"), Authorize(Policy = Policies.Approver)]
    [Tags("Notifications")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Delete(Guid subscriberId, IDocumentSession session, CancellationToken cancellation)
    {
        _ = await session.LoadAsync<WebhookSubscriber>(subscriberId, cancellation) ?? throw new NotFound("Webhook subscriber", subscriberId);
        session.Delete<WebhookSubscriber>(subscriberId);
        return Results.NoContent();
    }
}
