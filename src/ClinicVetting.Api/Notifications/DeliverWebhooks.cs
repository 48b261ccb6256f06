using System.Text.Json;
using ClinicVetting.Ranking;
using ClinicVetting.Vetting;
using JasperFx.Events;

namespace ClinicVetting.Notifications;

/// <summary>
/// An event subscribers may hear of, heard from the log. <see cref="Key"/> names the fact from what the event says (a case's
/// decision, a clinic's suspension at an instant, an edition), never from the wrapper that carried it, so the fact heard again
/// in any wrapper fans out once: a delivery's id comes from the key and the subscriber. <see cref="EventId"/> is the carrying
/// wrapper's id (the logged event's, in every path we know), sent to subscribers as <c>eventId</c> and used to recognise a
/// delivery stored before the key existed (its id came from the event id). A message stored before then has no key.
/// </summary>
public sealed record WebhookEventDue(Guid EventId, string Type, DateTimeOffset OccurredAt, string DataJson, string? Key = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static WebhookEventDue Of<T>(IEvent e, string type, string key, DateTimeOffset at, T data) =>
        new(e.Id, type, at, JsonSerializer.Serialize(data, Json), $"{type}:{key}");

    // A case is decided once: approved or rejected, never both, never again.
    public static WebhookEventDue Of(IEvent<ClinicVettingApproved> e) => Of(e, WebhookEvents.VettingDecided, $"{e.Data.CaseId}", e.Data.ApprovedAt,
        new { e.Data.ClinicId, e.Data.CaseId, Decision = "approved", DecidedAt = e.Data.ApprovedAt, e.Data.ReverifyBy });

    public static WebhookEventDue Of(IEvent<ClinicVettingRejected> e) => Of(e, WebhookEvents.VettingDecided, $"{e.Data.CaseId}", e.Data.RejectedAt,
        new { e.Data.ClinicId, e.Data.CaseId, Decision = "rejected", DecidedAt = e.Data.RejectedAt, e.Data.Reason });

    public static WebhookEventDue Of(IEvent<ClinicSuspended> e) => Of(e, WebhookEvents.ClinicSuspended, StandingKey.Of(e.Data), e.Data.SuspendedAt,
        new { e.Data.ClinicId, e.Data.Cause, e.Data.Reason, e.Data.SuspendedAt });

    public static WebhookEventDue Of(IEvent<ClinicReinstated> e) => Of(e, WebhookEvents.ClinicReinstated, StandingKey.Of(e.Data), e.Data.ReinstatedAt,
        new { e.Data.ClinicId, e.Data.Cause, e.Data.Reason, e.Data.ReinstatedAt });

    // Edition numbers are never reused.
    public static WebhookEventDue Of(IEvent<RankingEditionPublished> e) => Of(e, WebhookEvents.EditionPublished, $"{e.Data.Edition}", e.Data.PublishedAt,
        new { e.Data.Edition, e.Data.PublishedAt, e.Data.PolicyVersion, Href = $"/api/public/rankings/editions/{e.Data.Edition}" });
}

/// <summary>A delivery's id: the event's key and the subscriber; before keys, the event's id and the subscriber.</summary>
public static class WebhookDeliveryIds
{
    private static readonly Guid DeliveryIds = new("8f1c2a7e-3b4d-4e5f-9a6b-7c8d9e0f1a2b");

    public static Guid For(WebhookEventDue due, Guid subscriberId) =>
        due.Key is { } key ? DeterministicGuid.Create(DeliveryIds, $"{key}|{subscriberId}") : ByEventId(due.EventId, subscriberId);

    /// <summary>How a delivery was keyed before events had keys (and still is for a message stored then).</summary>
    public static Guid ByEventId(Guid eventId, Guid subscriberId) => DeterministicGuid.Create(DeliveryIds, $"{eventId}:{subscriberId}");
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
    /// <summary>Two handlings of one event at once (two nodes, a replay beside the original) insert the same ids: the loser runs again and finds them.</summary>
    [ClinicVetting.Infrastructure.Messaging.RetryLostRace]
    public static async Task<OutgoingMessages> Handle(WebhookEventDue due, IDocumentSession session, TimeProvider clock, CancellationToken cancellation)
    {
        var subscribers = (await session.Query<WebhookSubscriber>().ToListAsync(cancellation)).Where(x => x.Events.Contains(due.Type))
            .Select(x => (Subscriber: x, Id: WebhookDeliveryIds.For(due, x.Id), Before: WebhookDeliveryIds.ByEventId(due.EventId, x.Id)))
            .ToList();
        var messages = new OutgoingMessages();
        if (subscribers.Count == 0)
        {
            return messages;
        }

        // Already made: under the event's key, or (before keys) under the id of the event that carried it. One round trip.
        var known = (await session.LoadManyAsync<WebhookDelivery>(cancellation, subscribers.SelectMany(x => new[] { x.Id, x.Before }).Distinct()))
            .Select(x => x.Id).ToHashSet();
        foreach (var (subscriber, id, before) in subscribers)
        {
            if (known.Contains(id) || known.Contains(before))
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
