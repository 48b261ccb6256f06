using System.Text.Json;
using ClinicVetting.Ranking;
using ClinicVetting.Vetting;
using JasperFx.Events;

namespace ClinicVetting.Notifications;

/// <summary>An event subscribers may hear of, heard from the log: <see cref="EventId"/> is the logged event's id, so a replay fans out once.</summary>
public sealed record WebhookEventDue(Guid EventId, string Type, DateTimeOffset OccurredAt, string DataJson)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static WebhookEventDue Of<T>(IEvent e, string type, DateTimeOffset at, T data) => new(e.Id, type, at, JsonSerializer.Serialize(data, Json));

    public static WebhookEventDue Of(IEvent<ClinicVettingApproved> e) => Of(e, WebhookEvents.VettingDecided, e.Data.ApprovedAt,
        new { e.Data.ClinicId, e.Data.CaseId, Decision = "approved", DecidedAt = e.Data.ApprovedAt, e.Data.ReverifyBy });

    public static WebhookEventDue Of(IEvent<ClinicVettingRejected> e) => Of(e, WebhookEvents.VettingDecided, e.Data.RejectedAt,
        new { e.Data.ClinicId, e.Data.CaseId, Decision = "rejected", DecidedAt = e.Data.RejectedAt, e.Data.Reason });

    public static WebhookEventDue Of(IEvent<ClinicSuspended> e) => Of(e, WebhookEvents.ClinicSuspended, e.Data.SuspendedAt,
        new { e.Data.ClinicId, e.Data.Cause, e.Data.Reason, e.Data.SuspendedAt });

    public static WebhookEventDue Of(IEvent<ClinicReinstated> e) => Of(e, WebhookEvents.ClinicReinstated, e.Data.ReinstatedAt,
        new { e.Data.ClinicId, e.Data.Cause, e.Data.Reason, e.Data.ReinstatedAt });

    public static WebhookEventDue Of(IEvent<RankingEditionPublished> e) => Of(e, WebhookEvents.EditionPublished, e.Data.PublishedAt,
        new { e.Data.Edition, e.Data.PublishedAt, e.Data.PolicyVersion, Href = $"/api/public/rankings/editions/{e.Data.Edition}" });
}

/// <summary>Try (again) to deliver one event to one subscriber.</summary>
public sealed record DeliverWebhook(Guid DeliveryId);

/// <summary>One event for one subscriber, and what became of it; failed for good, it is a dead letter staff may redeliver.</summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid SubscriberId { get; set; }
    public string Url { get; set; } = "";
    public Guid EventId { get; set; }
    public string EventType { get; set; } = "";
    public string Body { get; set; } = "";
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

public static class WebhookEventDueHandler
{
    private static readonly Guid DeliveryIds = new("8f1c2a7e-3b4d-4e5f-9a6b-7c8d9e0f1a2b");

    public static async Task<OutgoingMessages> Handle(WebhookEventDue due, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        var subscribers = await session.Query<WebhookSubscriber>().ToListAsync(cancellation);
        var messages = new OutgoingMessages();
        foreach (var subscriber in subscribers.Where(x => x.Events.Contains(due.Type)))
        {
            var id = DeterministicGuid.Create(DeliveryIds, $"{due.EventId}:{subscriber.Id}");
            if (await session.LoadAsync<WebhookDelivery>(id, cancellation) is not null)
            {
                continue;
            }

            session.Insert(new WebhookDelivery
            {
                Id = id,
                SubscriberId = subscriber.Id,
                Url = subscriber.Url,
                EventId = due.EventId,
                EventType = due.Type,
                Body = $$"""{"id":"{{id}}","eventId":"{{due.EventId}}","type":"{{due.Type}}","occurredAt":{{JsonSerializer.Serialize(due.OccurredAt)}},"data":{{due.DataJson}}}""",
                Status = DeliveryStatus.Pending,
                CreatedAt = clock.GetUtcNow(),
            });
            messages.Add(new DeliverWebhook(id));
        }

        return messages;
    }
}

public static class DeliverWebhookHandler
{
    public const string ClientName = "webhooks";

    public static async Task<OutgoingMessages> Handle(DeliverWebhook command, IDocumentSession session, IHttpClientFactory http, NotificationOptions options,
        WebhookTargets targets, TimeProvider clock, ILogger<WebhookDelivery> logger, CancellationToken cancellation)
    {
        var delivery = await session.LoadAsync<WebhookDelivery>(command.DeliveryId, cancellation);
        if (delivery is not { Status: DeliveryStatus.Pending or DeliveryStatus.Retrying })
        {
            return [];
        }

        var subscriber = await session.LoadAsync<WebhookSubscriber>(delivery.SubscriberId, cancellation);
        var now = clock.GetUtcNow();
        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        string? error;
        if (subscriber is null)
        {
            error = "the subscriber was removed";
        }
        else if (targets.SchemeRefusal(new Uri(subscriber.Url)) is { } refused)
        {
            error = $"refused: {refused}";
        }
        else
        {
            error = await Post(http.CreateClient(ClientName), subscriber, delivery, DateTimeOffset.UtcNow, cancellation);
        }

        var messages = new OutgoingMessages();
        if (error is null)
        {
            delivery.Status = DeliveryStatus.Sent;
            delivery.DeliveredAt = now;
            delivery.NextAttemptAt = null;
            delivery.LastError = null;
        }
        else if (subscriber is not null && options.DelayAfter(delivery.Attempts) is { } wait)
        {
            delivery.Status = DeliveryStatus.Retrying;
            delivery.LastError = error;
            delivery.NextAttemptAt = now + wait;
            messages.Add(new DeliverWebhook(delivery.Id).DelayedFor(wait));
        }
        else
        {
            delivery.Status = DeliveryStatus.Failed;
            delivery.LastError = error;
            delivery.NextAttemptAt = null;
            logger.LogWarning("Webhook delivery {DeliveryId} of {EventType} to {Url} failed for good after {Attempts} attempts: {Error}", delivery.Id,
                delivery.EventType, delivery.Url, delivery.Attempts, error);
        }

        session.Store(delivery);
        return messages;
    }

    /// <summary>One signed POST (signed at send time, so a retry carries a fresh timestamp); null on a 2xx, else what went wrong.</summary>
    private static async Task<string?> Post(HttpClient client, WebhookSubscriber subscriber, WebhookDelivery delivery, DateTimeOffset at,
        CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, subscriber.Url)
        {
            Content = new StringContent(delivery.Body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(subscriber.Secret, at, delivery.Body));
        request.Headers.TryAddWithoutValidation(WebhookSignature.DeliveryHeader, delivery.Id.ToString());
        request.Headers.TryAddWithoutValidation(WebhookSignature.EventHeader, delivery.EventType);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
            delivery.LastStatusCode = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? null : $"the receiver answered {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            delivery.LastStatusCode = null;
            return e.Message;
        }
    }
}
