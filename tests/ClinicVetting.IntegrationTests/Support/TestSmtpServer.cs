using System.Buffers;
using System.Collections.Concurrent;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace ClinicVetting.IntegrationTests.Support;

/// <summary>A real SMTP server on a local port, in the test process: it keeps what it accepts, or refuses while told to.</summary>
public sealed class TestSmtpServer : MessageStore, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private int _refusalsLeft;
    private volatile bool _deferring;

    public TestSmtpServer(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port))).Build();
        var services = new ServiceProvider();
        services.Add(this);
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; }

    public ConcurrentQueue<MimeMessage> Received { get; } = new();

    /// <summary>The next <paramref name="count"/> messages get a 554 (int.MaxValue: all of them).</summary>
    public void Refuse(int count) => Volatile.Write(ref _refusalsLeft, count);

    /// <summary>While on, every message gets a 451 (try again later), as a server that is overloaded or greylisting answers.</summary>
    public void Defer(bool on) => _deferring = on;

    public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
        CancellationToken cancellationToken)
    {
        if (_deferring)
        {
            return Task.FromResult(new SmtpResponse((SmtpReplyCode)451, "4.3.0 try again later"));
        }

        if (Interlocked.Decrement(ref _refusalsLeft) >= 0)
        {
            return Task.FromResult(SmtpResponse.TransactionFailed);
        }

        Interlocked.Exchange(ref _refusalsLeft, 0);
        using var stream = new MemoryStream(buffer.ToArray());
        Received.Enqueue(MimeMessage.Load(stream));
        return Task.FromResult(SmtpResponse.Ok);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
