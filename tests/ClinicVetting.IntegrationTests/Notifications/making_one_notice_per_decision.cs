using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Notifications;
using ClinicVetting.Vetting.Cases;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Notifications;

/// <summary>
/// A case is decided once, so its clinic gets one decision notice with one Message-ID, however many times the decision is
/// heard: the subscription re-reading the log from an older mark, the durable inbox replaying a message handled before a crash,
/// the decision reaching the notice handler in a wrapper that does not carry the stored event's id, or the decision notice
/// command handled twice. (A full test run under heavy load once e-mailed a clinic two notices with two Message-IDs after a
/// restart: docs/operations.md, "Notices and webhooks".)
/// </summary>
public class making_one_notice_per_decision(AppFixture fixture) : SmtpContext(fixture)
{
    private async Task<IReadOnlyList<NoticeDelivery>> Notices(Guid clinicId)
    {
        await using var session = Store.QuerySession();
        return await session.Query<NoticeDelivery>().Where(x => x.ClinicId == clinicId).ToListAsync();
    }

    /// <summary>The clinic's case decided and its one notice e-mailed; the stored decision notice event with it.</summary>
    private async Task<(Guid ClinicId, Guid CaseId, IEvent<VettingDecisionNoticeSent> Decision, NoticeDelivery Notice)> ADecidedCaseEmailedOnce(string name,
        string email)
    {
        var (clinicId, caseId) = await Host.AnApprovedClinic(Staff, Approver, Fixture.Clock.Today, Fixture.Clock.Now, name, email);
        await Host.Eventually(() => Task.FromResult(Smtp.Received.Count), x => x == 1, "the first e-mail");
        var notice = (await Host.Eventually(() => Notices(clinicId), x => x.Count == 1 && x[0].Status == DeliveryStatus.Sent, "the notice sent")).Single();
        await using var session = Store.QuerySession();
        var decision = (await session.Events.FetchStreamAsync(caseId)).OfType<IEvent<VettingDecisionNoticeSent>>().ShouldHaveSingleItem();
        return (clinicId, caseId, decision, notice);
    }

    private async Task ShouldBeOneNoticeAndOneEmail(Guid clinicId, NoticeDelivery first)
    {
        // Time for a second delivery, had one been made, to be sent (retries 0.2 s apart).
        await Task.Delay(1000);
        var notices = await Notices(clinicId);
        notices.Select(x => x.Id).ShouldBe([first.Id], "one notice for the one decision");
        Smtp.Received.Select(x => x.MessageId).ShouldBe([first.MessageId], "one e-mail with the notice's Message-ID");
    }

    [Fact]
    public async Task the_decision_heard_again_in_a_wrapper_without_the_stored_event_id_is_the_same_notice()
    {
        var (clinicId, caseId, decision, first) = await ADecidedCaseEmailedOnce("Clínica Envoltorio", "ops@envoltorio.example");

        // The same stored decision in a fresh event wrapper: JasperFx gives a new Event<T> a random id until mt_events.id is read into it.
        var rewrapped = new Event<VettingDecisionNoticeSent>(decision.Data) { Sequence = decision.Sequence, Version = decision.Version, StreamId = caseId };
        rewrapped.Id.ShouldNotBe(decision.Id);
        await Host.InvokeMessageAndWaitAsync(NoticeDue.Of(rewrapped));
        // A message for the same decision that names another notice id (as one made before the id came from the case could).
        await Host.InvokeMessageAndWaitAsync(NoticeDue.Of(decision) with { NoticeId = Guid.NewGuid() });

        await ShouldBeOneNoticeAndOneEmail(clinicId, first);
    }

    [Fact]
    public async Task the_subscription_re_reading_the_log_from_its_start_makes_no_second_notice()
    {
        var (clinicId, _, _, first) = await ADecidedCaseEmailedOnce("Clínica Rebobinada", "ops@rebobinada.example");

        // As a restart from an older progression mark does: the subscription hears every event again.
        var daemon = Host.Services.GetRequiredService<Marten.Events.Daemon.Coordination.IProjectionCoordinator>().DaemonForMainDatabase();
        await daemon.RewindSubscriptionAsync(NotificationsModule.Subscription, CancellationToken.None, sequenceFloor: 0);
        await Host.Eventually(async () =>
        {
            await using var connection = new Npgsql.NpgsqlConnection(Fixture.ConnectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                "select (select coalesce(max(last_seq_id), 0) from clinicvetting.mt_event_progression where name like @name) " +
                ">= (select max(seq_id) from clinicvetting.mt_events)", connection);
            command.Parameters.AddWithValue("name", $"{NotificationsModule.Subscription}%");
            return (bool)(await command.ExecuteScalarAsync())!;
        }, x => x, "the subscription back at the end of the log");
        // It did hear the decision again: a second NoticeDue was handled.
        await Host.Eventually(async () =>
        {
            await using var connection = new Npgsql.NpgsqlConnection(Fixture.ConnectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                "select count(*) from clinicvetting.wolverine_incoming_envelopes where message_type = @type and status = 'Handled'", connection);
            command.Parameters.AddWithValue("type", typeof(NoticeDue).FullName!);
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }, x => x >= 2, "the decision heard a second time");

        await ShouldBeOneNoticeAndOneEmail(clinicId, first);
    }

    [Fact]
    public async Task the_decision_notice_command_handled_again_or_twice_at_once_records_one_notice_event()
    {
        var (clinicId, caseId, _, first) = await ADecidedCaseEmailedOnce("Clínica Repetida", "ops@repetida.example");

        // The durable inbox replays a command handled before a crash; two nodes handle it at once.
        await Host.InvokeMessageAndWaitAsync(new SendVettingDecisionNotice(caseId));
        await Host.ExecuteAndWaitAsync(() => Task.WhenAll(
            Host.Services.GetRequiredService<Wolverine.IMessageBus>().InvokeAsync(new SendVettingDecisionNotice(caseId)),
            Host.Services.GetRequiredService<Wolverine.IMessageBus>().InvokeAsync(new SendVettingDecisionNotice(caseId))));

        await using var session = Store.QuerySession();
        (await session.Events.FetchStreamAsync(caseId)).Count(x => x.Data is VettingDecisionNoticeSent).ShouldBe(1);
        await ShouldBeOneNoticeAndOneEmail(clinicId, first);
    }

    [Fact]
    public async Task a_notice_made_before_its_id_came_from_the_case_is_not_made_again()
    {
        var (clinicId, _, decision, first) = await ADecidedCaseEmailedOnce("Clínica Antigua", "ops@antigua.example");

        // The delivery as the code before this change stored it: keyed by the decision notice event's id.
        await using (var session = Store.LightweightSession())
        {
            session.Delete<NoticeDelivery>(first.Id);
            first.Id = decision.Id;
            first.MessageId = $"{decision.Id}@notices.test";
            session.Insert(first);
            await session.SaveChangesAsync();
        }

        // The subscription hears the decision again after the upgrade (a restart from an older mark).
        await Host.InvokeMessageAndWaitAsync(NoticeDue.Of(decision));

        await Task.Delay(1000);
        (await Notices(clinicId)).Select(x => x.Id).ShouldBe([decision.Id]);
        Smtp.Received.Count.ShouldBe(1);
    }
}
