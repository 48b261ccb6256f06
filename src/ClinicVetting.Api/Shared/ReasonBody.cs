using ClinicVetting.Infrastructure.Http;

namespace ClinicVetting.Shared;

/// <summary>The body of every decision that needs only a written reason (reject, waive, clear, decline).</summary>
public sealed record ReasonBody(string Reason)
{
    public FieldErrors Validate() => new FieldErrors().Required("reason", Reason, 4000);
}
