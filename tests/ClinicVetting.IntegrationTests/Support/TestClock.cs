namespace ClinicVetting.IntegrationTests.Support;

/// <summary>
/// The domain's clock in tests: starts in 2030, so nothing the app schedules in domain time ever comes due in real
/// time during a run; tests move it (forwards or back) and play scheduled messages themselves.
/// </summary>
public sealed class TestClock : TimeProvider
{
    public static readonly DateTimeOffset Start = new(2030, 1, 7, 9, 0, 0, TimeSpan.Zero);

    public DateTimeOffset Now { get; set; } = Start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;

    public DateOnly Today => DateOnly.FromDateTime(Now.UtcDateTime);
}
