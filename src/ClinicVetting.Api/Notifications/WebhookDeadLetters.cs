namespace ClinicVetting.Notifications;

public static class ListWebhookDeadLettersEndpoint
{
    /// <summary>Webhook deliveries that failed for good (every retry used), newest first, with the last error; redeliver each when fixed.</summary>
    [WolverineGet("/api/notifications/webhooks/dead-letters", OperationId = "ListWebhookDeadLetters"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Notifications")]
    public static Task<Page<WebhookDelivery>> Get(int? page, int? pageSize, IQuerySession session, CancellationToken cancellation) =>
        session.Query<WebhookDelivery>().Where(x => x.Status == DeliveryStatus.Failed).OrderByDescending(x => x.LastAttemptAt).ThenBy(x => x.Id)
            .ToPageAsync(page, pageSize, cancellation);
}

public static class RedeliverWebhookEndpoint
{
    /// <summary>Deliver a dead letter again, with a fresh round of retries; anything not failed for good is a 409.</summary>
    [WolverinePost("/api/notifications/webhooks/deliveries/{deliveryId}/redelivery", OperationId = "RedeliverWebhook"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Notifications")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<(WebhookDelivery, OutgoingMessages)> Post(Guid deliveryId, IDocumentSession session, CancellationToken cancellation)
    {
        var delivery = await session.LoadAsync<WebhookDelivery>(deliveryId, cancellation) ?? throw new NotFound("Webhook delivery", deliveryId);
        if (delivery.Status != DeliveryStatus.Failed)
        {
            throw new Conflict($"The delivery is {delivery.Status.ToString().ToLowerInvariant()}, not failed: only dead letters are redelivered.");
        }

        delivery.Status = DeliveryStatus.Pending;
        delivery.Attempts = 0;
        delivery.NextAttemptAt = null;
        session.Store(delivery);
        return (delivery, [new DeliverWebhook(delivery.Id)]);
    }
}
