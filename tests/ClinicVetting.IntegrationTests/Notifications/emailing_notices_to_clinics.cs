using Alba;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Notifications;
using ClinicVetting.Vetting.Cases;
using Marten;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Notifications;

public class emailing_notices_to_clinics(AppFixture fixture) : SmtpContext(fixture)
{
    private async Task<Page<NoticeDelivery>> Notices(string query = "") =>
        (await Host.Send(Staff, s => s.Get.Url("/api/notifications/notices" + query))).ReadAsJson<Page<NoticeDelivery>>()!;

    [Fact]
    public async Task a_decided_case_is_emailed_to_the_clinics_contact_address_in_plain_english_with_a_stable_message_id()
    {
        var (clinicId, caseId) = await Host.AnApprovedClinic(Staff, Approver, Fixture.Clock.Today, Fixture.Clock.Now, "Clínica Correo", "vetting@correo.example");

        var mail = await Host.Eventually(() => Task.FromResult(Smtp.Received.ToList()), x => x.Count > 0, "the decision e-mail");

        var message = mail.ShouldHaveSingleItem();
        message.To.Mailboxes.Single().Address.ShouldBe("vetting@correo.example");
        message.Subject.ShouldBe("Clínica Correo: vetting approved");
        message.TextBody.ShouldNotBeNull().ShouldContain("Your clinic passed vetting");
        message.HtmlBody.ShouldBeNull();
        var delivery = (await Host.Eventually(() => Notices($"?clinicId={clinicId}"), x => x.Items.Any(d => d.Status == DeliveryStatus.Sent),
            "the notice recorded as sent")).Items.ShouldHaveSingleItem();
        delivery.Kind.ShouldBe(NoticeKind.VettingDecision);
        delivery.CaseId.ShouldBe(caseId);
        delivery.Attempts.ShouldBe(1);
        message.MessageId.ShouldBe($"{delivery.Id}@notices.test");
    }

    [Fact]
    public async Task a_server_that_refuses_is_tried_again_with_backoff_and_staff_see_the_notice_retrying_then_sent()
    {
        Smtp.Refuse(2);
        Host.Notifications().RetryDelaysSeconds = [1, 1, 1];
        var (clinicId, _) = await Host.AnApprovedClinic(Staff, Approver, Fixture.Clock.Today, Fixture.Clock.Now, "Clínica Reintento", "ops@reintento.example");

        var retrying = await Host.Eventually(() => Notices($"?clinicId={clinicId}"),
            x => x.Items.Any(d => d.Status == DeliveryStatus.Retrying), "the notice shown as retrying");
        retrying.Items.Single().LastError.ShouldNotBeNullOrEmpty();
        retrying.Items.Single().NextAttemptAt.ShouldNotBeNull();

        var sent = await Host.Eventually(() => Notices($"?clinicId={clinicId}"),
            x => x.Items.Any(d => d.Status == DeliveryStatus.Sent), "the notice sent on the third attempt");
        sent.Items.Single().Attempts.ShouldBe(3);
        Smtp.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task a_notice_the_server_never_accepts_fails_for_good_after_its_attempts_and_is_listed_as_failed()
    {
        Smtp.Refuse(int.MaxValue);
        var (clinicId, _) = await Host.AnApprovedClinic(Staff, Approver, Fixture.Clock.Today, Fixture.Clock.Now, "Clínica Fallida", "ops@fallida.example");

        var failed = await Host.Eventually(() => Notices($"?status=Failed&clinicId={clinicId}"), x => x.Items.Count == 1, "the notice failed for good");

        failed.Items.Single().Attempts.ShouldBe(Host.Notifications().MaxAttempts);
        Smtp.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_clinic_without_a_contact_address_gets_its_notice_recorded_as_having_nowhere_to_go()
    {
        var (clinicId, _) = await Host.AnApprovedClinic(Staff, Approver, Fixture.Clock.Today, Fixture.Clock.Now, "Clínica Sin Correo", null);

        var notice = await Host.Eventually(() => Notices($"?clinicId={clinicId}"), x => x.Items.Count == 1, "the notice recorded");

        notice.Items.Single().Status.ShouldBe(DeliveryStatus.NoAddress);
        Smtp.Received.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("two@a.example, three@b.example")]
    [InlineData("Name <name@clinic.example>")]
    [InlineData("name@localhost")]
    public async Task a_contact_address_that_is_not_one_plain_email_address_is_refused(string email)
    {
        var result = await Host.Send(Staff, s => s.Post.Json(ClinicScenarios.AClinic("Clínica Mala") with { ContactEmail = email }).ToUrl("/api/clinics"), 400);

        result.ShouldBeProblem(400);
        (await DomainEventCount()).ShouldBe(0);
    }

    [Fact]
    public async Task an_event_heard_twice_and_an_attempt_redelivered_are_one_notice_and_one_email()
    {
        var (clinicId, caseId) = await Host.AnApprovedClinic(Staff, Approver, Fixture.Clock.Today, Fixture.Clock.Now, "Clínica Doble", "x@doble.example");
        await Host.Eventually(() => Task.FromResult(Smtp.Received.Count), x => x == 1, "the first e-mail");
        var notice = (await Notices($"?clinicId={clinicId}")).Items.Single();

        // The subscription replays an event after a crash (the same notice id comes again), and an attempt's message is redelivered.
        await Host.InvokeMessageAndWaitAsync(new NoticeDue(notice.Id, NoticeKind.VettingDecision, clinicId, caseId, "", Fixture.Clock.Now));
        await Host.InvokeMessageAndWaitAsync(new SendNoticeEmail(notice.Id));

        await Task.Delay(500);
        Smtp.Received.Count.ShouldBe(1);
        (await Notices($"?clinicId={clinicId}")).Items.Count.ShouldBe(1);
    }
}
