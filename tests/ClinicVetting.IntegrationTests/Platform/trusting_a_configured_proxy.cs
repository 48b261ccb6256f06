using System.Net;
using System.Text.Json;
using Alba;
using ClinicVetting.IntegrationTests.Support;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// Behind a proxy listed in ClinicVetting:Proxy, the client's address, scheme and host come from its X-Forwarded headers
/// (links and the document's server name the public address); from anyone else the headers are ignored.
/// </summary>
public class trusting_a_configured_proxy(AppFixture fixture) : IntegrationContext(fixture)
{
    private static readonly IPAddress Proxy = IPAddress.Parse("10.9.8.7");

    private static async Task<string> ServerOfTheDocument(IAlbaHost host, IPAddress from)
    {
        var result = await host.Scenario(s =>
        {
            s.ConfigureHttpContext(http => http.Connection.RemoteIpAddress = from);
            s.Get.Url("/openapi/v1.json");
            s.WithRequestHeader("X-Forwarded-Proto", "https");
            s.WithRequestHeader("X-Forwarded-Host", "api.clinicvetting.example");
            s.WithRequestHeader("X-Forwarded-For", "203.0.113.7");
        });
        using var document = JsonDocument.Parse(result.ReadAsText());
        return document.RootElement.GetProperty("servers")[0].GetProperty("url").GetString()!;
    }

    [Fact]
    public async Task the_forwarded_scheme_and_host_are_believed_from_a_configured_proxy_only()
    {
        await using var behindProxy = await AppFixture.StartHost(Fixture.ConnectionString, Fixture.Clock,
            new Dictionary<string, string> { ["ClinicVetting:Proxy:KnownProxies"] = Proxy.ToString() });

        (await ServerOfTheDocument(behindProxy, Proxy)).ShouldBe("https://api.clinicvetting.example");
        (await ServerOfTheDocument(behindProxy, IPAddress.Parse("10.1.1.1"))).ShouldNotContain("api.clinicvetting.example");
        (await ServerOfTheDocument(Host, Proxy)).ShouldNotContain("api.clinicvetting.example");
    }
}
