using System.Net;
using ClinicVetting.Notifications;

namespace ClinicVetting.UnitTests.Notifications;

public class refusing_internal_webhook_targets
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.10.20.30", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("10.0.0.5", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.254", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("fd12:3456::1", "private")]
    [InlineData("::ffff:192.168.0.1", "private")]
    [InlineData("64:ff9b::a00:1", "private")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("fd00:ec2::254", "cloud metadata")]
    [InlineData("100.100.100.200", "cloud metadata")]
    [InlineData("169.254.1.1", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("100.64.0.1", "shared (carrier-grade NAT)")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "reserved")]
    public void an_internal_address_is_refused_and_named(string address, string kind)
    {
        WebhookTargets.Kind(IPAddress.Parse(address)).ShouldBe(kind);
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    public void a_public_address_is_allowed(string address)
    {
        WebhookTargets.Kind(IPAddress.Parse(address)).ShouldBeNull();
    }

    [Fact]
    public async Task only_https_to_a_host_resolving_to_public_addresses_only_is_allowed_unless_private_targets_are()
    {
        var targets = new WebhookTargets { Resolve = (_, _) => Task.FromResult(new[] { IPAddress.Parse("93.184.215.14"), IPAddress.Parse("10.0.0.9") }) };

        targets.SchemeRefusal(new Uri("http://hooks.example.org/x")).ShouldNotBeNull();
        targets.SchemeRefusal(new Uri("https://hooks.example.org/x")).ShouldBeNull();
        (await targets.AddressRefusal(new Uri("https://hooks.example.org/x"), default))!.ShouldContain("10.0.0.9, a private address");
        (await targets.AddressRefusal(new Uri("https://LOCALHOST./x"), default))!.ShouldContain("loopback");
        (await targets.AddressRefusal(new Uri("https://93.184.215.14/x"), default)).ShouldBeNull();

        targets.AllowPrivateTargets = true;
        targets.SchemeRefusal(new Uri("http://127.0.0.1/x")).ShouldBeNull();
        (await targets.AddressRefusal(new Uri("https://hooks.example.org/x"), default)).ShouldBeNull();
    }
}
