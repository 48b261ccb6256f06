using ClinicVetting.Infrastructure.Auth;

namespace ClinicVetting.IntegrationTests.Model;

public sealed record Person(string Name, string Role)
{
    public bool IsApprover => Role == Roles.Approver;

    public override string ToString() => Name;
}

/// <summary>Who drives the model: two vetting staff and two approvers (who may also do staff work), the booking system, an auditor.</summary>
public static class People
{
    public static readonly Person[] Workers =
    [
        new("sam-staff", Roles.Staff),
        new("sue-staff", Roles.Staff),
        new("ada-approver", Roles.Approver),
        new("ben-approver", Roles.Approver),
    ];

    public static readonly Person Booking = new("booking-system", Roles.Booking);
    public static readonly Person Auditor = new("aud-auditor", Roles.Auditor);

    public static bool IsApprover(string? user) => Workers.Any(x => x.IsApprover && string.Equals(x.Name, user, StringComparison.OrdinalIgnoreCase));
}
