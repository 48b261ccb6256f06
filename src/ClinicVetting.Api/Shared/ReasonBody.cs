using ClinicVetting.Infrastructure.Http;

namespace ClinicVetting.Shared;

/// <summary>The body of every decision that needs only a written reason (reject, waive, clear, decline).</summary>
public sealed record ReasonBody([property: FieldLimit(MaxLength = 4000)] string Reason) : IHasExample<ReasonBody>
{
    public static ReasonBody Example => new("The clinic's laboratory licence could not be confirmed with the Thai FDA registry (call of 2026-03-02)");

    public FieldErrors Validate() => new FieldErrors().WithinLimits(this).Present("reason", Reason);
}
