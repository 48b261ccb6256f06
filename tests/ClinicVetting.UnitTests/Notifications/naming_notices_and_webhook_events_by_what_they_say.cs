using ClinicVetting.Clinics.Claims;
using ClinicVetting.Notifications;
using ClinicVetting.Ranking;
using ClinicVetting.Vetting;
using JasperFx.Events;

namespace ClinicVetting.UnitTests.Notifications;

/// <summary>
/// A notice's id (its Message-ID) and a webhook delivery's id come from what the event says, never from the wrapper that
/// carried it: JasperFx gives every new <c>Event&lt;T&gt;</c> a random id, and a wrapper that did not carry the stored
/// event's id once made a second decision notice after a restart (docs/operations.md, "Notices and webhooks").
/// </summary>
public class naming_notices_and_webhook_events_by_what_they_say
{
    private static readonly DateTimeOffset Now = new(2030, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Clinic = Guid.NewGuid();
    private static readonly Guid Claim = Guid.NewGuid();

    /// <summary>The one stored event in two wrappers, each with its own random id, as a replay in an unlucky path would hear it.</summary>
    private static (IEvent<T> First, IEvent<T> Again) Twice<T>(T data) where T : notnull
    {
        var first = new Event<T>(data);
        var again = new Event<T>(data);
        first.Id.ShouldNotBe(again.Id);
        return (first, again);
    }

    private static CredentialExpiryReminderIssued Reminder(DateOnly validUntil, int daysBefore, Guid? claim = null) =>
        new(Clinic, claim ?? Claim, CredentialKind.License, "LIC-1", validUntil, daysBefore, Now);

    private static ClinicSuspended Suspension(DateTimeOffset at, string cause = SuspensionCauses.Reverification) => new(Clinic, cause, "lapsed", at);

    private static ClinicReinstated Reinstatement(DateTimeOffset at, string cause = SuspensionCauses.Reverification) =>
        new(Clinic, cause, "renewed", "approver-1", at);

    [Fact]
    public void an_expiry_reminder_heard_in_two_wrappers_is_one_notice_and_another_reminder_is_another()
    {
        var (first, again) = Twice(Reminder(new DateOnly(2030, 4, 1), 30));

        NoticeDue.Of(again).NoticeId.ShouldBe(NoticeDue.Of(first).NoticeId);
        NoticeDue.Of(first).EventId.ShouldBe(first.Id);

        var ids = new[]
        {
            NoticeDue.Of(first).NoticeId,
            NoticeDue.Of(new Event<CredentialExpiryReminderIssued>(Reminder(new DateOnly(2030, 4, 1), 7))).NoticeId,
            NoticeDue.Of(new Event<CredentialExpiryReminderIssued>(Reminder(new DateOnly(2031, 4, 1), 30))).NoticeId,
            NoticeDue.Of(new Event<CredentialExpiryReminderIssued>(Reminder(new DateOnly(2030, 4, 1), 30, Guid.NewGuid()))).NoticeId,
        };
        ids.Distinct().Count().ShouldBe(4, "another offset, a renewed credential's date, another credential: each its own reminder");
    }

    [Fact]
    public void a_suspension_or_reinstatement_heard_in_two_wrappers_is_one_notice_and_one_taking_effect_later_is_another()
    {
        var (suspended, suspendedAgain) = Twice(Suspension(Now));
        var (reinstated, reinstatedAgain) = Twice(Reinstatement(Now.AddDays(3)));

        NoticeDue.Of(suspendedAgain).NoticeId.ShouldBe(NoticeDue.Of(suspended).NoticeId);
        NoticeDue.Of(reinstatedAgain).NoticeId.ShouldBe(NoticeDue.Of(reinstated).NoticeId);

        // Suspended, reinstated, suspended again (later, or at once for another cause): four notices.
        var ids = new[]
        {
            NoticeDue.Of(suspended).NoticeId,
            NoticeDue.Of(reinstated).NoticeId,
            NoticeDue.Of(new Event<ClinicSuspended>(Suspension(Now.AddDays(40)))).NoticeId,
            NoticeDue.Of(new Event<ClinicSuspended>(Suspension(Now, SuspensionCauses.Credential(Claim)))).NoticeId,
        };
        ids.Distinct().Count().ShouldBe(4);
        // The same instant as a suspension is still a reinstatement's own notice.
        NoticeDue.Of(new Event<ClinicReinstated>(Reinstatement(Now))).NoticeId.ShouldNotBe(NoticeDue.Of(suspended).NoticeId);
    }

    [Fact]
    public void a_webhook_event_heard_in_two_wrappers_makes_the_same_delivery_for_a_subscriber()
    {
        var subscriber = Guid.NewGuid();
        var caseId = Guid.NewGuid();
        var lists = new EditionLists([], new Dictionary<string, IReadOnlyList<ListEntry>>(), new Dictionary<string, IReadOnlyList<ListEntry>>());
        WebhookEventDue[][] heardTwice =
        [
            Both(Twice(new ClinicVettingApproved(Clinic, caseId, Now, Now.AddYears(1))), WebhookEventDue.Of),
            Both(Twice(new ClinicVettingRejected(Clinic, Guid.NewGuid(), "no license", Now)), WebhookEventDue.Of),
            Both(Twice(Suspension(Now)), WebhookEventDue.Of),
            Both(Twice(Reinstatement(Now.AddDays(3))), WebhookEventDue.Of),
            Both(Twice(new RankingEditionPublished(7, Guid.NewGuid(), 1, 100, Now, lists, [], "staff-1", "approver-1", Now)), WebhookEventDue.Of),
        ];

        foreach (var pair in heardTwice)
        {
            pair[0].EventId.ShouldNotBe(pair[1].EventId);
            WebhookDeliveryIds.For(pair[1], subscriber).ShouldBe(WebhookDeliveryIds.For(pair[0], subscriber), pair[0].Type);
            WebhookDeliveryIds.For(pair[0], Guid.NewGuid()).ShouldNotBe(WebhookDeliveryIds.For(pair[0], subscriber), "another subscriber, another delivery");
        }

        heardTwice.Select(x => WebhookDeliveryIds.For(x[0], subscriber)).Distinct().Count().ShouldBe(heardTwice.Length, "five events, five deliveries");
        // A suspension taking effect later is a delivery of its own.
        WebhookDeliveryIds.For(WebhookEventDue.Of(new Event<ClinicSuspended>(Suspension(Now.AddDays(40)))), subscriber)
            .ShouldNotBe(WebhookDeliveryIds.For(heardTwice[2][0], subscriber));
    }

    [Fact]
    public void a_webhook_message_stored_before_events_had_keys_keeps_the_delivery_id_it_was_made_with()
    {
        var subscriber = Guid.NewGuid();
        var stored = new WebhookEventDue(Guid.NewGuid(), WebhookEvents.ClinicSuspended, Now, "{}");

        WebhookDeliveryIds.For(stored, subscriber).ShouldBe(WebhookDeliveryIds.ByEventId(stored.EventId, subscriber));
    }

    private static WebhookEventDue[] Both<T>((IEvent<T> First, IEvent<T> Again) heard, Func<IEvent<T>, WebhookEventDue> of) where T : notnull =>
        [of(heard.First), of(heard.Again)];
}
