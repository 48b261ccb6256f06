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
    private volatile TaskCompletionSource? _holding;

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

    /// <summary>
    /// While on, a message is kept as received but the 250 that tells the sender so waits until <see cref="Release"/>: a sender
    /// killed meanwhile has delivered a message it never learnt was accepted, and sends it again.
    /// </summary>
    public void Hold() => _holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => Interlocked.Exchange(ref _holding, null)?.TrySetResult();

    /// <summary>Messages received whose acceptance was held back.</summary>
    public int HeldCount => Volatile.Read(ref _held);

    private int _held;

    public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
        CancellationToken cancellationToken)
    {
        if (_deferring)
        {
            return new SmtpResponse((SmtpReplyCode)451, "4.3.0 try again later");
        }

        if (Interlocked.Decrement(ref _refusalsLeft) >= 0)
        {
            return SmtpResponse.TransactionFailed;
        }

        Interlocked.Exchange(ref _refusalsLeft, 0);
        using var stream = new MemoryStream(buffer.ToArray());
        Received.Enqueue(MimeMessage.Load(stream));
        if (_holding is { } holding)
        {
            Interlocked.Increment(ref _held);
            await holding.Task.WaitAsync(cancellationToken);
        }

        return SmtpResponse.Ok;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
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
