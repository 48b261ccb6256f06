using System.Net.Sockets;
using System.Text;
using ClinicVetting.IntegrationTests.Support;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// What a HEAD request puts on the wire, from a real process behind Kestrel (the in-memory test server does not drop bodies):
/// the GET's status line and Content-Length, then nothing.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class answering_head_requests_over_the_wire
{
    /// <summary>Sends one request on its own connection (closed after it) and answers everything the server sent: head, body.</summary>
    private static async Task<(string Head, byte[] Body)> Exchange(string baseUrl, string method, string path)
    {
        var uri = new Uri(baseUrl);
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: {uri.Authority}\r\nConnection: close\r\n\r\n"));
        using var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await stream.CopyToAsync(received, timeout.Token);
        var bytes = received.ToArray();
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        end.ShouldBeGreaterThan(0, $"{method} {path}: no complete head in {bytes.Length} bytes");
        return (Encoding.ASCII.GetString(bytes, 0, end), bytes[(end + 4)..]);
    }

    private static string? Header(string head, string name) => head.Split("\r\n")
        .Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
        .Select(line => line[(name.Length + 1)..].Trim())
        .FirstOrDefault();

    [Fact]
    public async Task head_sends_the_status_and_length_of_get_and_no_body()
    {
        // Only public pages are read: whatever an earlier run left in the database does not matter.
        await using var api = await ApiProcess.Start(TestDatabase.Prepare("clinicvetting_head"), ClusterUnderTest.Key);
        foreach (var path in new[] { "/", "/methodology", "/health/live" })
        {
            var get = await Exchange(api.BaseUrl, "GET", path);
            var head = await Exchange(api.BaseUrl, "HEAD", path);

            head.Head.Split("\r\n")[0].ShouldBe("HTTP/1.1 200 OK", path);
            get.Head.Split("\r\n")[0].ShouldBe("HTTP/1.1 200 OK", path);
            head.Body.Length.ShouldBe(0, $"HEAD {path} sent a body");
            if (Header(get.Head, "Content-Length") is { } length)
            {
                Header(head.Head, "Content-Length").ShouldBe(length, path);
                get.Body.Length.ShouldBe(int.Parse(length), path);
            }
        }
    }
}
