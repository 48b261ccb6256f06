using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace ClinicVetting.IntegrationTests.Support;

/// <summary>One request as the receiver got it.</summary>
public sealed record ReceivedWebhook(string Body, string? Signature, string? DeliveryId, string? EventType, int Answered, string? Refusal);

/// <summary>
/// A subscriber's endpoint on a local port that verifies deliveries the way docs/api.md tells receivers to, written here
/// independently of the application's code: HMAC-SHA256 over "t.body" with the secret, t within the tolerance, each
/// delivery id accepted once. It answers 500 while told to fail.
/// </summary>
public sealed class TestWebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _running;
    private readonly ConcurrentDictionary<string, bool> _seen = new();

    public TestWebhookReceiver(int port)
    {
        Url = $"http://127.0.0.1:{port}/hooks/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _running = Task.Run(Serve);
    }

    public string Url { get; }
    public string Secret { get; set; } = "";
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);
    public Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;
    public bool Failing { get; set; }

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public IEnumerable<ReceivedWebhook> Accepted => Received.Where(x => x.Refusal is null && x.Answered == 200);

    /// <summary>Why a delivery is refused, or null: the receiver's whole check.</summary>
    public string? Check(string body, string? signature, string? deliveryId)
    {
        var fields = (signature ?? "").Split(',').Select(x => x.Split('=', 2)).Where(x => x.Length == 2).ToDictionary(x => x[0], x => x[1]);
        if (!fields.TryGetValue("t", out var t) || !long.TryParse(t, out var timestamp) || !fields.TryGetValue("v1", out var v1))
        {
            return "unsigned";
        }

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(v1), Encoding.ASCII.GetBytes(expected)))
        {
            return "bad signature";
        }

        if (Math.Abs((Now() - DateTimeOffset.FromUnixTimeSeconds(timestamp)).TotalSeconds) > Tolerance.TotalSeconds)
        {
            return "stale timestamp";
        }

        return deliveryId is null || !_seen.TryAdd(deliveryId, true) ? "duplicate delivery" : null;
    }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var signature = context.Request.Headers["ClinicVetting-Signature"];
            var deliveryId = context.Request.Headers["ClinicVetting-Delivery"];
            var refusal = Failing ? null : Check(body, signature, deliveryId);
            var status = Failing ? 500 : refusal is null ? 200 : 400;
            Received.Enqueue(new ReceivedWebhook(body, signature, deliveryId, context.Request.Headers["ClinicVetting-Event"], status, refusal));
            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _running;
    }
}
