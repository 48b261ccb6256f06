using System.Security.Cryptography;
using System.Text;
using ClinicVetting.Notifications;

namespace ClinicVetting.UnitTests.Notifications;

public class composing_notices_and_signing_webhooks
{
    private static readonly DateTimeOffset Now = new(2030, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly SmtpSettings Smtp = new() { MessageIdDomain = "notices.example" };

    private static NoticeDelivery Compose(NoticeKind kind, string what, string? to = "ops@clinic.example") =>
        NoticeDueHandler.Compose(new NoticeDue(Guid.NewGuid(), kind, Guid.NewGuid(), null, what, Now), "Clínica Uno", to, null, Smtp, Now);

    [Fact]
    public void a_suspension_notice_says_why_and_how_to_be_reinstated()
    {
        var notice = Compose(NoticeKind.Suspension, "Its license COFEPRIS LIC-1 lapsed on 2030-02-28.");

        notice.Subject.ShouldBe("Clínica Uno: suspended from the published ranking");
        notice.Text.ShouldContain("Its license COFEPRIS LIC-1 lapsed on 2030-02-28.");
        notice.Text.ShouldContain("Send us current evidence to be reinstated.");
        notice.Status.ShouldBe(DeliveryStatus.Pending);
    }

    [Fact]
    public void reminders_and_reinstatements_name_the_clinic_and_the_fact()
    {
        Compose(NoticeKind.ExpiryReminder, "Your license LIC-1 expires on 2030-04-01, in 30 days.").Text
            .ShouldContain("Your license LIC-1 expires on 2030-04-01, in 30 days. Send us the renewed document");
        Compose(NoticeKind.Reinstatement, "The renewed license was verified.").Subject.ShouldBe("Clínica Uno: reinstated in the published ranking");
    }

    [Fact]
    public void the_message_id_is_the_notices_id_so_every_resend_carries_the_same_one()
    {
        var due = new NoticeDue(Guid.NewGuid(), NoticeKind.Suspension, Guid.NewGuid(), null, "x", Now);

        var first = NoticeDueHandler.Compose(due, "A", "a@clinic.example", null, Smtp, Now);
        var again = NoticeDueHandler.Compose(due, "A", "a@clinic.example", null, Smtp, Now.AddHours(1));

        first.MessageId.ShouldBe($"{due.NoticeId}@notices.example");
        again.MessageId.ShouldBe(first.MessageId);
        first.ToMessage(Smtp).MessageId.ShouldBe(first.MessageId);
    }

    [Fact]
    public void a_decision_notice_takes_its_id_from_the_case_not_from_the_event_wrapper_that_carried_the_decision()
    {
        var caseId = Guid.NewGuid();
        var decided = new ClinicVetting.Vetting.Cases.VettingDecisionNoticeSent(caseId, Guid.NewGuid(), ClinicVetting.Vetting.Cases.CaseStatus.Approved,
            "clinic-notices", Now);
        // Two wrappers of the one stored decision: JasperFx gives each new Event<T> its own random id.
        var heard = NoticeDue.Of(new JasperFx.Events.Event<ClinicVetting.Vetting.Cases.VettingDecisionNoticeSent>(decided));
        var heardAgain = NoticeDue.Of(new JasperFx.Events.Event<ClinicVetting.Vetting.Cases.VettingDecisionNoticeSent>(decided));

        heard.NoticeId.ShouldBe(NoticeIdentity.ForDecision(caseId));
        heardAgain.NoticeId.ShouldBe(heard.NoticeId);
        NoticeIdentity.ForDecision(Guid.NewGuid()).ShouldNotBe(heard.NoticeId);
        // A message about the decision that names another id (made before the id came from the case) is still that notice.
        NoticeIdentity.Of(heard with { NoticeId = Guid.NewGuid() }).ShouldBe(heard.NoticeId);
        // Other notices are named by their message (their id came from the event's content when it was made).
        var suspension = new NoticeDue(Guid.NewGuid(), NoticeKind.Suspension, Guid.NewGuid(), null, "x", Now);
        NoticeIdentity.Of(suspension).ShouldBe(suspension.NoticeId);
    }

    [Fact]
    public void a_clinic_without_an_address_gets_a_notice_with_nowhere_to_go()
    {
        Compose(NoticeKind.Suspension, "x", to: null).Status.ShouldBe(DeliveryStatus.NoAddress);
    }

    [Fact]
    public void the_signature_is_hmac_sha256_over_the_timestamp_a_dot_and_the_body()
    {
        const string secret = "whsec_test";
        const string body = """{"type":"clinic.suspended"}""";

        var header = WebhookSignature.Sign(secret, Now, body);

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes($"{Now.ToUnixTimeSeconds()}.{body}")));
        header.ShouldBe($"t={Now.ToUnixTimeSeconds()},v1={expected}");
        WebhookSignature.Problem(header, secret, body, Now.AddMinutes(4), TimeSpan.FromMinutes(5)).ShouldBeNull();
    }

    [Theory]
    [InlineData("tampered body")]
    [InlineData("wrong secret")]
    [InlineData("replayed later")]
    [InlineData("replayed later with a fresh timestamp")]
    [InlineData("replayed before")]
    [InlineData("no header")]
    public void a_tampered_forged_replayed_or_unsigned_delivery_fails_the_check(string attack)
    {
        const string body = """{"type":"clinic.suspended"}""";
        var header = WebhookSignature.Sign("whsec_right", Now, body);

        var problem = attack switch
        {
            "tampered body" => WebhookSignature.Problem(header, "whsec_right", body.Replace("suspended", "reinstated"), Now, TimeSpan.FromMinutes(5)),
            "wrong secret" => WebhookSignature.Problem(header, "whsec_wrong", body, Now, TimeSpan.FromMinutes(5)),
            "replayed later" => WebhookSignature.Problem(header, "whsec_right", body, Now.AddMinutes(6), TimeSpan.FromMinutes(5)),
            "replayed later with a fresh timestamp" => WebhookSignature.Problem(
                header.Replace($"t={Now.ToUnixTimeSeconds()}", $"t={Now.AddMinutes(6).ToUnixTimeSeconds()}"), "whsec_right", body, Now.AddMinutes(6),
                TimeSpan.FromMinutes(5)),
            "replayed before" => WebhookSignature.Problem(header, "whsec_right", body, Now.AddMinutes(-6), TimeSpan.FromMinutes(5)),
            _ => WebhookSignature.Problem(null, "whsec_right", body, Now, TimeSpan.FromMinutes(5)),
        };

        problem.ShouldNotBeNull();
    }

    [Fact]
    public void retries_wait_as_configured_and_then_stop()
    {
        var options = new NotificationOptions { RetryDelaysSeconds = [10, 60] };

        options.DelayAfter(1).ShouldBe(TimeSpan.FromSeconds(10));
        options.DelayAfter(2).ShouldBe(TimeSpan.FromSeconds(60));
        options.DelayAfter(3).ShouldBeNull();
        options.MaxAttempts.ShouldBe(3);
    }
}
