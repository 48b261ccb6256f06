using Alba;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Notifications;
using ClinicVetting.Vetting;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Notifications;

/// <summary>
/// A suspension (like a reminder or a reinstatement) is e-mailed once and delivered to each subscriber once, however it is
/// heard again: in a wrapper that does not carry the stored event's id (JasperFx gives a new <c>Event&lt;T&gt;</c> a random
/// one), or after an upgrade, when the notice and the delivery were keyed by the event's id. (A decision notice's case is
/// tested in <see cref="making_one_notice_per_decision"/>.)
/// </summary>
public class making_one_notice_and_delivery_per_event(AppFixture fixture) : SmtpContext(fixture)
{
    private static readonly int ReceiverPort = ApiProcess.FreePort();
    private TestWebhookReceiver _receiver = null!;
    private Guid _subscriber;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _receiver = new TestWebhookReceiver(ReceiverPort);
        var created = (await Host.Send(Approver, s => s.Post.Json(new WebhookSubscription(_receiver.Url,
                [WebhookEvents.ClinicSuspended, WebhookEvents.ClinicReinstated], "the test receiver"))
            .ToUrl("/api/notifications/webhooks"), 201)).ReadAsJson<NewWebhookSubscriber>()!;
        (_receiver.Secret, _subscriber) = (created.Secret, created.Id);
    }

    public override async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task<Guid> AClinicWithAnAddress(string name, string email)
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today, name);
        await Host.PutJson(Staff, $"/api/clinics/{clinicId}", ClinicScenarios.AClinic(name) with { ContactEmail = email });
        return clinicId;
    }

    /// <summary>The fact appended to the clinic's stream as the scheduled checks and approvers do; the stored event read back.</summary>
    private async Task<IEvent<T>> Logged<T>(Guid clinicId, T fact) where T : notnull
    {
        await using var session = Store.LightweightSession();
        session.Events.Append(clinicId, fact);
        await session.SaveChangesAsync();
        await using var query = Store.QuerySession();
        return (await query.Events.FetchStreamAsync(clinicId)).OfType<IEvent<T>>().Last();
    }

    private async Task<(IReadOnlyList<NoticeDelivery> Notices, IReadOnlyList<WebhookDelivery> Deliveries)> Made(Guid clinicId)
    {
        await using var session = Store.QuerySession();
        var deliveries = await session.Query<WebhookDelivery>().ToListAsync();
        return (await session.Query<NoticeDelivery>().Where(x => x.ClinicId == clinicId).ToListAsync(),
            deliveries.Where(x => x.Body.Contains(clinicId.ToString())).ToList());
    }

    /// <summary>Every notice e-mailed and every delivery accepted, then time for a second one, had one been made (retries 0.2 s apart).</summary>
    private async Task<(IReadOnlyList<NoticeDelivery> Notices, IReadOnlyList<WebhookDelivery> Deliveries)> Settled(Guid clinicId, int notices,
        int deliveries)
    {
        var expected = $"{notices} e-mails, {deliveries} webhook deliveries";
        await Host.Eventually(() => Task.FromResult($"{Smtp.Received.Count} e-mails, {_receiver.Accepted.Count()} webhook deliveries"),
            x => x == expected, expected);
        await Task.Delay(1000);
        var made = await Made(clinicId);
        made.Notices.Count.ShouldBe(notices, "one notice per fact");
        made.Deliveries.Count.ShouldBe(deliveries, "one delivery per fact and subscriber");
        Smtp.Received.Select(x => x.MessageId).ShouldBe(made.Notices.Select(x => x.MessageId), ignoreOrder: true, "one e-mail per notice");
        _receiver.Received.Select(x => x.DeliveryId).ShouldBe(made.Deliveries.Select(x => x.Id.ToString()), ignoreOrder: true);
        return made;
    }

    [Fact]
    public async Task a_suspension_heard_again_in_a_wrapper_without_the_stored_event_id_is_one_notice_and_one_delivery_and_the_next_one_is_new()
    {
        var clinicId = await AClinicWithAnAddress("Clínica Suspendida", "ops@suspendida.example");
        var suspended = await Logged(clinicId, new ClinicSuspended(clinicId, SuspensionCauses.Reverification, "Re-verification fell due.", Fixture.Clock.Now));
        await Settled(clinicId, notices: 1, deliveries: 1);

        // The same stored suspension in fresh wrappers, each with a random id, heard by the notice and webhook handlers again.
        var rewrapped = new Event<ClinicSuspended>(suspended.Data) { Sequence = suspended.Sequence, Version = suspended.Version, StreamId = clinicId };
        rewrapped.Id.ShouldNotBe(suspended.Id);
        await Host.InvokeMessageAndWaitAsync(NoticeDue.Of(rewrapped));
        await Host.InvokeMessageAndWaitAsync(WebhookEventDue.Of(rewrapped));
        await Host.InvokeMessageAndWaitAsync(WebhookEventDue.Of(new Event<ClinicSuspended>(suspended.Data)));
        await Settled(clinicId, notices: 1, deliveries: 1);

        // Reinstated, then suspended again later for the same cause: two more facts, two more notices and deliveries.
        await Logged(clinicId, new ClinicReinstated(clinicId, SuspensionCauses.Reverification, "Re-verified.", "arthur-approver", Fixture.Clock.Now.AddDays(2)));
        await Logged(clinicId, new ClinicSuspended(clinicId, SuspensionCauses.Reverification, "Re-verification fell due again.", Fixture.Clock.Now.AddDays(9)));
        var made = await Settled(clinicId, notices: 3, deliveries: 3);
        made.Notices.Select(x => x.Kind).ShouldBe([NoticeKind.Suspension, NoticeKind.Reinstatement, NoticeKind.Suspension], ignoreOrder: true);
    }

    [Fact]
    public async Task a_notice_and_a_delivery_keyed_by_the_event_id_before_the_upgrade_are_not_made_again()
    {
        var clinicId = await AClinicWithAnAddress("Clínica Previa", "ops@previa.example");
        var suspended = await Logged(clinicId, new ClinicSuspended(clinicId, SuspensionCauses.Reverification, "Re-verification fell due.", Fixture.Clock.Now));
        var (notices, deliveries) = await Settled(clinicId, notices: 1, deliveries: 1);

        // Both as the code before this change stored them: keyed by the suspension event's id.
        await using (var session = Store.LightweightSession())
        {
            var (notice, delivery) = (notices.Single(), deliveries.Single());
            session.Delete<NoticeDelivery>(notice.Id);
            session.Delete<WebhookDelivery>(delivery.Id);
            (notice.Id, notice.MessageId) = (suspended.Id, $"{suspended.Id}@notices.test");
            delivery.Id = WebhookDeliveryIds.ByEventId(suspended.Id, _subscriber);
            session.Insert(notice);
            session.Insert(delivery);
            await session.SaveChangesAsync();
        }

        // After the upgrade the subscription hears the suspension again (a restart from an older mark).
        await Host.InvokeMessageAndWaitAsync(NoticeDue.Of(suspended));
        await Host.InvokeMessageAndWaitAsync(WebhookEventDue.Of(suspended));

        await Task.Delay(1000);
        var (after, deliveredAfter) = await Made(clinicId);
        after.Select(x => x.Id).ShouldBe([suspended.Id]);
        deliveredAfter.Select(x => x.Id).ShouldBe([WebhookDeliveryIds.ByEventId(suspended.Id, _subscriber)]);
        (Smtp.Received.Count, _receiver.Received.Count).ShouldBe((1, 1));
    }

    [Fact]
    public async Task nodes_fanning_out_the_same_event_at_once_make_one_delivery_and_none_of_them_fails()
    {
        var clinicId = await AClinicWithAnAddress("Clínica Concurrida", "ops@concurrida.example");

        // Five suspensions of the clinic (the log does not hold them: only these handlings hear them), each handled by four
        // nodes at once. All four find no delivery; one insert wins, the others lose the race on the key and run again.
        var facts = Enumerable.Range(1, 5).Select(day => WebhookEventDue.Of(new Event<ClinicSuspended>(new ClinicSuspended(clinicId,
            SuspensionCauses.Reverification, $"Re-verification fell due ({day}).", Fixture.Clock.Now.AddDays(day))))).ToList();
        await Host.ExecuteAndWaitAsync(() => Task.WhenAll(facts.SelectMany(due => Enumerable.Range(0, 4)
            .Select(_ => Host.Services.GetRequiredService<Wolverine.IMessageBus>().InvokeAsync(due)))), timeoutInMilliseconds: 30_000);

        var (_, deliveries) = await Settled(clinicId, notices: 0, deliveries: facts.Count);
        deliveries.Select(x => x.Id).ShouldBe(facts.Select(due => WebhookDeliveryIds.For(due, _subscriber)), ignoreOrder: true);
    }
}
