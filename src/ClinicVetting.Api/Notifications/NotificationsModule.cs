using ClinicVetting.Ranking;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using Wolverine.Marten;

namespace ClinicVetting.Notifications;

/// <summary>
/// Notifications: what leaves the building. Notices to clinics by e-mail (decisions, expiry reminders, suspensions,
/// reinstatements) and signed webhooks to subscribed systems, both heard from the event log through a Wolverine subscription
/// and delivered by durable messages retried with backoff; each delivery's fate is a document staff can list.
/// </summary>
public static class NotificationsModule
{
    public const string Subscription = "notifications";

    public static void AddNotifications(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(NotificationOptions.From(builder.Configuration));
        services.AddSingleton<IMailSender, SmtpMailSender>();
        var targets = WebhookTargets.From(builder.Configuration);
        services.AddSingleton(targets);
        // Every connection is checked on the address it goes to; no redirect or proxy takes a delivery around that check.
        services.AddHttpClient(DeliverWebhookHandler.ClientName, client => client.Timeout = TimeSpan.FromSeconds(15))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectCallback = targets.Connect, AllowAutoRedirect = false, UseProxy = false });

        services.ConfigureMarten(opts =>
        {
            opts.Schema.For<NoticeDelivery>().Index(x => x.ClinicId).Index(x => x.Status).Index(x => x.CreatedAt);
            opts.Schema.For<WebhookDelivery>().Index(x => x.Status);
            opts.Schema.For<WebhookSubscriber>();
        });

        // The async daemon reads the log once per event and hands each to a handler here; progress is kept with the
        // projections', so a crash replays a few events at most (the notice and delivery ids make that harmless).
        services.PublishEventsToWolverine(Subscription, relay =>
        {
            // Deployed onto an existing log, it starts at its end: clinics are not e-mailed their whole history.
            relay.Options.SubscribeFromFirstRun();
            relay.PublishEvent<VettingDecisionNoticeSent>((e, bus) => bus.PublishAsync(NoticeDue.Of(e)));
            relay.PublishEvent<CredentialExpiryReminderIssued>((e, bus) => bus.PublishAsync(NoticeDue.Of(e)));
            relay.PublishEvent<ClinicSuspended>(async (e, bus) =>
            {
                await bus.PublishAsync(NoticeDue.Of(e));
                await bus.PublishAsync(WebhookEventDue.Of(e));
            });
            relay.PublishEvent<ClinicReinstated>(async (e, bus) =>
            {
                await bus.PublishAsync(NoticeDue.Of(e));
                await bus.PublishAsync(WebhookEventDue.Of(e));
            });
            relay.PublishEvent<ClinicVettingApproved>((e, bus) => bus.PublishAsync(WebhookEventDue.Of(e)));
            relay.PublishEvent<ClinicVettingRejected>((e, bus) => bus.PublishAsync(WebhookEventDue.Of(e)));
            relay.PublishEvent<RankingEditionPublished>((e, bus) => bus.PublishAsync(WebhookEventDue.Of(e)));
        });
    }
}
