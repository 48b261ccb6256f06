namespace ClinicVetting.Demo;

/// <summary>What a demo step works with: the message bus, acting as a named demo user.</summary>
public sealed class DemoContext(IServiceProvider services, TimeProvider clock, ILogger logger)
{
    public const string StaffUser = "demo-staff";
    public const string ApproverUser = "demo-approver";
    public const string BookingUser = "demo-booking-system";

    public IServiceProvider Services { get; } = services;
    public TimeProvider Clock { get; } = clock;
    public ILogger Logger { get; } = logger;
    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    /// <summary>Invoke a command as <paramref name="user"/>, exactly as an HTTP call by that user would.</summary>
    public async Task<T> Invoke<T>(string user, object command, CancellationToken cancellation)
    {
        await using var scope = Services.CreateAsyncScope();
        return await As(scope, user).InvokeAsync<T>(command, cancellation);
    }

    /// <summary>Run a command that answers nothing, inline, as <paramref name="user"/>.</summary>
    public async Task Invoke(string user, object command, CancellationToken cancellation)
    {
        await using var scope = Services.CreateAsyncScope();
        await As(scope, user).InvokeAsync(command, cancellation);
    }

    private static IMessageBus As(AsyncServiceScope scope, string user)
    {
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        if (bus is IMessageContext context)
        {
            context.UserName = user;
        }

        return bus;
    }
}
