using System.Net;
using System.Net.Sockets;
using ClinicVetting.IntegrationTests.Support;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// A node behind the reverse proxy of src/ClinicVetting.Proxy, the proxy (127.0.0.1) its only trusted one: the feed's
/// rate limit counts each real client (clients here connect from 127.0.0.2, .3...), the Atom links use the public host the
/// client asked for, and no caller can choose its own address or host, neither through the proxy nor around it.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class behind_the_reverse_proxy : IAsyncLifetime
{
    private const int Budget = 5;
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _connection = TestDatabase.Prepare("clinicvetting_proxy");
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var reset = new NpgsqlCommand("drop schema if exists clinicvetting cascade", connection);
        await reset.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A client whose connections leave from this loopback address.</summary>
    private static HttpClient ClientFrom(string address, string baseUrl) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectCallback = async (context, cancellation) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellation);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    {
        BaseAddress = new Uri(baseUrl),
        Timeout = TimeSpan.FromSeconds(60),
    };

    private static async Task<List<int>> ReadFeed(HttpClient client, int times, Action<HttpRequestMessage>? alter = null)
    {
        var statuses = new List<int>();
        for (var i = 0; i < times; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/public/rankings/feed.atom");
            alter?.Invoke(request);
            using var answer = await client.SendAsync(request);
            statuses.Add((int)answer.StatusCode);
        }

        return statuses;
    }

    [Fact]
    public async Task the_rate_limit_and_the_feed_links_see_the_client_behind_the_proxy_and_nobody_can_claim_another_address()
    {
        await using var node = await ApiProcess.Start(
            new NpgsqlConnectionStringBuilder(_connection) { ApplicationName = "clinicvetting-proxied-node" }.ConnectionString,
            ClusterUnderTest.Key, settings: new Dictionary<string, string>
            {
                ["ClinicVetting__PublicFeed__RequestsPerMinute"] = Budget.ToString(),
                ["ClinicVetting__Proxy__KnownProxies__0"] = "127.0.0.1",
            });
        await using var proxy = await ApiProcess.StartProxy([node]);

        // A client behind the proxy spends its own budget; the next client still has all of its own.
        using var first = ClientFrom("127.0.0.2", proxy.BaseUrl);
        (await ReadFeed(first, Budget + 1)).ShouldBe([.. Enumerable.Repeat(200, Budget), 429]);
        using var second = ClientFrom("127.0.0.3", proxy.BaseUrl);
        (await ReadFeed(second, 1)).ShouldBe([200]);

        // A client behind the proxy that claims other addresses is still counted as itself (the proxy replaces the header).
        using var claimant = ClientFrom("127.0.0.4", proxy.BaseUrl);
        var claim = 0;
        (await ReadFeed(claimant, Budget + 1, request => request.Headers.Add("X-Forwarded-For", $"10.9.9.{++claim}")))
            .ShouldBe([.. Enumerable.Repeat(200, Budget), 429]);

        // So is a client that goes around the proxy to the node and claims to be one: it is not a configured proxy.
        using var around = ClientFrom("127.0.0.5", node.BaseUrl);
        (await ReadFeed(around, Budget + 1, request => request.Headers.Add("X-Forwarded-For", $"10.8.8.{++claim}")))
            .ShouldBe([.. Enumerable.Repeat(200, Budget), 429]);

        // The Atom links name the host the client asked the proxy for, never one a client claims around it.
        using var reader = ClientFrom("127.0.0.6", proxy.BaseUrl);
        var viaProxy = new HttpRequestMessage(HttpMethod.Get, "/api/public/rankings/feed.atom") { Headers = { Host = "clinics.example.org" } };
        var atom = await (await reader.SendAsync(viaProxy)).Content.ReadAsStringAsync();
        atom.ShouldContain("href=\"http://clinics.example.org/api/public/rankings/feed.atom\"");

        using var spoofer = ClientFrom("127.0.0.7", node.BaseUrl);
        var spoofed = new HttpRequestMessage(HttpMethod.Get, "/api/public/rankings/feed.atom");
        spoofed.Headers.Add("X-Forwarded-Host", "evil.example");
        spoofed.Headers.Add("X-Forwarded-Proto", "https");
        var direct = await (await spoofer.SendAsync(spoofed)).Content.ReadAsStringAsync();
        direct.ShouldNotContain("evil.example");
        direct.ShouldContain($"href=\"{node.BaseUrl}/api/public/rankings/feed.atom\"");
    }
}
