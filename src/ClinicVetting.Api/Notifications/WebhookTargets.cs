using System.Net;
using System.Net.Sockets;

namespace ClinicVetting.Notifications;

/// <summary>
/// Where webhooks may go: https to public addresses only, so an approver's subscription cannot make the server call itself,
/// the private network or a cloud metadata service (SSRF). Checked when a subscriber is added and again at every connection,
/// on the address actually connected to, so a name that later resolves elsewhere (DNS rebinding) is refused too.
/// <see cref="AllowPrivateTargets"/> (ClinicVetting:Webhooks:AllowPrivateTargets) lifts both rules for development and tests.
/// </summary>
public sealed class WebhookTargets
{
    public const string AllowPrivateTargetsKey = "ClinicVetting:Webhooks:AllowPrivateTargets";

    public bool AllowPrivateTargets { get; set; }

    /// <summary>How host names are resolved (replaceable to test a name that rebinds).</summary>
    public Func<string, CancellationToken, Task<IPAddress[]>> Resolve { get; set; } = Dns.GetHostAddressesAsync;

    public static WebhookTargets From(IConfiguration configuration) => new() { AllowPrivateTargets = configuration.GetValue<bool>(AllowPrivateTargetsKey) };

    /// <summary>Why a URL's scheme is refused (anything but https), or null.</summary>
    public string? SchemeRefusal(Uri url) =>
        AllowPrivateTargets || url.Scheme == Uri.UriSchemeHttps ? null : $"Webhook URLs must use https, not {url.Scheme}.";

    /// <summary>Why a URL's host is refused (it is, or resolves to, a loopback, private, link-local, metadata... address), or null.</summary>
    public async Task<string?> AddressRefusal(Uri url, CancellationToken cancellation)
    {
        if (AllowPrivateTargets)
        {
            return null;
        }

        var host = url.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return $"{host} is a loopback name: webhooks go to other systems, never to this server.";
        }

        IPAddress[] addresses;
        try
        {
            addresses = await AddressesOf(host, cancellation);
        }
        catch (SocketException)
        {
            return $"{host} does not resolve to any address.";
        }

        return addresses.Select(x => Kind(x) is { } kind ? $"{host} resolves to {x}, {WithArticle(kind)} address: webhooks go to public addresses only." : null)
            .FirstOrDefault(x => x is not null);
    }

    private Task<IPAddress[]> AddressesOf(string host, CancellationToken cancellation) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? Task.FromResult(new[] { literal }) : Resolve(host, cancellation);

    /// <summary>
    /// The kind of a refused address (loopback, private, link-local, cloud metadata, ...), or null for a public one. An IPv4
    /// address written as IPv6 (mapped or NAT64) is judged as the IPv4 address it carries.
    /// </summary>
    public static string? Kind(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && bytes.Length == 16 && bytes.AsSpan(0, 12).SequenceEqual(Nat64Prefix))
        {
            return Kind(new IPAddress(bytes[12..]));
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return (bytes[0], bytes[1]) switch
            {
                (169, 254) when bytes[2] == 169 && bytes[3] == 254 => "cloud metadata",
                (100, 100) when bytes[2] == 100 && bytes[3] == 200 => "cloud metadata",
                (127, _) => "loopback",
                (0, _) => "unspecified",
                (10, _) => "private",
                (172, >= 16 and <= 31) => "private",
                (192, 168) => "private",
                (100, >= 64 and <= 127) => "shared (carrier-grade NAT)",
                (169, 254) => "link-local",
                (192, 0) when bytes[2] is 0 or 2 => "reserved",
                (198, 18 or 19) => "reserved",
                (198, 51) when bytes[2] == 100 => "reserved",
                (203, 0) when bytes[2] == 113 => "reserved",
                ( >= 224 and <= 239, _) => "multicast",
                ( >= 240, _) => "reserved",
                _ => null,
            };
        }

        if (address.Equals(IPAddress.IPv6Loopback)) return "loopback";
        if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any)) return "unspecified";
        if (bytes.AsSpan().SequenceEqual(AwsMetadataV6)) return "cloud metadata";
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal) return "link-local";
        if (address.IsIPv6Multicast) return "multicast";
        if ((bytes[0] & 0xFE) == 0xFC) return "private";
        if (bytes[0] == 0x20 && bytes[1] == 0x02) return "reserved (6to4)";
        if (bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8) return "reserved (documentation)";
        return null;
    }

    private static string WithArticle(string kind) => ("aeiou".Contains(kind[0]) ? "an " : "a ") + kind;

    private static readonly byte[] Nat64Prefix = [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] AwsMetadataV6 = IPAddress.Parse("fd00:ec2::254").GetAddressBytes();

    /// <summary>
    /// Opens a connection for a webhook delivery only to an address that is not refused, resolving the name itself, so what is
    /// checked is what is connected to.
    /// </summary>
    public async ValueTask<Stream> Connect(SocketsHttpConnectionContext context, CancellationToken cancellation)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await AddressesOf(host, cancellation);
        if (!AllowPrivateTargets)
        {
            var refused = addresses.Select(x => (Address: x, Kind: Kind(x))).FirstOrDefault(x => x.Kind is not null);
            if (refused.Kind is not null)
            {
                throw new HttpRequestException($"refused: {host} resolves to {refused.Address}, {WithArticle(refused.Kind)} address (webhooks go to public addresses only)");
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellation);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
