namespace ClinicVetting.Infrastructure.Hosting;

/// <summary>
/// The system clock moved by ClinicVetting:Testing:ClockOffset (a TimeSpan), honoured in the Testing environment only:
/// a test starts the API as its own process "later", past a time window, without waiting for it.
/// </summary>
public sealed class ShiftedClock(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;

    public static TimeProvider For(WebApplicationBuilder builder) =>
        builder.Environment.IsEnvironment("Testing") && builder.Configuration.GetValue<TimeSpan?>("ClinicVetting:Testing:ClockOffset") is { } offset
            ? new ShiftedClock(offset)
            : System;
}
