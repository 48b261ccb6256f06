using Wolverine;

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

    /// <summary>Invoke a command as <paramref name="user"/>, exactly as an HTTP call by that user would.</summary>
    public async Task<T> Invoke<T>(string user, object command, CancellationToken cancellation)
    {
        await using var scope = Services.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        if (bus is IMessageContext context)
        {
            context.UserName = user;
        }

        return await bus.InvokeAsync<T>(command, cancellation);
    }
}
