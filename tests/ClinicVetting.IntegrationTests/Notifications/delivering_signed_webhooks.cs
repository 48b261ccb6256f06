using System.Text;
using System.Text.Json;
using Alba;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Notifications;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Notifications;

public class delivering_signed_webhooks(AppFixture fixture) : IntegrationContext(fixture)
{
    // A port the OS hands out, not a fixed one: parallel test runs on one machine (other checkouts) must not collide.
    private static readonly int ReceiverPort = ApiProcess.FreePort();
    private TestWebhookReceiver _receiver = null!;
    private double[] _savedDelays = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _receiver = new TestWebhookReceiver(ReceiverPort);
        _savedDelays = Host.Notifications().RetryDelaysSeconds;
        Host.Notifications().RetryDelaysSeconds = [0.2, 0.2];
    }

    private WebhookTargets Targets => Host.Services.GetRequiredService<WebhookTargets>();

    public override async Task DisposeAsync()
    {
        Targets.AllowPrivateTargets = true;
        Targets.Resolve = System.Net.Dns.GetHostAddressesAsync;
        Host.Notifications().RetryDelaysSeconds = _savedDelays;
        await _receiver.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task<NewWebhookSubscriber> Subscribe(params string[] events)
    {
        var created = (await Host.Send(Approver, s => s.Post.Json(new WebhookSubscription(_receiver.Url, events, "the test receiver"))
            .ToUrl("/api/notifications/webhooks"), 201)).ReadAsJson<NewWebhookSubscriber>()!;
        _receiver.Secret = created.Secret;
        return created;
    }

    private static async Task<(int Status, string Body)> Replay(string url, ReceivedWebhook delivery, string? body = null)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body ?? delivery.Body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("ClinicVetting-Signature", delivery.Signature);
        request.Headers.TryAddWithoutValidation("ClinicVetting-Delivery", delivery.DeliveryId);
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task a_decided_case_reaches_the_subscriber_signed_and_a_tampered_or_replayed_copy_is_refused_by_the_documented_check()
    {
        var subscriber = await Subscribe(WebhookEvents.VettingDecided);
        subscriber.Secret.ShouldStartWith("whsec_");
        var listed = (await Host.Send(Approver, s => s.Get.Url("/api/notifications/webhooks"))).ReadAsText();
        listed.ShouldContain(subscriber.Id.ToString());
        listed.ShouldNotContain(subscriber.Secret);

        var (clinicId, caseId) = await Host.AnApprovedClinic(Staff, Approver, Fixture.Clock.Today, Fixture.Clock.Now, "Clínica Gancho", null);

        var delivered = (await Host.Eventually(() => Task.FromResult(_receiver.Accepted.ToList()), x => x.Count > 0, "the signed delivery"))
            .ShouldHaveSingleItem();
        delivered.EventType.ShouldBe(WebhookEvents.VettingDecided);
        using (var body = JsonDocument.Parse(delivered.Body))
        {
            body.RootElement.GetProperty("type").GetString().ShouldBe(WebhookEvents.VettingDecided);
            body.RootElement.GetProperty("id").GetString().ShouldBe(delivered.DeliveryId);
            body.RootElement.GetProperty("data").GetProperty("clinicId").GetGuid().ShouldBe(clinicId);
            body.RootElement.GetProperty("data").GetProperty("caseId").GetGuid().ShouldBe(caseId);
            body.RootElement.GetProperty("data").GetProperty("decision").GetString().ShouldBe("approved");
        }

        var tampered = delivered.Body.Replace("approved", "rejected");
        (await Replay(_receiver.Url, delivered, tampered)).Status.ShouldBe(400);
        _receiver.Received.Last().Refusal.ShouldBe("bad signature");

        (await Replay(_receiver.Url, delivered)).Status.ShouldBe(400);
        _receiver.Received.Last().Refusal.ShouldBe("duplicate delivery");

        // A replay under a new delivery id: outside the window it is stale; with t rewritten to look fresh, the signature breaks.
        _receiver.Now = () => DateTimeOffset.UtcNow.AddMinutes(6);
        (await Replay(_receiver.Url, delivered with { DeliveryId = Guid.NewGuid().ToString() })).Status.ShouldBe(400);
        _receiver.Received.Last().Refusal.ShouldBe("stale timestamp");
        var signed = delivered.Signature!.Split(',').Single(x => x.StartsWith("v1="));
        var refreshed = $"t={DateTimeOffset.UtcNow.AddMinutes(6).ToUnixTimeSeconds()},{signed}";
        (await Replay(_receiver.Url, delivered with { DeliveryId = Guid.NewGuid().ToString(), Signature = refreshed })).Status.ShouldBe(400);
        _receiver.Received.Last().Refusal.ShouldBe("bad signature");

        // The application's own check, for receivers written in .NET, agrees.
        WebhookSignature.Problem(delivered.Signature, subscriber.Secret, delivered.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).ShouldBeNull();
        WebhookSignature.Problem(delivered.Signature, subscriber.Secret, tampered, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).ShouldNotBeNull();
        WebhookSignature.Problem(delivered.Signature, subscriber.Secret, delivered.Body, DateTimeOffset.UtcNow.AddMinutes(6), TimeSpan.FromMinutes(5))
            .ShouldNotBeNull();
    }

    [Fact]
    public async Task a_subscriber_that_keeps_failing_becomes_a_dead_letter_that_staff_redeliver_once_it_is_back()
    {
        await Subscribe(WebhookEvents.VettingDecided);
        _receiver.Failing = true;
        await Host.AnApprovedClinic(Staff, Approver, Fixture.Clock.Today, Fixture.Clock.Now, "Clínica Caída", null);

        var dead = await Host.Eventually(
            async () => (await Host.Send(Staff, s => s.Get.Url("/api/notifications/webhooks/dead-letters"))).ReadAsJson<Page<WebhookDelivery>>()!,
            x => x.Items.Count == 1, "the dead letter");
        var letter = dead.Items.Single();
        letter.Attempts.ShouldBe(3);
        letter.LastStatusCode.ShouldBe(500);
        _receiver.Received.Count.ShouldBe(3);
        _receiver.Received.Select(x => x.DeliveryId).Distinct().ShouldBe([letter.Id.ToString()]);

        _receiver.Failing = false;
        await Host.Send(Staff, s => s.Post.Url($"/api/notifications/webhooks/deliveries/{letter.Id}/redelivery"));

        await Host.Eventually(() => Task.FromResult(_receiver.Accepted.Count()), x => x == 1, "the redelivery accepted");
        (await Host.Send(Staff, s => s.Get.Url("/api/notifications/webhooks/dead-letters"))).ReadAsJson<Page<WebhookDelivery>>()!.Items.ShouldBeEmpty();
        (await Host.Send(Staff, s => s.Post.Url($"/api/notifications/webhooks/deliveries/{letter.Id}/redelivery"), 409)).ShouldBeProblem(409);
    }

    [Fact]
    public async Task events_a_subscriber_did_not_choose_are_not_sent_to_it()
    {
        await Subscribe(WebhookEvents.EditionPublished);

        var (clinicId, _) = await Host.AnApprovedClinic(Staff, Approver, Fixture.Clock.Today, Fixture.Clock.Now, "Clínica Callada", null);

        // The subscription runs to the end of the log and every message it sets off is handled.
        await Host.ExecuteAndWaitAsync(() => Host.CatchUpProjections());
        await using (var session = Store.QuerySession())
        {
            (await session.Query<NoticeDelivery>().Where(x => x.ClinicId == clinicId).CountAsync()).ShouldBe(1, "the decision was heard");
            (await session.Query<WebhookDelivery>().CountAsync()).ShouldBe(0);
        }

        _receiver.Received.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("ftp://example.org/hook", "vetting.decided")]
    [InlineData("https://user:pass@example.org/hook", "vetting.decided")]
    [InlineData("https://example.org/hook", "vetting.exploded")]
    public async Task a_subscription_with_a_bad_url_or_event_is_refused(string url, string @event)
    {
        (await Host.Send(Approver, s => s.Post.Json(new WebhookSubscription(url, [@event])).ToUrl("/api/notifications/webhooks"), 400)).ShouldBeProblem(400);
    }

    [Theory]
    [InlineData("http://93.184.215.14/hook", 400, "must use https")]
    [InlineData("https://127.0.0.1:8443/hook", 422, "a loopback address")]
    [InlineData("https://2130706433/hook", 422, "a loopback address")]
    [InlineData("https://localhost/hook", 422, "a loopback name")]
    [InlineData("https://[::1]/hook", 422, "a loopback address")]
    [InlineData("https://10.1.2.3/hook", 422, "a private address")]
    [InlineData("https://172.20.0.1/hook", 422, "a private address")]
    [InlineData("https://192.168.0.10/hook", 422, "a private address")]
    [InlineData("https://[fd12:3456::1]/hook", 422, "a private address")]
    [InlineData("https://[::ffff:10.0.0.1]/hook", 422, "a private address")]
    [InlineData("https://169.254.169.254/latest/meta-data/", 422, "a cloud metadata address")]
    [InlineData("https://169.254.10.1/hook", 422, "a link-local address")]
    [InlineData("https://[fe80::1]/hook", 422, "a link-local address")]
    [InlineData("https://0.0.0.0/hook", 422, "an unspecified address")]
    [InlineData("https://intranet.partner.test/hook", 422, "resolves to 10.0.0.7, a private address")]
    public async Task a_subscription_to_plain_http_or_an_internal_address_is_refused_with_the_reason(string url, int status, string reason)
    {
        Targets.AllowPrivateTargets = false;
        Targets.Resolve = (_, _) => Task.FromResult(new[] { System.Net.IPAddress.Parse("10.0.0.7") });

        var refused = await Host.Send(Approver, s => s.Post.Json(new WebhookSubscription(url, [WebhookEvents.VettingDecided])).ToUrl("/api/notifications/webhooks"),
            status);

        refused.ShouldBeProblem(status);
        var detail = refused.ReadAsText();
        detail.ShouldContain(reason);
        await using var session = Store.QuerySession();
        (await session.Query<WebhookSubscriber>().CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task a_subscription_to_https_on_a_public_address_is_accepted_when_private_targets_are_not_allowed()
    {
        Targets.AllowPrivateTargets = false;

        await Host.Send(Approver, s => s.Post.Json(new WebhookSubscription("https://93.184.215.14/hook", [WebhookEvents.VettingDecided]))
            .ToUrl("/api/notifications/webhooks"), 201);
    }

    [Fact]
    public async Task a_subscribed_name_that_later_resolves_to_loopback_is_refused_at_delivery_and_ends_a_dead_letter()
    {
        Targets.AllowPrivateTargets = false;
        var rebound = false;
        // Public when subscribed, loopback (this server's receiver) when delivered: DNS rebinding.
        Targets.Resolve = (_, _) => Task.FromResult(new[] { System.Net.IPAddress.Parse(rebound ? "127.0.0.1" : "93.184.215.14") });
        var subscriber = (await Host.Send(Approver, s => s.Post.Json(
            new WebhookSubscription($"https://hooks.partner.test:{ReceiverPort}/hooks/", [WebhookEvents.VettingDecided])).ToUrl("/api/notifications/webhooks"), 201))
            .ReadAsJson<NewWebhookSubscriber>()!;
        _receiver.Secret = subscriber.Secret;
        rebound = true;

        await Host.AnApprovedClinic(Staff, Approver, Fixture.Clock.Today, Fixture.Clock.Now, "Clínica Rebote", null);

        var letter = (await Host.Eventually(
            async () => (await Host.Send(Staff, s => s.Get.Url("/api/notifications/webhooks/dead-letters"))).ReadAsJson<Page<WebhookDelivery>>()!,
            x => x.Items.Count == 1, "the refused delivery as a dead letter")).Items.Single();
        letter.LastError.ShouldNotBeNull();
        letter.LastError.ShouldContain("refused: hooks.partner.test resolves to 127.0.0.1, a loopback address");
        letter.LastStatusCode.ShouldBeNull();
        _receiver.Received.ShouldBeEmpty();
    }
}
